import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAXIMUM_RETRY_DELAY, Retry } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '#adapters/policy-file.js';
import { ANSWER_MARGIN_MS, API_REQUEST_BUDGET_MS } from '#adapters/request-deadline.js';
import { CLIENT_CONFIG } from '#commons/clients/config.js';
import { PRIME_BUDGET_MS } from '#commons/wiring.js';
import { readTemplate } from '#local/template.js';
import { condition, type Deployment, evaluate } from '#support/cfn-evaluate.js';
import { evaluateIam } from '#support/iam-evaluate.js';

const template = readTemplate();
const resources = Object.entries(template.Resources);
const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
const functions = ofType('AWS::Serverless::Function');

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** A deployment of the template with these parameter values (defaults for the rest). */
function deployment(parameters: Record<string, string | string[]> = {}): Deployment {
  const defaults = Object.fromEntries(
    Object.entries(template.Parameters ?? {}).map(([name, parameter]) => {
      const { Type, Default } = parameter as { Type: string; Default?: unknown };
      const value = String(Default ?? '');
      return [
        name,
        Type === 'CommaDelimitedList' ? (value === '' ? [''] : value.split(',')) : value,
      ];
    }),
  );
  return {
    parameters: { ...defaults, ...parameters },
    conditions: (template.Conditions ?? {}) as Record<string, unknown>,
    // SAM adds a role to every function and state machine that names none.
    resources: new Set(
      Object.entries(template.Resources).flatMap(([id, resource]) =>
        resource.Type.startsWith('AWS::Serverless::') ? [id, `${id}Role`] : [id],
      ),
    ),
  };
}

/** What a resource's properties say once deployed with `parameters`. */
const deployed = (id: string, parameters: Record<string, string | string[]> = {}) =>
  evaluate(template.Resources[id]?.Properties ?? {}, deployment(parameters)) as Record<
    string,
    unknown
  >;

/** The statements of a deployed policy document. */
const statementsOf = (document: unknown) => (document as { Statement: Statement[] }).Statement;

/** Every IAM statement the template grants, inline function policies and role policies alike. */
function statements(parameters: Record<string, string | string[]> = {}): Statement[] {
  const fromFunctions = functions.flatMap(
    ([id]) => (deployed(id, parameters).Policies as { Statement: Statement[] }[] | undefined) ?? [],
  );
  const fromPolicies = resources
    .filter(([, resource]) => /^AWS::IAM::(Role)?Policy$/.test(resource.Type))
    .filter(
      ([, resource]) =>
        resource.Condition === undefined || condition(resource.Condition, deployment(parameters)),
    )
    .map(([id]) => deployed(id, parameters).PolicyDocument);
  return [...fromFunctions, ...fromPolicies].flatMap(statementsOf);
}

/** template.yaml as SAM's translator turns it into CloudFormation. */
function translateWithSam(): { Resources: Record<string, unknown> } {
  const output = execFileSync('python3', ['test/support/sam-translate.py', 'template.yaml'], {
    encoding: 'utf8',
  });
  return JSON.parse(output) as { Resources: Record<string, unknown> };
}

/** The resources a resource refers to (Ref, Fn::GetAtt, ${X} in Fn::Sub, DependsOn). */
function referencesOf(node: unknown, ids: ReadonlySet<string>, found = new Set<string>()) {
  if (Array.isArray(node)) {
    for (const item of node) referencesOf(item, ids, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const named =
        key === 'Ref' || key === 'DependsOn'
          ? [value].flat()
          : key === 'Fn::GetAtt'
            ? [String([value].flat()[0]).split('.')[0]]
            : key === 'Fn::Sub'
              ? [...String([value].flat()[0]).matchAll(/\$\{([^!}][^}.]*)/g)].map(([, id]) => id)
              : [];
      for (const id of named) if (typeof id === 'string' && ids.has(id)) found.add(id);
      referencesOf(value, ids, found);
    }
  }
  return found;
}

