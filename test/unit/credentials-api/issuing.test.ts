import { readdirSync } from 'node:fs';
import { DescribeClustersCommand, GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import { GetWorkgroupCommand } from '@aws-sdk/client-redshift-serverless';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from 'vitest';
import { REDSHIFT_PASSWORD } from '#fixtures/redshift-password.js';
import {
  answerAsRedshift,
  bodyOf,
  ETL_ROLE,
  EXAMPLE_POLICY,
  type Handler,
  HOST,
  redshiftMock,
  targetLookups,
} from '#support/api-handler.js';
import {
  type CapturedOutput,
  captureOutput,
  loadApiHandler,
  readEvent,
  restEvent,
} from '#support/lambda.js';

describe('credentials-api handler', () => {
  let handle: Handler;
  let output: CapturedOutput;
  const auditLines = () =>
    output.logLines().filter((line) => line.message === 'Credential decision');

  beforeEach(async () => {
    answerAsRedshift();
    output = captureOutput();
    handle = await loadApiHandler(EXAMPLE_POLICY);
  });

  it('issues the credential its rule maps an assumed role to', async () => {
    const event = restEvent(ETL_ROLE, { durationSeconds: 3600 });
    const response = await handle(event);

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
      requestId: event.requestContext.requestId,
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
});
