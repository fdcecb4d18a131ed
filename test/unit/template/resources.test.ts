import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAXIMUM_RETRY_DELAY, Retry } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import { readPolicyFile } from '#adapters/policy-file.js';
import { ANSWER_MARGIN_MS, API_REQUEST_BUDGET_MS } from '#adapters/request-deadline.js';
import { CLIENT_CONFIG } from '#commons/clients/config.js';
import { PRIME_BUDGET_MS } from '#commons/wiring.js';
import { evaluate } from '#support/cfn-evaluate.js';
import {
  deployed,
  deployment,
  findCycle,
  functions,
  ofType,
  referencesOf,
  statements,
  statementsOf,
  template,
  translateWithSam,
} from '#support/template-deployment.js';

describe('template.yaml', () => {
  it('runs every function on Lambda’s Node 22 on arm64, with X-Ray tracing', () => {
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
    // The execution and its history, the revocations, the target lookup, the credential, then
    // the encryption.
    const calls = [
      'DescribeExecution',
      'GetExecutionHistory',
      'Query',
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