/** A dependency cycle, as the list of resources around it, or undefined. */
function findCycle(dependencies: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    if (path.includes(id)) return [...path, id];
    if (done.has(id)) return undefined;
    for (const next of dependencies.get(id) ?? []) {
      const cycle = visit(next, [...path, id]);
      if (cycle) return cycle;
    }
    done.add(id);
    return undefined;
  };
  for (const id of dependencies.keys()) {
    const cycle = visit(id, []);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('template.yaml', () => {
  it('gives every function the runtime, architecture and tracing the design asks for', () => {
    expect(template.Globals?.Function).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Tracing: 'Active',
    });
  });

  it('starts without --enable-source-maps, which would parse the source map at every cold start', () => {
    const environment = template.Globals?.Function?.Environment as
      | { Variables: object }
      | undefined;
    const variables = environment?.Variables;

    expect(variables).not.toHaveProperty('NODE_OPTIONS');
    for (const [, fn] of functions) {
      expect(fn.Metadata?.BuildProperties).toMatchObject({ Sourcemap: true });
    }
  });

  it('names each handler after the file its esbuild entry point becomes (EntryNames), as sam build writes it', () => {
    for (const [, fn] of functions) {
      const properties = (fn.Metadata?.BuildProperties ?? {}) as {
        EntryPoints?: string[];
        EntryNames?: string;
      };
      expect(fn.Metadata?.BuildMethod).toBe('esbuild');
      expect(existsSync(properties.EntryPoints?.[0] ?? '')).toBe(true);
      expect(properties.EntryNames).toBe('index');
      expect(fn.Properties?.Handler).toBe('index.handler');
    }
  });

  it('writes every esbuild option so that sam build passes it (a false boolean would be dropped)', () => {
    for (const [, fn] of functions) {
      const properties = (fn.Metadata?.BuildProperties ?? {}) as Record<string, unknown>;
      const falseBooleans = Object.entries(properties).filter(([, value]) => value === false);

      expect(falseBooleans).toEqual([]);
      expect(properties.SourcesContent).toBe('false');
    }
  });

  it('uses no transform that the SAM CLI must be told to enable', () => {
    expect([template.Transform].flat()).toEqual(['AWS::Serverless-2016-10-31']);
    expect(readFileSync('template.yaml', 'utf8')).not.toMatch(/Fn::ForEach|LanguageExtensions/);
  });

  it('mounts the policy layer so that POLICY_FILE names a valid policy under /opt', async () => {
    const [, layer] = ofType('AWS::Serverless::LayerVersion')[0] ?? [];
    const contentUri = String(layer?.Properties?.ContentUri);
    const [, api] = functions.find(([name]) => name === 'CredentialsApiFunction') ?? [];
    const policyFileFor = (parameters: Record<string, string>) =>
      String(
        evaluate(
          ((api?.Properties?.Environment ?? {}) as { Variables?: { POLICY_FILE?: unknown } })
            .Variables?.POLICY_FILE,
          deployment(parameters),
        ),
      );
    const policyFile = policyFileFor({});

    expect(policyFile).toBe('/opt/policy/policy.yaml');
    expect(policyFileFor({ PolicyFileName: 'policy.json' })).toBe('/opt/policy/policy.json');
    const policy = await readPolicyFile(join(contentUri, policyFile.replace(/^\/opt\//, '')));
    expect(policy.rules.length).toBeGreaterThan(0);
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

  it('keeps the audit and access logs when the stack is deleted or they are replaced', () => {
    for (const id of ['CredentialsApiLogGroup', 'CredentialsTaskLogGroup', 'ApiAccessLogGroup']) {
      expect(template.Resources[id]).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
  });

  it('grants the Redshift credential actions only on the listed clusters and workgroups', () => {
    const granted = statements({
      RedshiftClusterIdentifiers: ['examplecluster', 'prod-dwh'],
      RedshiftServerlessWorkgroups: ['lake-wg'],
    })
      .filter((statement) => statement.Effect === 'Allow')
      .filter((statement) =>
        [statement.Action].flat().some((a) => /Cluster(Credentials|User)|JoinGroup/.test(a)),
      );
    const on = (kind: string) =>
      ['examplecluster', 'prod-dwh', 'redshift-serverless-lake-wg'].map(
        (name) => `arn:*:redshift:*:*:${kind}:${name}/*`,
      );

    expect(granted.map((statement) => [statement.Action, statement.Resource])).toEqual([
      ['redshift:GetClusterCredentials', [...on('dbuser'), ...on('dbname')]],
      ['redshift:JoinGroup', on('dbgroup')],
      ['redshift:CreateClusterUser', on('dbuser')],
    ]);
  });

  it('grants no workgroup, Serverless lookup or role when none is listed', () => {
    const granted = statements({ RedshiftClusterIdentifiers: ['examplecluster'] });

    expect(JSON.stringify(granted)).not.toMatch(/redshift-serverless|sts:AssumeRole/);
  });

  it('lets the functions assume only the listed target roles, and look workgroups up', () => {
    const roles = ['arn:aws:iam::210987654321:role/redshift-credential-vendor-access'];
    const parameters = { TargetRoleArns: roles, RedshiftServerlessWorkgroups: ['lake-wg'] };
    const policies = ['TargetRolesPolicy', 'ServerlessLookupPolicy'].map((id) =>
      statementsOf(deployed(id, parameters).PolicyDocument),
    );

    expect(policies).toEqual([
      [expect.objectContaining({ Action: 'sts:AssumeRole', Resource: roles })],
      [
        expect.objectContaining({
          Action: ['redshift-serverless:GetWorkgroup', 'redshift-serverless:GetNamespace'],
        }),
      ],
    ]);
    expect(template.Resources.TargetRolesPolicy?.Condition).toBe('HasTargetRoles');
    expect(template.Resources.ServerlessLookupPolicy?.Condition).toBe('HasWorkgroups');
  });

  it('denies the functions credentials for the named admin users and rdsdb on every cluster', () => {
    const denied = statements({ RedshiftAdminUsers: ['awsuser', 'admin'] }).filter(
      (statement) => statement.Effect === 'Deny',
    );

    expect(denied).toEqual([
      expect.objectContaining({
        Action: ['redshift:GetClusterCredentials', 'redshift:CreateClusterUser'],
        Resource: [
          'arn:*:redshift:*:*:dbuser:*/rdsdb*',
          'arn:*:redshift:*:*:dbuser:*/awsuser',
          'arn:*:redshift:*:*:dbuser:*/admin',
        ],
      }),
    ]);
  });

  it('tells each issuing function which clusters it was granted, and the API function its API stage', () => {
    const granted = {
      RedshiftClusterIdentifiers: ['a', 'b'],
      RedshiftServerlessWorkgroups: ['wg1'],
    };
    const api = deployed('CredentialsApiFunction', granted);
    const task = deployed('CredentialsTaskFunction', granted);
    const stage = template.Resources.CredentialsApi?.Properties?.StageName;

    expect(api.Environment).toEqual({
      Variables: expect.objectContaining({
        GRANTED_CLUSTERS: 'a,b',
        GRANTED_WORKGROUPS: 'wg1',
        API_ID: '<CredentialsApi>',
        API_STAGE: stage,
      }),
    });
    expect(task.Environment).toEqual({
      Variables: expect.objectContaining({ GRANTED_CLUSTERS: 'a,b', GRANTED_WORKGROUPS: 'wg1' }),
    });
  });

  it('integrates the API with the function by the name the function is given', () => {
    const api = deployed('CredentialsApi');
    const fn = deployed('CredentialsApiFunction');
    const body = api.DefinitionBody as {
      paths: Record<string, { post: { 'x-amazon-apigateway-integration': { uri: string } } }>;
    };

    expect(fn.FunctionName).toBe('vendor-credentials-api');
    expect(body.paths['/credentials']?.post['x-amazon-apigateway-integration'].uri).toBe(
      'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:vendor-credentials-api/invocations',
    );
  });

  it('translates with SAM into a template without circular dependencies', () => {
    const translated = translateWithSam();
    const dependencies = new Map<string, Set<string>>();
    for (const [id, resource] of Object.entries(translated.Resources)) {
      dependencies.set(id, referencesOf(resource, new Set(Object.keys(translated.Resources))));
    }

    expect(findCycle(dependencies)).toBeUndefined();
    expect(dependencies.get('CredentialsApiFunction')).toContain('CredentialsApi');
  });

  /** The longest one AWS call can take with the functions' client settings, retries included. */
  function worstCallMs(): number {
    const { maxAttempts, requestHandler } = CLIENT_CONFIG;
    const retries = maxAttempts - 1;
    // Each retry waits the SDK's backoff (a random share of base x 2^retry, capped), plus up to
    // 5 s more when the service sends a retry-after hint.
    const backoffMs = Array.from(
      { length: retries },
      (_, retry) => Math.min(MAXIMUM_RETRY_DELAY, Retry.throttlingDelay() * 2 ** retry) + 5_000,
    ).reduce((sum, ms) => sum + ms, 0);
    return (
      maxAttempts * (requestHandler.connectionTimeout + requestHandler.requestTimeout) + backoffMs
    );
  }

  it('gives the task function a timeout that covers its AWS calls’ worst case, retries included', () => {
    // The execution and its history, the target lookup, the credential, then the encryption.
    const calls = [
      'DescribeExecution',
      'GetExecutionHistory',
      'DescribeClusters',
      'GetClusterCredentials',
      'Encrypt',
    ];
    const timeoutSeconds = Number(template.Resources.CredentialsTaskFunction?.Properties?.Timeout);

    expect(timeoutSeconds * 1000).toBeGreaterThanOrEqual(
      calls.length * worstCallMs() + ANSWER_MARGIN_MS,
    );
  });

  it('answers an API request inside API Gateway’s 29 s, the slowest cold request included', () => {
    // A Serverless workgroup in another account, on a cold container: AssumeRole, GetWorkgroup,
    // GetNamespace, then the credential; the cold start waits for its own lookups first.
    const calls = ['AssumeRole', 'GetWorkgroup', 'GetNamespace', 'GetClusterCredentials'];
    const apiGatewayLimitMs = 29_000;
    const runtimeInitMs = 1_000;
    const timeoutMs = Number(template.Resources.CredentialsApiFunction?.Properties?.Timeout) * 1000;
    const callsMs = Math.min(calls.length * worstCallMs(), API_REQUEST_BUDGET_MS);

    // Without the shared deadline the calls alone could outlast API Gateway.
    expect(calls.length * worstCallMs()).toBeGreaterThan(apiGatewayLimitMs);
    expect(runtimeInitMs + PRIME_BUDGET_MS + callsMs + ANSWER_MARGIN_MS).toBeLessThanOrEqual(
      apiGatewayLimitMs,
    );
    // The deadline, not Lambda's timeout, ends a request.
    expect(timeoutMs).toBeGreaterThanOrEqual(API_REQUEST_BUDGET_MS + ANSWER_MARGIN_MS);
    expect(timeoutMs).toBeLessThanOrEqual(apiGatewayLimitMs);
  });

  it('has environment overrides in events/env.json only for functions the template defines', () => {
    const env = JSON.parse(readFileSync('events/env.json', 'utf8')) as Record<string, unknown>;

    expect(
      Object.keys(env).every((name) => functions.some(([logicalId]) => logicalId === name)),
    ).toBe(true);
  });
});

describe('template.yaml, Step Functions path', () => {
  const WORKFLOWS = { WorkflowStateMachineNames: ['nightly-load', 'hourly-sync'] };
  const CONSUMERS = {
    TaskOutputConsumerRoleArns: ['arn:aws:iam::123456789012:role/nightly-load-consumer'],
  };
  const keyStatements = (parameters: Record<string, string | string[]> = {}) =>
    statementsOf(deployed('TaskOutputKey', parameters).KeyPolicy);
  const using = (action: RegExp, parameters: Record<string, string | string[]> = {}) =>
    keyStatements(parameters).filter((s) => [s.Action].flat().some((a) => action.test(a)));
  const contextKeysPinned = {
    'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['executionArn'] },
  };

  it('lets only the task function encrypt, and only with an executionArn context alone', () => {
    expect(using(/^kms:(Encrypt|\*)$/)).toEqual([
      expect.objectContaining({
        Principal: { AWS: '<CredentialsTaskFunctionRole.Arn>' },
        Condition: {
          StringLike: {
            'kms:EncryptionContext:executionArn':
              'arn:aws:states:us-east-1:123456789012:execution:*',
          },
          ...contextKeysPinned,
        },
      }),
    ]);
  });

  it('lets each consumer decrypt only for the named workflow its tag names, never any execution', () => {
    const decrypting = using(/^kms:(Decrypt|\*)$/, { ...WORKFLOWS, ...CONSUMERS });

    expect(decrypting).toEqual([
      expect.objectContaining({
        Principal: { AWS: '<ExampleConsumerFunctionRole.Arn>' },
        Condition: {
          StringLike: {
            'kms:EncryptionContext:executionArn':
              'arn:aws:states:us-east-1:123456789012:execution:vendor-example-etl:*',
          },
          ...contextKeysPinned,
        },
      }),
      expect.objectContaining({
        Principal: { AWS: CONSUMERS.TaskOutputConsumerRoleArns },
        Condition: {
          StringEquals: {
            'aws:PrincipalTag/RedshiftCredentialsWorkflow': WORKFLOWS.WorkflowStateMachineNames,
          },
          StringLike: {
            'kms:EncryptionContext:executionArn':
              'arn:aws:states:us-east-1:123456789012:execution:${aws:PrincipalTag/RedshiftCredentialsWorkflow}:*',
          },
          ...contextKeysPinned,
        },
      }),
    ]);
    for (const statement of decrypting) {
      expect(JSON.stringify(statement.Condition)).not.toMatch(/execution:\*"/);
    }
  });

  it('lets nobody but the example consumer decrypt until workflows and consumers are both named', () => {
    for (const parameters of [{}, WORKFLOWS, CONSUMERS]) {
      expect(using(/^kms:Decrypt$/, parameters).map((s) => s.Principal)).toEqual([
        { AWS: '<ExampleConsumerFunctionRole.Arn>' },
      ]);
    }
    expect(using(/^kms:Decrypt$/, { DeployExampleWorkflow: 'false' })).toEqual([]);
  });

  it('gives the account administration of the key but no use of it', () => {
    const [admin] = keyStatements();

    expect(admin?.Sid).toBe('AccountAdministersButCannotUseTheKey');
    expect(
      [admin?.Action]
        .flat()
        .filter((a) =>
          /Encrypt|Decrypt|GenerateDataKey|ReEncrypt|CreateGrant|kms:\*/.test(String(a)),
        ),
    ).toEqual([]);
  });

  it('points the task function at the key and lets it describe and read the history of only the named workflows’ executions', () => {
    const task = deployed('CredentialsTaskFunction');
    const describe = (parameters: Record<string, string | string[]>) =>
      statements(parameters).filter((statement) =>
        [statement.Action].flat().some((action) => action.startsWith('states:')),
      );

    expect((task.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      TASK_OUTPUT_KEY_ID: '<TaskOutputKey.Arn>',
    });
    expect(describe(WORKFLOWS)).toEqual([
      expect.objectContaining({
        Action: ['states:DescribeExecution', 'states:GetExecutionHistory'],
        Resource: [
          'arn:aws:states:us-east-1:123456789012:execution:vendor-example-etl:*',
          'arn:*:states:*:*:execution:nightly-load:*',
          'arn:*:states:*:*:execution:hourly-sync:*',
        ],
        Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      }),
    ]);
    expect(template.Resources.WorkflowExecutionsPolicy?.Condition).toBe('DescribesExecutions');
    expect(condition('DescribesExecutions', deployment({ DeployExampleWorkflow: 'false' }))).toBe(
      false,
    );
  });

  it('makes the example workflow, its consumer and their log optional, and leaves them out of [prod]', () => {
    const examples = ['ExampleWorkflow', 'ExampleConsumerFunction', 'ExampleConsumerLogGroup'];

    for (const id of examples) expect(template.Resources[id]?.Condition).toBe('DeployExample');
    expect(condition('DeployExample', deployment({ DeployExampleWorkflow: 'false' }))).toBe(false);
    expect(readFileSync('samconfig.toml', 'utf8')).toMatch(
      /\[prod\.deploy\.parameters\][^[]*DeployExampleWorkflow=\\"false\\"/,
    );
  });

  it('runs the example workflow as a Standard state machine whose definition it fills in completely', () => {
    const workflow = template.Resources.ExampleWorkflow?.Properties ?? {};
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
  /**
   * Actions whose resource the template cannot name: DescribeClusters supports no resource-level
   * permission; GetWorkgroup and GetNamespace take ids that exist only once the workgroup does.
   */
  const NO_RESOURCE_ARN = new Set([
    'redshift:DescribeClusters',
    'redshift-serverless:GetWorkgroup',
    'redshift-serverless:GetNamespace',
  ]);

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
      expect(raw.split('\n')[sidLine - 1]).toMatch(/# .*Resource '\*'/);
    }
  });

  const resourcePolicy = (parameters: Record<string, string | string[]> = {}) =>
    statementsOf(
      (deployed('CredentialsApi', parameters).DefinitionBody as Record<string, unknown>)[
        'x-amazon-apigateway-policy'
      ],
    );
  const OWN_ACCOUNT = '123456789012';

  it.each([
    ['defaults', {}],
    ['other accounts named', { AllowedCallerAccountIds: ['210987654321', '111122223333'] }],
    ['an organisation named', { AllowedCallerOrgId: 'o-abcdef1234' }],
  ])(
    'admits no principal of the API’s own account without an identity policy (%s)',
    (_, parameters) => {
      for (const statement of resourcePolicy(parameters).filter((s) => s.Effect === 'Allow')) {
        const principal = statement.Principal as '*' | { AWS: string[] };
        if (principal === '*') {
          expect(statement.Condition?.StringNotEquals?.['aws:PrincipalAccount']).toBe(OWN_ACCOUNT);
        } else {
          expect(principal.AWS).not.toContain(OWN_ACCOUNT);
          expect(principal.AWS.length).toBeGreaterThan(0);
        }
      }
    },
  );

  it('allows other accounts and the organisation only when the parameters name them', () => {
    expect(resourcePolicy().filter((s) => s.Effect === 'Allow')).toEqual([]);
    expect(
      resourcePolicy({
        AllowedCallerAccountIds: ['210987654321'],
        AllowedCallerOrgId: 'o-abcdef1234',
      })
        .filter((s) => s.Effect === 'Allow')
        .map((s) => s.Sid),
    ).toEqual(['NamedAccountsInvoke', 'OrganizationAccountsInvoke']);
  });

  it('denies every principal outside this account, the named accounts and the organisation', () => {
    const deny = resourcePolicy({ AllowedCallerAccountIds: ['210987654321'] }).find(
      (s) => s.Sid === 'EveryoneElseDenied',
    );

    expect(deny).toMatchObject({
      Principal: '*',
      Action: 'execute-api:Invoke',
      Condition: {
        StringNotEquals: {
          'aws:PrincipalAccount': [OWN_ACCOUNT, '210987654321'],
          'aws:PrincipalOrgID': 'o-none',
        },
      },
    });
  });

  describe('refuses roles named like IAM Identity Center’s outside its path', () => {
    const API_ARN = `arn:aws:execute-api:us-east-1:${OWN_ACCOUNT}:a1b2c3d4e5`;
    // API Gateway reads execute-api:/… in its resource policy as this API's own ARN.
    const deployedPolicy = () => ({
      Version: '2012-10-17',
      Statement: JSON.parse(
        JSON.stringify(resourcePolicy()).replaceAll('"execute-api:/', `"${API_ARN}/`),
      ),
    });
    const invoke = (roleArn: string) => {
      const [, , , , account = '', resource = ''] = roleArn.split(':');
      const roleName = resource.split('/').at(-1);
      return evaluateIam({
        principal: `arn:aws:sts::${account}:assumed-role/${roleName}/jane.doe@example.com`,
        action: 'execute-api:Invoke',
        resource: `${API_ARN}/v1/POST/credentials`,
        resourceAccount: OWN_ACCOUNT,
        context: { 'aws:PrincipalArn': roleArn, 'aws:PrincipalAccount': account },
        resourcePolicy: deployedPolicy(),
      });
    };

    it.each([
      `arn:aws:iam::${OWN_ACCOUNT}:role/AWSReservedSSO_Analyst_selfmade`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/team/AWSReservedSSO_Analyst_0123456789abcdef`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/aws-reserved/AWSReservedSSO_Analyst_0123456789abcdef`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/sso.amazonaws.com/AWSReservedSSO_DBA_0123456789abcdef`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/x/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DBA_1`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/MyAWSReservedSSO_Analyst_copy`,
    ])('denies a session of %s', async (roleArn) => {
      expect(await invoke(roleArn)).toBe('ExplicitlyDenied');
    });

    it.each([
      `arn:aws:iam::${OWN_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Analyst_0123456789abcdef`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DBA_abcdef0123456789`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/etl-loader`,
    ])('leaves a session of %s to the identity policy', async (roleArn) => {
      expect(await invoke(roleArn)).toBe('Allowed');
    });
  });

  /** The AssertDescription of every Rules assertion a deployment with `parameters` fails. */
  const failedRules = (parameters: Record<string, string | string[]>) =>
    Object.values(template.Rules ?? {})
      .flatMap((rule) => rule.Assertions)
      .filter(({ Assert }) => evaluate(Assert, deployment(parameters)) !== true)
      .map(({ AssertDescription }) => AssertDescription);

  it.each([
    ['none', ['']],
    ['another account', ['210987654321']],
    ['two other accounts', ['210987654321', '111122223333']],
  ])('deploys with %s among AllowedCallerAccountIds', (_, accounts) => {
    expect(failedRules({ AllowedCallerAccountIds: accounts })).toEqual([]);
  });

  it.each([
    ['this account', [OWN_ACCOUNT], /must not list this account/],
    ['this account beside another', ['210987654321', OWN_ACCOUNT], /must not list this account/],
    ['"*"', ['*'], /must name accounts: "\*" would admit every AWS account/],
  ])('refuses to deploy with %s among AllowedCallerAccountIds', (_, accounts, description) => {
    expect(failedRules({ AllowedCallerAccountIds: accounts })).toEqual([
      expect.stringMatching(description),
    ]);
  });

  it('orders the API after the account’s logging role setting, and keeps that role when the stack goes', () => {
    const ready = template.Resources[String(template.Resources.CredentialsApi?.DependsOn)];

    expect(evaluate(ready?.Metadata, deployment({ CreateApiGatewayLoggingRole: 'true' }))).toEqual({
      AccountSetting: '<ApiGatewayAccount>',
    });
    expect(template.Resources.ApiGatewayLoggingRole).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('alarms and dashboard', () => {
  const alarms = ofType('AWS::CloudWatch::Alarm');
  const alarmOf = (id: string, parameters: Record<string, string | string[]> = {}) =>
    deployed(id, parameters) as {
      Namespace: string;
      MetricName: string;
      Dimensions: { Name: string; Value: string }[];
      Threshold: unknown;
      Period: number;
      ComparisonOperator: string;
      AlarmActions?: unknown;
      OKActions?: unknown;
    };

  it.each([
    ['ApiPolicyErrorsAlarm', 'RedshiftCredentialVendor', 'PolicyErrors', '1'],
    ['TaskPolicyErrorsAlarm', 'RedshiftCredentialVendor', 'PolicyErrors', '1'],
    ['ApiUpstreamErrorsAlarm', 'RedshiftCredentialVendor', 'UpstreamErrors', '7'],
    ['TaskUpstreamErrorsAlarm', 'RedshiftCredentialVendor', 'UpstreamErrors', '7'],
    ['ApiThrottledAlarm', 'RedshiftCredentialVendor', 'Throttled', '12'],
    ['TaskThrottledAlarm', 'RedshiftCredentialVendor', 'Throttled', '12'],
    ['ApiFunctionErrorsAlarm', 'AWS/Lambda', 'Errors', '1'],
    ['TaskFunctionErrorsAlarm', 'AWS/Lambda', 'Errors', '1'],
    ['ApiFunctionThrottlesAlarm', 'AWS/Lambda', 'Throttles', '1'],
    ['TaskFunctionThrottlesAlarm', 'AWS/Lambda', 'Throttles', '1'],
    ['Api5XXErrorAlarm', 'AWS/ApiGateway', '5XXError', '1'],
  ])('%s: %s %s >= %s in 5 minutes', (id, namespace, metric, threshold) => {
    const alarm = alarmOf(id, {
      UpstreamErrorsAlarmThreshold: '7',
      ThrottledAlarmThreshold: '12',
    });

    expect(alarm).toMatchObject({
      Namespace: namespace,
      MetricName: metric,
      Period: 300,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(String(alarm.Threshold)).toBe(threshold);
  });

  it('watches each function by its own name, and the API by its name and stage', () => {
    expect(alarmOf('ApiPolicyErrorsAlarm').Dimensions).toEqual([
      { Name: 'Function', Value: '<CredentialsApiFunction>' },
    ]);
    expect(alarmOf('TaskFunctionErrorsAlarm').Dimensions).toEqual([
      { Name: 'FunctionName', Value: '<CredentialsTaskFunction>' },
    ]);
    const api = deployed('CredentialsApi') as { DefinitionBody: { info: { title: string } } };
    expect(alarmOf('Api5XXErrorAlarm').Dimensions).toEqual([
      { Name: 'ApiName', Value: api.DefinitionBody.info.title },
      { Name: 'Stage', Value: 'v1' },
    ]);
  });

  it('notifies the AlarmTopicArn topic of alarm and OK, only when one is given', () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:vendor-alarms';

    for (const [id] of alarms) {
      expect(alarmOf(id, { AlarmTopicArn: topic })).toMatchObject({
        AlarmActions: [topic],
        OKActions: [topic],
      });
      expect(alarmOf(id)).not.toHaveProperty('AlarmActions');
      expect(alarmOf(id)).not.toHaveProperty('OKActions');
    }
    expect(alarms).toHaveLength(11);
  });

  it('counts each metric from both functions’ logs', () => {
    const filters = ofType('AWS::Logs::MetricFilter').map(
      ([, resource]) =>
        resource.Properties as {
          LogGroupName: { Ref: string };
          MetricTransformations: { MetricName: string }[];
        },
    );
    const names = (group: string) =>
      filters
        .filter((filter) => filter.LogGroupName.Ref === group)
        .map((filter) => filter.MetricTransformations[0]?.MetricName)
        .sort();
    const metrics = [
      'CredentialsDenied',
      'CredentialsIssued',
      'PolicyErrors',
      'Throttled',
      'UpstreamErrors',
    ];

    expect(names('CredentialsApiLogGroup')).toEqual(metrics);
    expect(names('CredentialsTaskLogGroup')).toEqual(metrics);
  });

  it('has a dashboard whose body is JSON naming only metrics that exist', () => {
    const { DashboardBody } = deployed('Dashboard') as { DashboardBody: string };
    const body = JSON.parse(DashboardBody) as {
      widgets: { properties: { metrics: unknown[][] } }[];
    };
    const vendorMetrics = new Set(
      ofType('AWS::Logs::MetricFilter').map(
        ([, resource]) =>
          (resource.Properties as { MetricTransformations: { MetricName: string }[] })
            .MetricTransformations[0]?.MetricName,
      ),
    );
    const known: Record<string, Set<string | undefined>> = {
      RedshiftCredentialVendor: vendorMetrics,
      'AWS/ApiGateway': new Set(['Count', '4XXError', '5XXError', 'Latency']),
      'AWS/Lambda': new Set(['Duration', 'ConcurrentExecutions']),
    };
    const named = body.widgets
      .flatMap((widget) => widget.properties.metrics)
      .filter((metric) => metric[0] !== '...' && metric[0] !== '.') as string[][];

    for (const [namespace, metric] of named) {
      expect(known[namespace ?? '']?.has(metric)).toBe(true);
    }
    expect(new Set(named.map(([, metric]) => metric))).toEqual(
      new Set([...vendorMetrics, 'Count', 'Latency', 'Duration', 'ConcurrentExecutions']),
    );
    expect(DashboardBody).not.toMatch(/\$\{/);
  });
});
