import type { APIGatewayProxyResult } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { ApiEvent } from '#commons/api-gateway.js';
import { loadBundledHandler } from '#support/bundled-handler.js';
import { captureOutput, lambdaContext, readEvent, restEvent } from '#support/lambda.js';

// The bundle exactly as `npm run build` (and so `sam build`) produces it, against moto_server.
type BundledHandler = (
  event: ApiEvent,
  context: typeof lambdaContext,
) => Promise<APIGatewayProxyResult>;

const REPORTING_USER = 'arn:aws:iam::123456789012:user/services/reporting-daily';
let handler: BundledHandler;

const call = async (event: ApiEvent) => {
  const response = await handler(event, lambdaContext);
  return {
    statusCode: response.statusCode,
    body: JSON.parse(response.body) as Record<string, unknown>,
  };
};

const secondsUntil = (iso: unknown) => (new Date(String(iso)).getTime() - Date.now()) / 1000;

beforeAll(async () => {
  const endpoint = inject('motoEndpoint');
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.POLICY_FILE = 'test/fixtures/policies/integration.yaml';
  handler = await loadBundledHandler<BundledHandler>('credentials-api');
});

describe('bundled credentials-api against moto_server', () => {
  beforeEach(() => {
    captureOutput();
  });

  it('issues an existing user (IAM: prefix) the credential its rule maps an IAM user to', async () => {
    const { statusCode, body } = await call(restEvent(REPORTING_USER, { target: 'analytics' }));

    expect(statusCode).toBe(200);
    expect(body).toMatchObject({
      dbUser: 'IAM:reporting',
      target: 'analytics',
      clusterIdentifier: 'examplecluster',
      database: 'exampledb',
      dbGroups: [],
      port: 5439,
    });
    expect(body.dbPassword).toEqual(expect.stringMatching(/^.{16,}$/));
    expect(body.host).toEqual(expect.stringContaining('examplecluster'));
    expect(secondsUntil(body.expiration)).toBeGreaterThan(880);
    expect(secondsUntil(body.expiration)).toBeLessThanOrEqual(900);
  });

  it('auto-creates a new user in its group (IAMA: prefix) for the requested duration', async () => {
    const { statusCode, body } = await call(readEvent('api-assumed-role.json'));

    expect(statusCode).toBe(200);
    expect(body).toMatchObject({ dbUser: 'IAMA:etl_etl-loader', dbGroups: ['etl_rw'] });
    expect(secondsUntil(body.expiration)).toBeGreaterThan(3580);
  });

  it('refuses a session whose name is the cluster’s master user, as Redshift reports it', async () => {
    const sso = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0a1b2c3d';

    const admin = await call(restEvent(`${sso}/Admin`));
    const someoneElse = await call(restEvent(`${sso}/jane.doe@example.com`));

    expect(admin.statusCode).toBe(403);
    expect(admin.body.error).toMatchObject({ code: 'AccessDenied' });
    expect(someoneElse).toMatchObject({
      statusCode: 200,
      body: { dbUser: 'IAMA:jane.doe@example.com' },
    });
  });

  it('answers 502 UpstreamError for a target whose cluster does not exist', async () => {
    const { statusCode, body } = await call(restEvent(REPORTING_USER, { target: 'ghost' }));

    expect(statusCode).toBe(502);
    expect(body.error).toEqual({
      code: 'UpstreamError',
      message: 'Redshift DescribeClusters failed: ClusterNotFoundFault',
    });
  });

  it.each([
    [899, 'below the minimum'],
    [3601, 'above the maximum'],
    [1801, "above the rule's maximum"],
  ])('answers 400 InvalidRequest for durationSeconds %i (%s)', async (durationSeconds) => {
    const { statusCode, body } = await call(
      restEvent(REPORTING_USER, { target: 'analytics', durationSeconds }),
    );

    expect(statusCode).toBe(400);
    expect(body.error).toMatchObject({
      code: 'InvalidRequest',
      message: expect.stringMatching(/durationSeconds/),
    });
  });
});
