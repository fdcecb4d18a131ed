import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTemplate } from '#local/template.js';
import { evaluateIam, type IamRequest } from '#support/iam-evaluate.js';

// What keeps anyone but API Gateway and the named workflows from invoking the functions (which
// would let them present any caller), as the files under deploy/ ship it, with their example
// account, stack name, workflow role and deployer role.
const ACCOUNT = '123456789012';
const STACK = 'redshift-credential-vendor';
const functionArn = (name: string) =>
  `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${STACK}-${name}`;
const API_FUNCTION = functionArn('credentials-api');
const TASK_FUNCTION = functionArn('credentials-task');
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const WORKFLOW_ROLE = role('nightly-load-workflow');
const EXAMPLE_WORKFLOW_ROLE = role(`${STACK}-ExampleWorkflowRole-AbC123dEf456`);
const DEPLOYER = role(`${STACK}-deployer`);
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/${STACK}-boundary`;

const readPolicy = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as unknown;
const FULL_ACCESS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

/** A request by a session of `roleArn`, under the guard `kind`. */
function asRole(
  roleArn: string,
  kind: 'scp' | 'boundary',
  action: string,
  resource: string,
  context: Record<string, string> = {},
): Promise<string> {
  const request: IamRequest = {
    principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleArn.split('/').at(-1)}/session`,
    action,
    resource,
    resourceAccount: ACCOUNT,
    context: { 'aws:PrincipalArn': roleArn, 'aws:PrincipalIsAWSService': 'false', ...context },
    ...(kind === 'scp'
      ? { serviceControlPolicies: [FULL_ACCESS, readPolicy('deploy/scp-invoke-guard.json')] }
      : { permissionsBoundary: readPolicy('deploy/permissions-boundary.json') }),
  };
  return evaluateIam(request);
}

describe.each(['scp', 'boundary'] as const)('the invoke guard (%s)', (kind) => {
  it.each([WORKFLOW_ROLE, EXAMPLE_WORKFLOW_ROLE])(
    'lets the workflow role %s invoke the task function, and nothing else',
    async (workflowRole) => {
      expect(await asRole(workflowRole, kind, 'lambda:InvokeFunction', TASK_FUNCTION)).toBe(
        'Allowed',
      );
      expect(await asRole(workflowRole, kind, 'lambda:InvokeFunction', API_FUNCTION)).toBe(
        'ExplicitlyDenied',
      );
    },
  );

  it.each([
    ['an administrator', role('Admin')],
    ['another workflow’s role', role('adhoc-loader-workflow')],
    ['the deployer', DEPLOYER],
    ['a role named like a workflow role in a path', role('team/nightly-load-workflow-copy')],
  ])('denies %s invoking either function, by alias too', async (_, roleArn) => {
    for (const target of [API_FUNCTION, TASK_FUNCTION, `${TASK_FUNCTION}:live`]) {
      for (const action of ['lambda:InvokeFunction', 'lambda:InvokeAsync']) {
        expect(await asRole(roleArn, kind, action, target)).toBe('ExplicitlyDenied');
      }
    }
  });

  it('lets only the deployer change the functions, who may invoke them, or the layers', async () => {
    const changes = [
      ['lambda:UpdateFunctionCode', API_FUNCTION],
      ['lambda:UpdateFunctionConfiguration', TASK_FUNCTION],
      ['lambda:AddPermission', API_FUNCTION],
      ['lambda:CreateFunctionUrlConfig', TASK_FUNCTION],
      ['lambda:PublishLayerVersion', `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:policy`],
    ];
    for (const [action = '', resource = ''] of changes) {
      expect(await asRole(DEPLOYER, kind, action, resource)).toBe('Allowed');
      expect(await asRole(role('Admin'), kind, action, resource)).toBe('ExplicitlyDenied');
    }
  });

  it('leaves every other action to the identity policy', async () => {
    expect(
      await asRole(role('Admin'), kind, 's3:GetObject', 'arn:aws:s3:::reports/daily.csv'),
    ).toBe('Allowed');
  });
});

