import { readdirSync } from 'node:fs';
import {
  DescribeClustersCommand,
  GetClusterCredentialsCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import { GetWorkgroupCommand } from '@aws-sdk/client-redshift-serverless';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyResult,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent } from '#commons/api-gateway.js';
import { REDSHIFT_PASSWORD } from '#fixtures/redshift-password.js';
import {
  type CapturedOutput,
  captureOutput,
  loadApiHandler,
  readEvent,
  restEvent,
} from '#support/lambda.js';
import { redshiftFaults } from '#support/redshift-faults.js';
import { mockTargetLookups } from '#support/target-mocks.js';

const redshiftMock = mockClient(RedshiftClient);
const targetLookups = mockTargetLookups();
const EXAMPLE_POLICY = 'local/policy.yaml';
// A rule whose db user is the bare ${sessionName}, as some deployments write it.
const SESSION_NAMES_POLICY = 'test/fixtures/policies/session-names.yaml';
const HOST = 'examplecluster.abc123.us-east-1.redshift.amazonaws.com';
const ETL_ROLE = 'arn:aws:sts::123456789012:assumed-role/etl-loader/nightly-load-42';
const SSO_ROLE = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0123456789abcdef';

type Handler = Awaited<ReturnType<typeof loadApiHandler>>;

const bodyOf = (response: APIGatewayProxyResult) =>
  JSON.parse(response.body) as Record<string, unknown>;

function expectError(response: APIGatewayProxyResult, statusCode: number, code: string) {
  expect(response.statusCode).toBe(statusCode);
  expect(response.headers).toMatchObject({
    'Cache-Control': 'no-store',
    'Content-Type': 'application/json',
  });
  const body = bodyOf(response);
  expect(body).toEqual({
    error: { code, message: expect.any(String) },
    requestId: expect.any(String),
  });
  expect(response.body).not.toMatch(/\n\s+at |Error:|\.ts:\d/);
}

function rejectCredentials(error: Error) {
  redshiftMock.on(GetClusterCredentialsCommand).rejects(error);
}

