import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { redshiftCredentialIssuer } from '#adapters/redshift-credential-issuer.js';
import { ANSWER_MARGIN_MS } from '#adapters/request-deadline.js';
import { targetClients } from '#adapters/target-clients.js';
import { createRedshiftClient } from '#commons/clients/redshift.js';
import { REDSHIFT_PASSWORD } from '#fixtures/redshift-password.js';
import { type RedshiftStub, startRedshiftStub } from '#local/redshift-stub.js';
import { captureOutput, lambdaContext, loadApiHandler, restEvent } from '#support/lambda.js';

// The API handler with its real Redshift client (standard retries, 3 attempts, 3 s socket
// timeout) against a local stub that scripts Redshift's faults on the wire.
const CALLER = 'arn:aws:iam::123456789012:user/services/reporting-daily';
const LAMBDA_TIMEOUT_MS = 15_000;

let stub: RedshiftStub;
let handle: Awaited<ReturnType<typeof loadApiHandler>>;
const never = () => Promise.reject(new Error('not used: the target is in this account'));
const errorCode = (body: string) => (JSON.parse(body) as { error?: { code: string } }).error?.code;

beforeAll(async () => {
  stub = await startRedshiftStub();
  process.env.AWS_ENDPOINT_URL = stub.endpoint;
  handle = await loadApiHandler('test/fixtures/policies/stub-target.yaml');
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await stub.close();
});

beforeEach(() => {
  captureOutput();
});

describe('upstream faults through the real SDK', () => {
  it('succeeds on the third attempt after two throttles', async () => {
    stub.reply((attempt) =>
      attempt < 2
        ? { error: { status: 400, code: 'Throttling' } }
        : { credentials: { password: REDSHIFT_PASSWORD, expiresInSeconds: 900 } },
    );

    const response = await handle(restEvent(CALLER));

    expect(response.statusCode).toBe(200);
    expect(stub.requests()).toBe(3);
  });

  it('answers 429 with Retry-After after exactly the configured attempts when throttling persists', async () => {
    stub.reply(() => ({ error: { status: 400, code: 'Throttling' } }));

    const response = await handle(restEvent(CALLER));

    expect(response.statusCode).toBe(429);
    expect(errorCode(response.body)).toBe('Throttled');
    expect(Number(response.headers?.['Retry-After'])).toBeGreaterThan(0);
    expect(stub.requests()).toBe(3);
  });

  it.each([
    ['ClusterNotFound', 404],
    ['UnsupportedOperation', 400],
    ['AccessDenied', 403],
  ])('answers 502 for %s without retrying', async (code, status) => {
    stub.reply(() => ({ error: { status, code } }));

    const response = await handle(restEvent(CALLER));

    expect(response.statusCode).toBe(502);
    expect(errorCode(response.body)).toBe('UpstreamError');
    expect(stub.requests()).toBe(1);
  });

  it.each([
    ['no password', { credentials: { expiresInSeconds: 900 } }],
    [
      'an expiration in the past',
      { credentials: { password: REDSHIFT_PASSWORD, expiresInSeconds: -60 } },
    ],
    [
      'an expiration later than requested',
      { credentials: { password: REDSHIFT_PASSWORD, expiresInSeconds: 3600 } },
    ],
  ] as const)('answers 502 for a reply with %s', async (_, reply) => {
    stub.reply(() => reply);

    const response = await handle(restEvent(CALLER));

    expect(response.statusCode).toBe(502);
    expect(errorCode(response.body)).toBe('UpstreamError');
    expect(response.body).not.toContain(REDSHIFT_PASSWORD);
  });

  it('abandons a hung socket by the request timeout, well before the Lambda deadline', async () => {
    stub.reply(() => 'hang');
    const started = Date.now();

    const response = await handle(restEvent(CALLER));
    const elapsed = Date.now() - started;

    expect(response.statusCode).toBe(502);
    expect(JSON.parse(response.body).error).toEqual({
      code: 'UpstreamError',
      message: 'Redshift GetClusterCredentials failed: TimeoutError',
    });
    expect(stub.requests()).toBe(3);
    expect(elapsed).toBeLessThan(LAMBDA_TIMEOUT_MS - 2_000);
  }, 30_000);

  it('ends every call of a request when the request’s time runs out, answering before the Lambda does', async () => {
    stub.reply(() => 'hang');
    const remainingMs = 4_500;
    const started = Date.now();
    const context = {
      ...lambdaContext,
      getRemainingTimeInMillis: () => remainingMs - (Date.now() - started),
    };

    const response = await handle(restEvent(CALLER), context);
    const elapsed = Date.now() - started;

    expect(response.statusCode).toBe(502);
    expect(JSON.parse(response.body).error).toEqual({
      code: 'UpstreamError',
      message: "Redshift GetClusterCredentials did not answer within the request's time",
    });
    expect(elapsed).toBeGreaterThanOrEqual(remainingMs - ANSWER_MARGIN_MS - 100);
    expect(elapsed).toBeLessThan(remainingMs);
    expect(stub.requests()).toBeLessThan(3);
  }, 30_000);
});

describe('the request deadline and the SDK', () => {
  it('keeps the SDK’s middleware cache: calls under a deadline pass no per-call options', async () => {
    stub.reply(() => ({ credentials: { password: REDSHIFT_PASSWORD, expiresInSeconds: 900 } }));
    const redshift = createRedshiftClient({ endpoint: stub.endpoint } as never);
    const issuer = redshiftCredentialIssuer(
      targetClients(redshift, { redshift: createRedshiftClient, serverless: never }, never),
    );
    const request = {
      target: {
        kind: 'cluster' as const,
        name: 'analytics',
        clusterIdentifier: 'examplecluster',
        database: 'exampledb',
      },
      dbUser: 'reporting',
      database: 'exampledb',
      dbGroups: [],
      durationSeconds: 900,
      autoCreate: false,
    };

    await issuer.issue(request, Date.now() + 5_000);
    await issuer.issue(request, Date.now() + 5_000);

    // The client files each command's resolved middleware here, and drops it for a call with options.
    const { handlers } = redshift as unknown as { handlers?: WeakMap<object, unknown> };
    expect(handlers?.has(GetClusterCredentialsCommand)).toBe(true);
    redshift.destroy();
  });
});
