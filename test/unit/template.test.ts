import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '../../functions/adapters/policy-file.js';
import { readTemplate } from '../../local/template.js';

const template = readTemplate();
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
const functions = ofType('AWS::Serverless::Function');

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

/** Every IAM statement the template grants, inline function policies and role policies alike. */
function statements(): Statement[] {
  const fromFunctions = functions.flatMap(
    ([, fn]) => (fn.Properties?.Policies as { Statement: Statement[] }[] | undefined) ?? [],
  );
  const forEach = (template.Resources as Record<string, unknown>)[
    'Fn::ForEach::ClusterCredentialsPolicies'
  ] as [
    string,
    unknown,
    Record<string, { Properties: { PolicyDocument: { Statement: Statement[] } } }>,
  ];
  const fromRolePolicies = Object.values(forEach[2]).map(
    (policy) => policy.Properties.PolicyDocument,
  );
  return [...fromFunctions, ...fromRolePolicies].flatMap((document) => document.Statement);
}

describe('template.yaml', () => {
  it('gives every function the runtime, architecture and tracing the design asks for', () => {
    expect(template.Globals?.Function).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Tracing: 'Active',
      Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
    });
  });

  it('names each handler after its esbuild entry point, as sam build flattens the output', () => {
    for (const [, fn] of functions) {
      const entry =
        ((fn.Metadata?.BuildProperties ?? {}) as { EntryPoints?: string[] }).EntryPoints?.[0] ?? '';
      expect(fn.Metadata?.BuildMethod).toBe('esbuild');
      expect(existsSync(entry)).toBe(true);
      expect(fn.Properties?.Handler).toBe(`${basename(entry, extname(entry))}.handler`);
    }
  });

  it('mounts the policy layer so that POLICY_FILE names a valid policy under /opt', () => {
    const [, layer] = ofType('AWS::Serverless::LayerVersion')[0] ?? [];
    const contentUri = String(layer?.Properties?.ContentUri);
    const [, api] = functions.find(([name]) => name === 'CredentialsApiFunction') ?? [];
    const policyFile =
      ((api?.Properties?.Environment ?? {}) as { Variables?: { POLICY_FILE?: string } }).Variables
        ?.POLICY_FILE ?? '';

    expect(policyFile).toBe('/opt/policy/policy.yaml');
    expect(
      readPolicyFile(join(contentUri, policyFile.replace(/^\/opt\//, ''))).rules.length,
    ).toBeGreaterThan(0);
  });

  it('requires SigV4 (AWS_IAM) on the API, with the caller’s own identity, throttled and access-logged', () => {
    const [, api] = ofType('AWS::Serverless::Api')[0] ?? [];

    expect(api?.Properties?.Auth).toMatchObject({
      DefaultAuthorizer: 'AWS_IAM',
      InvokeRole: 'NONE',
    });
    expect(api?.Properties?.MethodSettings).toEqual([
      expect.objectContaining({
        ThrottlingRateLimit: expect.anything(),
        ThrottlingBurstLimit: expect.anything(),
      }),
    ]);
    expect(api?.Properties?.AccessLogSetting).toMatchObject({ DestinationArn: expect.anything() });
  });

  it('keeps every log group for a set retention', () => {
    const logGroups = ofType('AWS::Logs::LogGroup');

    expect(logGroups.length).toBeGreaterThanOrEqual(2);
    for (const [, group] of logGroups) expect(group.Properties?.RetentionInDays).toBeDefined();
  });

  it('never grants the Redshift credential actions on Resource "*"', () => {
    const credentialActions = [
      'redshift:GetClusterCredentials',
      'redshift:JoinGroup',
      'redshift:CreateClusterUser',
    ];
    const granted = statements().filter((statement) =>
      [statement.Action].flat().some((action) => credentialActions.includes(action)),
    );

    expect(granted.flatMap((statement) => [statement.Action].flat()).sort()).toEqual(
      [...credentialActions].sort(),
    );
    for (const statement of granted) {
      const arns = [statement.Resource].flat().map((resource) => JSON.stringify(resource));
      for (const arn of arns)
        expect(arn).toMatch(/:(dbuser|dbname|dbgroup):\$\{ClusterIdentifier\}\/\*/);
    }
  });

  it('has environment overrides in events/env.json only for functions the template defines', () => {
    const env = JSON.parse(readFileSync('events/env.json', 'utf8')) as Record<string, unknown>;

    expect(
      Object.keys(env).every((name) => functions.some(([logicalId]) => logicalId === name)),
    ).toBe(true);
  });
});

describe('template.yaml, Step Functions path', () => {
  const resource = (id: string) => template.Resources[id]?.Properties ?? {};
  const keyStatements = (
    resource('TaskOutputKey').KeyPolicy as { Statement: unknown[] }
  ).Statement.map(
    (statement) =>
      (statement as { 'Fn::If'?: [string, unknown, unknown] })['Fn::If']?.[1] ?? statement,
  ) as {
    Sid: string;
    Principal: { AWS: unknown };
    Action: string | string[];
    Condition?: unknown;
  }[];
  const executionContext = {
    StringLike: {
      'kms:EncryptionContext:executionArn': {
        'Fn::Sub': 'arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:*',
      },
    },
  };

  it('lets only the task function encrypt, and only with an executionArn context', () => {
    const encrypting = keyStatements.filter((s) =>
      [s.Action].flat().some((a) => /^kms:(Encrypt|\*)$/.test(a)),
    );

    expect(encrypting).toEqual([
      expect.objectContaining({
        Principal: { AWS: { 'Fn::GetAtt': ['CredentialsTaskFunctionRole', 'Arn'] } },
        Condition: executionContext,
      }),
    ]);
  });

  it('lets only the consumer roles decrypt, and only with an executionArn context', () => {
    const decrypting = keyStatements.filter((s) =>
      [s.Action].flat().some((a) => /^kms:(Decrypt|\*)$/.test(a)),
    );

    expect(decrypting.map((s) => s.Principal.AWS)).toEqual([
      { 'Fn::GetAtt': ['ExampleConsumerFunctionRole', 'Arn'] },
      { Ref: 'TaskOutputConsumerRoleArns' },
    ]);
    for (const statement of decrypting) expect(statement.Condition).toEqual(executionContext);
  });

  it('gives the account administration of the key but no use of it', () => {
    const [admin] = keyStatements;

    expect(admin?.Sid).toBe('AccountAdministersButCannotUseTheKey');
    expect(
      [admin?.Action]
        .flat()
        .filter((a) =>
          /Encrypt|Decrypt|GenerateDataKey|ReEncrypt|CreateGrant|kms:\*/.test(String(a)),
        ),
    ).toEqual([]);
  });

  it('points the task function at the key and scopes DescribeExecution to executions', () => {
    const task = resource('CredentialsTaskFunction');
    const describe = (task.Policies as { Statement: Statement[] }[])
      .flatMap((policy) => policy.Statement)
      .filter((statement) => statement.Action === 'states:DescribeExecution');

    expect(
      (task.Environment as { Variables: Record<string, unknown> }).Variables.TASK_OUTPUT_KEY_ID,
    ).toEqual({
      'Fn::GetAtt': ['TaskOutputKey', 'Arn'],
    });
    expect(describe.map((statement) => JSON.stringify(statement.Resource))).toEqual([
      expect.stringContaining(':execution:${AWS::StackName}-example-etl:*'),
    ]);
  });

  it('runs the example workflow as a Standard state machine whose definition it fills in completely', () => {
    const workflow = resource('ExampleWorkflow');
    const definition = readFileSync(String(workflow.DefinitionUri), 'utf8');
    const placeholders = [...definition.matchAll(/\$\{(\w+)\}/g)].map(([, name]) => name);

    expect(workflow.Type).toBe('STANDARD');
    expect(new Set(placeholders)).toEqual(
      new Set(Object.keys(workflow.DefinitionSubstitutions as object)),
    );
  });

  it('retries Throttled and catches AccessDenied around the credentials step, fed $$.Execution.Id', () => {
    const definition = JSON.parse(
      readFileSync('statemachine/credentials-workflow.asl.json', 'utf8'),
    );
    const step = definition.States.GetRedshiftCredentials;

    expect(step.Parameters.Payload['executionArn.$']).toBe('$$.Execution.Id');
    expect(step.Retry).toContainEqual(expect.objectContaining({ ErrorEquals: ['Throttled'] }));
    expect(step.Catch).toContainEqual(expect.objectContaining({ ErrorEquals: ['AccessDenied'] }));
  });
});

describe('template.yaml, least privilege', () => {
  const raw = readFileSync('template.yaml', 'utf8');
  /** Actions that support no resource-level permission, so only '*' can name their resource. */
  const NO_RESOURCE_ARN = new Set(['redshift:DescribeClusters']);

  /** Every statement of every identity policy the template writes, with where it is. */
  function identityStatements(): { where: string; statement: Statement & { Sid?: string } }[] {
    const found: { where: string; statement: Statement & { Sid?: string } }[] = [];
    const visit = (where: string, node: unknown) => {
      if (Array.isArray(node)) {
        node.forEach((item, i) => {
          visit(`${where}[${i}]`, item);
        });
      } else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'KeyPolicy') continue; // a key policy's '*' is the key itself
          if (key === 'Statement' && Array.isArray(value)) {
            for (const statement of value) found.push({ where, statement: statement as Statement });
          } else visit(`${where}.${key}`, value);
        }
      }
    };
    visit('Resources', template.Resources);
    return found;
  }

  it("grants Resource '*' only for actions that support no resource ARN, each with a comment saying so", () => {
    const wildcards = identityStatements().filter(({ statement }) =>
      [statement.Resource].flat().some((resource) => resource === '*'),
    );

    expect(wildcards.length).toBeGreaterThan(0);
    for (const { statement } of wildcards) {
      expect([statement.Action].flat().every((action) => NO_RESOURCE_ARN.has(action))).toBe(true);
      const sidLine = raw.split('\n').findIndex((line) => line.includes(`Sid: ${statement.Sid}`));
      expect(raw.split('\n')[sidLine - 1]).toMatch(/# .*supports no resource-level permissions/);
    }
  });

  it('gives the API a resource policy that denies principals outside the allowed accounts or organisation', () => {
    const [, api] = ofType('AWS::Serverless::Api')[0] ?? [];
    const auth = (api?.Properties?.Auth ?? {}) as {
      ResourcePolicy?: { CustomStatements?: Record<string, unknown>[] };
    };
    const statements = auth.ResourcePolicy?.CustomStatements ?? [];
    const deny = statements.find((statement) => statement.Effect === 'Deny');

    expect(deny).toMatchObject({
      Principal: '*',
      Action: 'execute-api:Invoke',
      Condition: {
        StringNotEquals: {
          'aws:PrincipalAccount': {
            'Fn::If': [
              'HasCallerAccounts',
              { Ref: 'AllowedCallerAccountIds' },
              [{ Ref: 'AWS::AccountId' }],
            ],
          },
          'aws:PrincipalOrgID': {
            'Fn::If': ['HasCallerOrg', { Ref: 'AllowedCallerOrgId' }, 'o-none'],
          },
        },
      },
    });
  });

  it('lets the functions use Redshift credentials only on the parameterised clusters', () => {
    const forEach = (template.Resources as Record<string, unknown>)[
      'Fn::ForEach::ClusterCredentialsPolicies'
    ] as [string, unknown, Record<string, { Properties: { Roles: unknown[] } }>];

    expect(forEach[0]).toBe('ClusterIdentifier');
    expect(forEach[1]).toEqual({ Ref: 'RedshiftClusterIdentifiers' });
    expect(Object.values(forEach[2])[0]?.Properties.Roles).toEqual([
      { Ref: 'CredentialsApiFunctionRole' },
      { Ref: 'CredentialsTaskFunctionRole' },
    ]);
  });
});
