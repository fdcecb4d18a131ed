import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '#local/template.js';
import { evaluateIam } from '#support/iam-evaluate.js';

// The deployer's own IAM policy (deploy/deployer-policy.json): what `sam deploy` and `sam delete`
// of this stack need, scoped to the stack's names, and nothing that would let the deployer reach
// past them (another role, another function, an administrator's managed policy).
const ACCOUNT = '123456789012';
const STACK = 'redshift-credential-vendor';
const REGION = 'eu-west-1';
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:role/${STACK}-deployer`;
const deployerPolicy = JSON.parse(readFileSync('deploy/deployer-policy.json', 'utf8')) as unknown;

const arn = {
  stack: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK}/0a1b2c3d`,
  role: (logicalId: string) => `arn:aws:iam::${ACCOUNT}:role/${STACK}-${logicalId}-AbC123dEf456`,
  function: (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${STACK}-${name}`,
  logGroup: (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${name}`,
};

type Call = readonly [action: string, resource: string, context?: Record<string, string>];

/** What creating, updating and deleting each kind of resource the template declares calls. */
const CALLS_BY_TYPE: Record<string, readonly Call[]> = {
  'AWS::Serverless::Function': [
    ['iam:CreateRole', arn.role('CredentialsApiFunctionRole')],
    [
      'iam:AttachRolePolicy',
      arn.role('CredentialsApiFunctionRole'),
      { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
    ],
    [
      'iam:AttachRolePolicy',
      arn.role('CredentialsApiFunctionRole'),
      { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess' },
    ],
    ['iam:PutRolePolicy', arn.role('CredentialsApiFunctionRole')],
    [
      'iam:PassRole',
      arn.role('CredentialsApiFunctionRole'),
      { 'iam:PassedToService': 'lambda.amazonaws.com' },
    ],
    ['lambda:CreateFunction', arn.function('credentials-api')],
    ['lambda:UpdateFunctionCode', arn.function('credentials-task')],
    ['lambda:UpdateFunctionConfiguration', arn.function('example-consumer')],
    ['lambda:AddPermission', arn.function('credentials-api')],
    ['lambda:TagResource', arn.function('credentials-api')],
    ['lambda:DeleteFunction', arn.function('credentials-task')],
    ['s3:GetObject', 'arn:aws:s3:::aws-sam-cli-managed-default-samclisourcebucket-1a2b3c/x/abc'],
  ],
  'AWS::Serverless::LayerVersion': [
    ['lambda:PublishLayerVersion', `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${STACK}-policy`],
    ['lambda:GetLayerVersion', `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${STACK}-policy:3`],
    ['lambda:DeleteLayerVersion', `arn:aws:lambda:${REGION}:${ACCOUNT}:layer:${STACK}-policy:2`],
  ],
  'AWS::Serverless::Api': [
    ['apigateway:POST', `arn:aws:apigateway:${REGION}::/restapis`],
    ['apigateway:PUT', `arn:aws:apigateway:${REGION}::/restapis/a1b2c3d4e5`],
    ['apigateway:PATCH', `arn:aws:apigateway:${REGION}::/restapis/a1b2c3d4e5/stages/v1`],
    ['apigateway:DELETE', `arn:aws:apigateway:${REGION}::/restapis/a1b2c3d4e5`],
  ],
  'AWS::ApiGateway::Account': [
    ['apigateway:PATCH', `arn:aws:apigateway:${REGION}::/account`],
    [
      'iam:PassRole',
      arn.role('ApiGatewayLoggingRole'),
      { 'iam:PassedToService': 'apigateway.amazonaws.com' },
    ],
  ],
  'AWS::Serverless::StateMachine': [
    ['iam:CreateRole', arn.role('ExampleWorkflowRole')],
    [
      'iam:PassRole',
      arn.role('ExampleWorkflowRole'),
      { 'iam:PassedToService': 'states.amazonaws.com' },
    ],
    [
      'states:CreateStateMachine',
      `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STACK}-example-etl`,
    ],
    [
      'states:DeleteStateMachine',
      `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STACK}-example-etl`,
    ],
  ],
  'AWS::IAM::Role': [
    ['iam:CreateRole', arn.role('ApiGatewayLoggingRole')],
    [
      'iam:AttachRolePolicy',
      arn.role('ApiGatewayLoggingRole'),
      {
        'iam:PolicyARN':
          'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
      },
    ],
  ],
  'AWS::IAM::Policy': [['iam:PutRolePolicy', arn.role('CredentialsTaskFunctionRole')]],
  'AWS::IAM::RolePolicy': [['iam:DeleteRolePolicy', arn.role('CredentialsTaskFunctionRole')]],
  'AWS::KMS::Key': [
    ['kms:CreateKey', '*'],
    [
      'kms:PutKeyPolicy',
      `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    ],
    [
      'kms:EnableKeyRotation',
      `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    ],
    [
      'kms:ScheduleKeyDeletion',
      `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    ],
  ],
  'AWS::KMS::Alias': [
    ['kms:CreateAlias', `arn:aws:kms:${REGION}:${ACCOUNT}:alias/${STACK}-task-output`],
    [
      'kms:CreateAlias',
      `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    ],
  ],
  'AWS::Logs::LogGroup': [
    ['logs:CreateLogGroup', arn.logGroup(`/aws/lambda/${STACK}-credentials-api`)],
    ['logs:PutRetentionPolicy', arn.logGroup(`/aws/apigateway/${STACK}-access`)],
    ['logs:TagResource', arn.logGroup(`/aws/lambda/${STACK}-example-consumer`)],
  ],
  'AWS::Logs::MetricFilter': [
    ['logs:PutMetricFilter', arn.logGroup(`/aws/lambda/${STACK}-credentials-task`)],
    ['logs:DeleteMetricFilter', arn.logGroup(`/aws/lambda/${STACK}-credentials-api`)],
  ],
  'AWS::CloudWatch::Alarm': [
    ['cloudwatch:PutMetricAlarm', `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${STACK}-api-5xx`],
    ['cloudwatch:DeleteAlarms', `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${STACK}-api-5xx`],
  ],
  'AWS::CloudWatch::Dashboard': [
    [
      'cloudwatch:PutDashboard',
      `arn:aws:cloudwatch::${ACCOUNT}:dashboard/${STACK}-credential-vendor`,
    ],
  ],
  // Kept on deletion (DeletionPolicy Retain): the deployer never deletes it.
  'AWS::DynamoDB::Table': [
    [
      'dynamodb:CreateTable',
      `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${STACK}-RevocationsTable-1A2B3C`,
    ],
    [
      'dynamodb:DescribeTable',
      `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${STACK}-RevocationsTable-1A2B3C`,
    ],
    [
      'dynamodb:UpdateContinuousBackups',
      `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${STACK}-RevocationsTable-1A2B3C`,
    ],
    [
      'dynamodb:TagResource',
      `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${STACK}-RevocationsTable-1A2B3C`,
    ],
  ],
  // A placeholder CloudFormation keeps itself: no service call.
  'AWS::CloudFormation::WaitConditionHandle': [],
};

/** What `sam deploy` itself calls, whatever the template declares. */
const DEPLOY_CALLS: readonly Call[] = [
  ['cloudformation:CreateChangeSet', arn.stack],
  ['cloudformation:ExecuteChangeSet', arn.stack],
  ['cloudformation:DescribeStackEvents', arn.stack],
  [
    'cloudformation:DeleteStack',
    `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK}-prod/9f8e7d`,
  ],
  [
    'cloudformation:CreateChangeSet',
    `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/aws-sam-cli-managed-default/1a2b`,
  ],
  ['s3:CreateBucket', 'arn:aws:s3:::aws-sam-cli-managed-default-samclisourcebucket-1a2b3c'],
  ['s3:PutObject', 'arn:aws:s3:::aws-sam-cli-managed-default-samclisourcebucket-1a2b3c/x/abc'],
];

// The stack's key policy lets the account administer the task output key through IAM policies
// (this statement), and use it to nobody but the functions.
const keyPolicy = readTemplate().Resources.TaskOutputKey?.Properties?.KeyPolicy as
  | { Statement: { Sid?: string }[] }
  | undefined;
const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: (keyPolicy?.Statement ?? [])
    .filter((statement) => statement.Sid === 'AccountAdministersButCannotUseTheKey')
    .map((statement) => ({ ...statement, Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } })),
};