describe('credentials-api handler', () => {
  let handle: Handler;
  let output: CapturedOutput;
  const auditLines = () =>
    output.logLines().filter((line) => line.message === 'Credential decision');

  beforeEach(async () => {
    redshiftMock.reset();
    targetLookups.reset();
    redshiftMock
      .on(GetClusterCredentialsCommand)
      .callsFake((input: { DbUser: string; AutoCreate: boolean; DurationSeconds: number }) => ({
        DbUser: `${input.AutoCreate ? 'IAMA' : 'IAM'}:${input.DbUser}`,
        DbPassword: REDSHIFT_PASSWORD,
        Expiration: new Date(Date.now() + input.DurationSeconds * 1000),
      }));
    redshiftMock
      .on(DescribeClustersCommand)
      .resolves({ Clusters: [{ Endpoint: { Address: HOST, Port: 5439 } }] });
    output = captureOutput();
    handle = await loadApiHandler(EXAMPLE_POLICY);
  });

  it('issues the credential its rule maps an assumed role to', async () => {
    const response = await handle(restEvent(ETL_ROLE, { durationSeconds: 3600 }));

    expect(response.statusCode).toBe(200);
    expect(response.headers).toEqual({
      'Content-Type': 'application/json',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    expect(bodyOf(response)).toEqual({
      dbUser: 'IAMA:etl_etl-loader',
      dbPassword: REDSHIFT_PASSWORD,
      expiration: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      target: 'analytics',
      clusterIdentifier: 'examplecluster',
      database: 'exampledb',
      dbGroups: ['etl_rw'],
      host: HOST,
      port: 5439,
    });
    expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)[0]?.args[0].input).toEqual({
      ClusterIdentifier: 'examplecluster',
      DbUser: 'etl_etl-loader',
      DbName: 'exampledb',
      DbGroups: ['etl_rw'],
      DurationSeconds: 3600,
      AutoCreate: true,
    });
  });

  it('writes one audit line for an issuance, with the decision and never the password', async () => {
    const response = await handle(restEvent(ETL_ROLE));

    expect(auditLines()).toEqual([
      expect.objectContaining({
        level: 'INFO',
        decision: 'issued',
        principal: ETL_ROLE,
        rule: 'etl-roles',
        dbUser: 'IAMA:etl_etl-loader',
        dbGroups: ['etl_rw'],
        target: 'analytics',
        database: 'exampledb',
        durationSeconds: 900,
        expiration: bodyOf(response).expiration,
        requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
        correlation_id: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      }),
    ]);
    expect(output.text()).not.toContain(REDSHIFT_PASSWORD);
  });

  it('writes one audit line for a denial, with the reason', async () => {
    await handle(restEvent('arn:aws:iam::123456789012:user/alice'));

    expect(auditLines()).toEqual([
      expect.objectContaining({
        decision: 'denied',
        principal: 'arn:aws:iam::123456789012:user/alice',
        rule: 'nobody-else',
        reason: 'a deny rule matches',
      }),
    ]);
  });

  describe('cold start', () => {
    const described = () =>
      redshiftMock
        .commandCalls(DescribeClustersCommand)
        .map((call) => call.args[0].input.ClusterIdentifier);

    it('looks up every target a rule names while it starts, so the first request waits for none', async () => {
      expect(described().sort()).toEqual(['examplecluster', 'finance-dwh']);
      expect(targetLookups.serverless.commandCalls(GetWorkgroupCommand)).toHaveLength(1);
      expect(targetLookups.sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);

      const response = await handle(restEvent(ETL_ROLE));

      expect(response.statusCode).toBe(200);
      expect(described()).toHaveLength(2);
    });

    it('looks nothing up while it starts when TARGET_LOOKUP_AT_START is false', async () => {
      redshiftMock.resetHistory();
      process.env.TARGET_LOOKUP_AT_START = 'false';
      try {
        handle = await loadApiHandler(EXAMPLE_POLICY);
      } finally {
        delete process.env.TARGET_LOOKUP_AT_START;
      }

      expect(described()).toEqual([]);
      expect((await handle(restEvent(ETL_ROLE))).statusCode).toBe(200);
      expect(described()).toEqual(['examplecluster']);
    });

    it('starts although a lookup fails, and the first request for that target looks it up again', async () => {
      redshiftMock.on(DescribeClustersCommand).rejects(new Error('connect ETIMEDOUT'));
      handle = await loadApiHandler(EXAMPLE_POLICY);
      const warnings = output
        .logLines()
        .filter(
          (line) =>
            line.message === 'Target lookup at cold start failed; the first request will try again',
        );
      redshiftMock
        .on(DescribeClustersCommand)
        .resolves({ Clusters: [{ Endpoint: { Address: HOST, Port: 5439 } }] });
      const before = described().length;

      const response = await handle(restEvent(ETL_ROLE));

      expect(warnings.map((line) => line.target).sort()).toEqual(['analytics', 'finance']);
      expect(warnings[0]?.reason).toBe('UpstreamError: Redshift DescribeClusters failed: Error');
      expect(response.statusCode).toBe(200);
      expect(described().length).toBe(before + 1);
    });
  });

  describe('sample events', () => {
    const expected: Record<string, { status: number; dbUser?: string }> = {
      'api-iam-user.json': { status: 200, dbUser: 'IAM:reporting' },
      'api-assumed-role.json': { status: 200, dbUser: 'IAMA:etl_etl-loader' },
      'api-sso-role.json': { status: 200, dbUser: 'IAMA:sso_jane.doe@example.com' },
      'api-http-v2.json': { status: 200, dbUser: 'IAMA:etl_etl-transform' },
    };

    it('has an expectation for every API event file', () => {
      const files = readdirSync('events').filter((file) => file.startsWith('api-'));

      expect(files.sort()).toEqual(Object.keys(expected).sort());
    });

    it.each(Object.entries(expected))('answers %s', async (file, { status, dbUser }) => {
      const response = await handle(readEvent(file));

      expect(response.statusCode).toBe(status);
      expect(bodyOf(response).dbUser).toBe(dbUser);
    });
  });

  describe('caller identity', () => {
    it('takes an HTTP API v2 caller from authorizer.iam, not from a v1-style identity', async () => {
      const event = readEvent('api-http-v2.json') as APIGatewayProxyEventV2WithIAMAuthorizer;
      const forged = {
        ...event,
        requestContext: { ...event.requestContext, identity: { userArn: SSO_ROLE } },
      } as ApiEvent;

      const response = await handle(forged);

      expect(bodyOf(response).dbUser).toBe('IAMA:etl_etl-transform');
    });

    it('denies an HTTP API v2 event without authorizer.iam even if it carries a v1 identity', async () => {
      const event = readEvent('api-http-v2.json') as APIGatewayProxyEventV2WithIAMAuthorizer;
      const forged = {
        ...event,
        requestContext: {
          ...event.requestContext,
          authorizer: undefined,
          identity: { userArn: ETL_ROLE },
        },
      } as unknown as ApiEvent;

      expectError(await handle(forged), 403, 'AccessDenied');
    });

    it('ignores identity-looking headers and query parameters', async () => {
      const event = restEvent('arn:aws:iam::123456789012:user/alice');
      const spoofed = {
        ...event,
        headers: { ...event.headers, 'x-amz-user-arn': ETL_ROLE, 'X-Forwarded-User': ETL_ROLE },
        queryStringParameters: { userArn: ETL_ROLE },
      };

      expectError(await handle(spoofed), 403, 'AccessDenied');
    });
  });

  describe('spoofing', () => {
    it('ignores identity-looking stage variables', async () => {
      const event = restEvent('arn:aws:iam::123456789012:user/alice');

      const response = await handle({
        ...event,
        stageVariables: { userArn: ETL_ROLE, principal: ETL_ROLE },
      });

      expectError(response, 403, 'AccessDenied');
    });

    it('takes a REST API event’s caller from identity, not from an authorizer.iam it carries', async () => {
      const event = restEvent('arn:aws:iam::123456789012:user/alice') as APIGatewayProxyEvent;
      const forged = {
        ...event,
        requestContext: { ...event.requestContext, authorizer: { iam: { userArn: ETL_ROLE } } },
      };

      expectError(await handle(forged), 403, 'AccessDenied');
      expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
    });

    it.each([
      ['__proto__', '{"__proto__": {"polluted": true}}'],
      ['constructor', '{"constructor": {"prototype": {"polluted": true}}}'],
    ])('rejects a %s key without side effects', async (_, body) => {
      const response = await handle(restEvent(ETL_ROLE, body));

      expectError(response, 400, 'InvalidRequest');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });
  });

  describe('session names (the SSO rule trusts them; the etl rule names users by role)', () => {
    const dbUserAsked = () =>
      redshiftMock.commandCalls(GetClusterCredentialsCommand)[0]?.args[0].input.DbUser;

    beforeEach(async () => {
      handle = await loadApiHandler(SESSION_NAMES_POLICY);
    });

    it.each([
      ['IAM:x', 'a colon'],
      ['a/b', 'a slash'],
      [`a${'b'.repeat(64)}`, 'more than 64 characters'],
      ['аdmin', 'a Cyrillic look-alike'],
      ['ad min', 'a space'],
    ])('denies a session name with %s (%s): no such session exists', async (session) => {
      expectError(await handle(restEvent(`${SSO_ROLE}/${session}`)), 403, 'AccessDenied');
      expect(dbUserAsked()).toBeUndefined();
    });

    it('uses a trusted session name that passes the name rule, exactly as it is (lower-cased)', async () => {
      const response = await handle(restEvent(`${SSO_ROLE}/Admin`));

      expect(response.statusCode).toBe(200);
      expect(dbUserAsked()).toBe('admin');
    });

    it('uses a 64-character trusted session name unchanged', async () => {
      const session = `a${'b'.repeat(63)}`;

      await handle(restEvent(`${SSO_ROLE}/${session}`));

      expect(dbUserAsked()).toBe(session);
    });

    it('denies a trusted session name that breaks the name rule instead of cleaning it up', async () => {
      expectError(await handle(restEvent(`${SSO_ROLE}/user`)), 403, 'AccessDenied');
      expectError(await handle(restEvent(`${SSO_ROLE}/9lives`)), 403, 'AccessDenied');
      expect(dbUserAsked()).toBeUndefined();
    });

    it.each([
      ['the cluster’s master user', 'awsuser'],
      ['the master user in another case', 'AwsUser'],
      ['a Redshift system user', 'rdsdb'],
      ['a Redshift system user by prefix', 'rdsdb_backup'],
      ['a user the policy protects', 'dbadmin'],
    ])('403 for a session name that renders %s, without issuing it', async (_, session) => {
      redshiftMock.on(DescribeClustersCommand).resolves({
        Clusters: [{ MasterUsername: 'awsuser', Endpoint: { Address: HOST, Port: 5439 } }],
      });
      handle = await loadApiHandler(SESSION_NAMES_POLICY);

      expectError(await handle(restEvent(`${SSO_ROLE}/${session}`)), 403, 'AccessDenied');

      expect(dbUserAsked()).toBeUndefined();
      expect(auditLines()).toEqual([
        expect.objectContaining({
          decision: 'denied',
          rule: 'sso-analysts',
          reason: 'protected database user',
        }),
      ]);
    });

    it.each([
      ['a rendered name that is a reserved word', `${SSO_ROLE}/user`],
      ['a rendered name starting with a digit', `${SSO_ROLE}/1jane@example.com`],
    ])('403 AccessDenied for %s, without calling Redshift', async (_, caller) => {
      const response = await handle(restEvent(caller));

      expectError(response, 403, 'AccessDenied');
      expect(bodyOf(response).error).toMatchObject({
        message: expect.not.stringMatching(/analytics|finance|etl-roles|nobody-else|exampledb/),
      });
      expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
    });

    it('never lets a session name choose the db user under a rule that does not trust it', async () => {
      await handle(restEvent('arn:aws:sts::123456789012:assumed-role/etl-loader/admin'));

      expect(dbUserAsked()).toBe('etl_etl-loader');
    });
  });

  describe('error table', () => {
    it.each([
      ['malformed JSON', '{"target": '],
      ['a body that is not an object', '[1, 2]'],
      ['a JSON null body', 'null'],
      ['a wrong type', { dbGroups: 'etl_rw' }],
      ['a fractional duration', { durationSeconds: 1000.5 }],
      ['an unknown field', { target: 'analytics', role: 'admin' }],
      [
        'a forged requestContext in the body',
        { requestContext: { identity: { userArn: SSO_ROLE } } },
      ],
      ['a __proto__ key', '{"__proto__": {"admin": true}}'],
      ['a duration below 900', { durationSeconds: 899 }],
      ['a duration above 3600', { durationSeconds: 3601 }],
      ['a repeated group', { dbGroups: ['etl_rw', 'etl_rw'] }],
    ])('400 InvalidRequest for %s', async (_, body) => {
      const response = await handle(restEvent(ETL_ROLE, body));

      expectError(response, 400, 'InvalidRequest');
      expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
    });

    it('400 InvalidRequest naming the field a misspelt one probably meant', async () => {
      const response = await handle(restEvent(ETL_ROLE, { durationSecond: 1800 }));

      expectError(response, 400, 'InvalidRequest');
      expect(JSON.parse(response.body).error.message).toBe(
        'unknown field durationSecond (did you mean durationSeconds?)',
      );
    });

    it('400 InvalidRequest for a duration above the rule maximum', async () => {
      handle = await loadApiHandler('test/fixtures/policies/integration.yaml');

      const response = await handle(
        restEvent('arn:aws:iam::123456789012:user/services/reporting-daily', {
          target: 'analytics',
          durationSeconds: 3600,
        }),
      );

      expectError(response, 400, 'InvalidRequest');
      expect(bodyOf(response).error).toMatchObject({
        message: 'durationSeconds must be between 900 and 1800',
      });
    });

    it('reads a base64-encoded body', async () => {
      const event = restEvent(ETL_ROLE);
      const encoded = {
        ...event,
        isBase64Encoded: true,
        body: Buffer.from('{"durationSeconds": 899}').toString('base64'),
      };

      expectError(await handle(encoded), 400, 'InvalidRequest');
    });

    it.each([
      ['no IAM identity', restEvent(undefined)],
      ['a deny rule', restEvent('arn:aws:iam::123456789012:user/alice')],
      ['the account root', restEvent('arn:aws:iam::123456789012:root')],
      ['a federated user', restEvent('arn:aws:sts::123456789012:federated-user/alice')],
      ['a target not allowed', restEvent(ETL_ROLE, { target: 'finance' })],
      ['a database not allowed', restEvent(ETL_ROLE, { database: 'dev' })],
      ['a group not allowed', restEvent(ETL_ROLE, { dbGroups: ['etl_rw', 'admins'] })],
    ])('403 AccessDenied for %s, without calling Redshift', async (_, event) => {
      const response = await handle(event);

      expectError(response, 403, 'AccessDenied');
      expect(bodyOf(response).error).toMatchObject({
        message: expect.not.stringMatching(/analytics|finance|etl-roles|nobody-else|exampledb/),
      });
      expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
    });

    it('429 Throttled with Retry-After when Redshift keeps throttling', async () => {
      rejectCredentials(redshiftFaults.throttling());

      const response = await handle(restEvent(ETL_ROLE));

      expectError(response, 429, 'Throttled');
      expect(Number(response.headers?.['Retry-After'])).toBeGreaterThan(0);
    });

    it.each([
      ['cluster not found', redshiftFaults.clusterNotFound()],
      ['unsupported operation', redshiftFaults.unsupportedOperation()],
      ['access denied to the vendor', redshiftFaults.accessDenied()],
    ])('502 UpstreamError when Redshift reports %s', async (_, error) => {
      rejectCredentials(error);

      expectError(await handle(restEvent(ETL_ROLE)), 502, 'UpstreamError');
    });

    it('502 UpstreamError for a reply without a password', async () => {
      redshiftMock
        .on(GetClusterCredentialsCommand)
        .resolves({ DbUser: 'IAMA:etl_etl-loader', Expiration: new Date(Date.now() + 900_000) });

      expectError(await handle(restEvent(ETL_ROLE)), 502, 'UpstreamError');
    });

    it('500 PolicyError for every request while the policy is invalid, the log naming file, rule and field', async () => {
      handle = await loadApiHandler('test/fixtures/policies/invalid-session-name.yaml');

      const responses = [
        await handle(restEvent(ETL_ROLE)),
        await handle(restEvent('arn:aws:iam::123456789012:user/alice')),
        await handle(restEvent(undefined)),
      ];

      for (const response of responses) expectError(response, 500, 'PolicyError');
      expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
      expect(output).toHaveLogged({
        level: 'ERROR',
        file: 'test/fixtures/policies/invalid-session-name.yaml',
        rule: '#1 sso-analysts',
        field: 'rules[1].dbUser',
      });
    });

    it('500 PolicyError for every request while a setting is invalid, the log naming the variable', async () => {
      process.env.TASK_OUTPUT_KEY_ID = 'not a key';
      try {
        handle = await loadApiHandler(EXAMPLE_POLICY);
      } finally {
        delete process.env.TASK_OUTPUT_KEY_ID;
      }

      const response = await handle(restEvent(ETL_ROLE));

      expectError(response, 500, 'PolicyError');
      expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
      expect(output).toHaveLogged({
        level: 'ERROR',
        message: 'Function settings invalid; refusing every request',
        file: '(environment)',
        field: 'TASK_OUTPUT_KEY_ID',
      });
    });

    it.each([
      ['another API', { apiId: 'zz9yy8xx7w' }],
      ['another stage of the same API', { stage: 'test' }],
      ['no API at all', { apiId: undefined, stage: undefined }],
    ])(
      '403 for an event from %s (a direct invoke), without calling Redshift',
      async (_, source) => {
        const event = restEvent(ETL_ROLE) as APIGatewayProxyEvent;
        const forged = { ...event, requestContext: { ...event.requestContext, ...source } };

        expectError(await handle(forged as ApiEvent), 403, 'AccessDenied');

        expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
        expect(auditLines()).toEqual([
          expect.objectContaining({
            decision: 'denied',
            reason: 'the event does not come from the API stage this function serves',
          }),
        ]);
      },
    );

    it('500 PolicyError when a target’s cluster is not one the deployment grants, naming it', async () => {
      process.env.GRANTED_CLUSTERS = 'prod-dwh';
      try {
        handle = await loadApiHandler(EXAMPLE_POLICY);
      } finally {
        delete process.env.GRANTED_CLUSTERS;
      }

      expectError(await handle(restEvent(ETL_ROLE)), 500, 'PolicyError');
      expect(output).toHaveLogged({
        level: 'ERROR',
        field: 'targets.analytics.clusterIdentifier',
        problem: expect.stringContaining('"examplecluster" is not one the deployment grants'),
      });
    });

    it('500 InternalError, without detail, for a fault nobody expected', async () => {
      const { logger } = await import('#commons/logger.js');
      const fault = new TypeError('audit sink is broken');
      vi.spyOn(logger, 'info').mockImplementation((...args) => {
        if (args[0] === 'Credential decision') throw fault;
      });

      const response = await handle(restEvent(ETL_ROLE));

      expectError(response, 500, 'InternalError');
      expect(bodyOf(response).error).toEqual({ code: 'InternalError', message: 'Internal error' });
      expect(response.body).not.toContain(REDSHIFT_PASSWORD);
    });
  });
});