describe.each(['scp', 'boundary'] as const)('the workflow tag guard (%s)', (kind) => {
  it('lets nobody tag a session with the workflow a consumer may decrypt for', async () => {
    const tagging = { 'aws:TagKeys': 'RedshiftCredentialsWorkflow' };

    expect(
      await asRole(role('Admin'), kind, 'sts:TagSession', role('nightly-load-consumer'), tagging),
    ).toBe('ExplicitlyDenied');
    expect(
      await asRole(role('Admin'), kind, 'sts:TagSession', role('nightly-load-consumer'), {
        'aws:TagKeys': 'team',
      }),
    ).toBe('Allowed');
  });

  it('lets only the deployer set or remove a role’s workflow tag', async () => {
    const tagging = { 'aws:TagKeys': 'RedshiftCredentialsWorkflow' };
    const consumer = role('nightly-load-consumer');

    for (const action of ['iam:TagRole', 'iam:UntagRole']) {
      expect(await asRole(role('Admin'), kind, action, consumer, tagging)).toBe('ExplicitlyDenied');
      expect(await asRole(DEPLOYER, kind, action, consumer, tagging)).toBe('Allowed');
    }
  });
});

describe('a consumer role’s trust policy (deploy/consumer-role-trust-policy.json)', () => {
  const trust = readPolicy('deploy/consumer-role-trust-policy.json');
  const consumer = role('nightly-load-consumer');

  it('lets Lambda run the consumer step', async () => {
    const decision = await evaluateIam({
      principal: 'lambda.amazonaws.com',
      action: 'sts:AssumeRole',
      resource: consumer,
      resourceAccount: ACCOUNT,
      context: { 'aws:PrincipalIsAWSService': 'true' },
      identityPolicies: [],
      resourcePolicy: trust,
    });

    expect(decision).toBe('Allowed');
  });

  it('refuses session tags, which would override the role’s workflow tag, whoever asks', async () => {
    const decision = await evaluateIam({
      principal: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/x`,
      action: 'sts:TagSession',
      resource: consumer,
      resourceAccount: ACCOUNT,
      context: { 'aws:PrincipalArn': role('Admin'), 'aws:TagKeys': 'RedshiftCredentialsWorkflow' },
      resourcePolicy: trust,
    });

    expect(decision).toBe('ExplicitlyDenied');
  });
});

describe('the invoke guard and API Gateway', () => {
  it('leaves API Gateway, which invokes as its service principal, to the function’s own policy', async () => {
    // SCPs and permissions boundaries never apply to AWS service principals; the guard says so
    // itself (aws:PrincipalIsAWSService), which the simulator reads.
    const decision = await evaluateIam({
      principal: 'apigateway.amazonaws.com',
      action: 'lambda:InvokeFunction',
      resource: API_FUNCTION,
      resourceAccount: ACCOUNT,
      context: { 'aws:PrincipalIsAWSService': 'true' },
      identityPolicies: [],
      serviceControlPolicies: [FULL_ACCESS, readPolicy('deploy/scp-invoke-guard.json')],
      resourcePolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'apigateway.amazonaws.com' },
            Action: 'lambda:InvokeFunction',
            Resource: API_FUNCTION,
          },
        ],
      },
    });

    expect(decision).toBe('Allowed');
  });

  it('names the functions as the template names them for the example stack', () => {
    const template = readTemplate();
    const names = ['CredentialsApiFunction', 'CredentialsTaskFunction'].map((id) =>
      JSON.stringify(template.Resources[id]?.Properties?.FunctionName),
    );

    expect(names).toEqual([
      JSON.stringify({ 'Fn::Sub': '${AWS::StackName}-credentials-api' }),
      JSON.stringify({ 'Fn::Sub': '${AWS::StackName}-credentials-task' }),
    ]);
  });
});

describe('the permissions boundary', () => {
  const create = (roleArn: string, boundary?: string) =>
    asRole(roleArn, 'boundary', 'iam:CreateRole', role('new-service'), {
      ...(boundary !== undefined && { 'iam:PermissionsBoundary': boundary }),
    });

  it('lets a bounded identity create roles only with the same boundary', async () => {
    expect(await create(role('Admin'))).toBe('ExplicitlyDenied');
    expect(await create(role('Admin'), `arn:aws:iam::${ACCOUNT}:policy/other`)).toBe(
      'ExplicitlyDenied',
    );
    expect(await create(role('Admin'), BOUNDARY_ARN)).toBe('Allowed');
  });

  it('lets nobody but the deployer take a boundary off', async () => {
    const action = 'iam:DeleteRolePermissionsBoundary';

    expect(await asRole(role('Admin'), 'boundary', action, role('Admin'))).toBe('ExplicitlyDenied');
    expect(await asRole(DEPLOYER, 'boundary', action, role('Admin'))).toBe('Allowed');
  });
});