function asDeployer([action, resource, context = {}]: Call) {
  return evaluateIam({
    principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${STACK}-deployer/sam`,
    action,
    resource,
    resourceAccount: ACCOUNT,
    context: { 'aws:PrincipalArn': DEPLOYER, ...context },
    identityPolicies: [deployerPolicy],
    ...(resource.startsWith('arn:aws:kms:') && { resourcePolicy: KEY_POLICY }),
  });
}

describe('the deployer policy', () => {
  const types = [
    ...new Set(Object.values(readTemplate().Resources).map((resource) => resource.Type)),
  ];

  it('knows what deploying each kind of resource the template declares calls', () => {
    expect(types.filter((type) => CALLS_BY_TYPE[type] === undefined)).toEqual([]);
  });

  it.each(types)('allows deploying and deleting the stack’s %s resources', async (type) => {
    for (const call of CALLS_BY_TYPE[type] ?? []) {
      expect([call, await asDeployer(call)]).toEqual([call, 'Allowed']);
    }
  });

  it('allows what sam deploy and sam delete call around the stack', async () => {
    for (const call of DEPLOY_CALLS) {
      expect([call, await asDeployer(call)]).toEqual([call, 'Allowed']);
    }
  });

  it('lets the deployer run the SAM transform, which no policy simulator models', () => {
    const statements = (deployerPolicy as { Statement: { Action: unknown; Resource: unknown }[] })
      .Statement;

    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'cloudformation:CreateChangeSet',
        Resource: 'arn:aws:cloudformation:*:aws:transform/Serverless-2016-10-31',
      }),
    );
  });

  it.each<[string, Call]>([
    ['create a role outside the stack', ['iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/Admin`]],
    [
      'attach an administrator policy to the stack’s role',
      [
        'iam:AttachRolePolicy',
        arn.role('CredentialsApiFunctionRole'),
        { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' },
      ],
    ],
    [
      'pass the stack’s role to another service',
      [
        'iam:PassRole',
        arn.role('CredentialsApiFunctionRole'),
        { 'iam:PassedToService': 'ec2.amazonaws.com' },
      ],
    ],
    [
      'pass another role to Lambda',
      [
        'iam:PassRole',
        `arn:aws:iam::${ACCOUNT}:role/Admin`,
        { 'iam:PassedToService': 'lambda.amazonaws.com' },
      ],
    ],
    [
      'change another function',
      ['lambda:UpdateFunctionCode', `arn:aws:lambda:${REGION}:${ACCOUNT}:function:payments`],
    ],
    ['invoke the vendor’s functions', ['lambda:InvokeFunction', arn.function('credentials-api')]],
    [
      'decrypt with the task output key',
      ['kms:Decrypt', `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`],
    ],
    [
      'delete another stack',
      [
        'cloudformation:DeleteStack',
        `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/payments/1a2b`,
      ],
    ],
    ['read another bucket', ['s3:GetObject', 'arn:aws:s3:::payroll/2026.csv']],
    ['delete another log group', ['logs:DeleteLogGroup', arn.logGroup('/aws/lambda/payments')]],
  ])('does not let the deployer %s', async (_, call) => {
    expect(await asDeployer(call)).toBe('ImplicitlyDenied');
  });
});
