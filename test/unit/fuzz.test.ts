import { randomBytes } from 'node:crypto';
import { EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetClusterCredentialsCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { readPolicyFile } from '#adapters/policy-file.js';
import type { ApiEvent } from '#commons/api-gateway.js';
import { principalFromArn } from '#domain/identity.js';
import { captureOutput, loadApiHandler, loadTaskHandler, readEvent } from '#support/lambda.js';
import { redshiftFaults } from '#support/redshift-faults.js';
import { mockTargetLookups } from '#support/target-mocks.js';

// Properties over whole events and payloads. `npm run fuzz` runs them with FUZZ_RUNS=20000.
const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);
const EXAMPLE_POLICY = 'local/policy.yaml';
const policy = await readPolicyFile(EXAMPLE_POLICY);
const STATUSES = new Set([200, 400, 403, 429, 502, 500]);
const CODES = [
  'InvalidRequest',
  'AccessDenied',
  'Throttled',
  'UpstreamError',
  'PolicyError',
  'InternalError',
];

const redshiftMock = mockClient(RedshiftClient);
const sfnMock = mockClient(SFNClient);
const kmsMock = mockClient(KMSClient);
const targetLookups = mockTargetLookups();

/** Every password the mocked Redshift hands out, to look for in the output afterwards. */
const issued: string[] = [];
type Fault = 'none' | 'throttled' | 'clusterNotFound' | 'typeError';

function mockRedshift(fault: Fault) {
  redshiftMock.reset();
  targetLookups.reset();
  redshiftMock
    .onAnyCommand()
    .callsFake(async (input: { DbUser?: string; DurationSeconds?: number }) => {
      if (fault === 'throttled') throw redshiftFaults.throttling();
      if (fault === 'clusterNotFound') throw redshiftFaults.clusterNotFound();
      if (fault === 'typeError') throw new TypeError('injected');
      if (input.DbUser === undefined)
        return { Clusters: [{ Endpoint: { Address: 'h.example', Port: 5439 } }] };
      const password = randomBytes(24).toString('base64');
      issued.push(password);
      return {
        DbUser: `IAM:${input.DbUser}`,
        DbPassword: password,
        Expiration: new Date(Date.now() + 900_000),
      };
    });
}

const callerArn = fc.oneof(
  fc.constantFrom(
    'arn:aws:iam::123456789012:user/services/reporting-daily',
    'arn:aws:sts::123456789012:assumed-role/etl-loader/run-1',
    'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0a1b/jane@example.com',
    'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0a1b/admin',
    'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0a1b/IAM:x',
    'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0a1b/аdmin',
    `arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0a1b/${'a'.repeat(70)}`,
    'arn:aws:iam::123456789012:user/alice',
    'arn:aws:iam::123456789012:root',
    'arn:aws:sts::123456789012:federated-user/bob',
    'arn:aws:states:us-east-1:123456789012:stateMachine:example-etl',
    '',
  ),
  fc.string(),
);

const identityLooking = fc.constantFrom(
  'requestContext',
  'principal',
  'userArn',
  'x-amz-user-arn',
  'x-forwarded-for',
  '__proto__',
  'constructor',
  'prototype',
);

const requestFields = fc.record(
  {
    target: fc.oneof(fc.constantFrom('analytics', 'finance', ''), fc.string(), fc.integer()),
    database: fc.oneof(fc.constantFrom('exampledb', 'dev'), fc.string()),
    dbGroups: fc.oneof(
      fc.array(fc.constantFrom('etl_rw', 'analysts', 'reporting_ro', 'admins')),
      fc.anything(),
    ),
    durationSeconds: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double(), fc.string()),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string(),
  requestFields.map((fields) => JSON.stringify(fields)),
  fc
    .tuple(requestFields, identityLooking, fc.jsonValue())
    .map(
      ([fields, key, value]) =>
        `${JSON.stringify(fields).slice(0, -1)}${Object.keys(fields).length ? ',' : ''}"${key}":${JSON.stringify(value) ?? 'null'}}`,
    ),
  fc.jsonValue().map((value) => JSON.stringify(value)),
);

const apiEvent: fc.Arbitrary<ApiEvent> = fc
  .record({
    httpApi: fc.boolean(),
    arn: fc.option(callerArn, { nil: undefined }),
    otherArn: callerArn,
    body,
    base64: fc.boolean(),
    headers: fc.dictionary(fc.oneof(identityLooking, fc.string()), fc.string()),
    query: fc.option(fc.dictionary(fc.oneof(identityLooking, fc.string()), fc.string()), {
      nil: null,
    }),
    stageVariables: fc.option(fc.dictionary(identityLooking, fc.string()), { nil: null }),
    path: fc.oneof(fc.constant('/credentials'), fc.string()),
    requestId: fc.oneof(fc.uuid(), fc.constant(undefined), fc.integer()),
    garbageContext: fc.option(fc.anything(), { freq: 10 }),
  })
  .map(
    ({
      httpApi,
      arn,
      otherArn,
      body: text,
      base64,
      headers,
      query,
      stageVariables,
      path,
      requestId,
      garbageContext,
    }) => {
      const encoded =
        base64 && typeof text === 'string' ? Buffer.from(text).toString('base64') : text;
      const base = readEvent(
        httpApi ? 'api-http-v2.json' : 'api-iam-user.json',
      ) as unknown as Record<string, unknown>;
      const requestContext =
        garbageContext ??
        (httpApi
          ? {
              requestId,
              authorizer: arn === undefined ? undefined : { iam: { userArn: arn } },
              identity: { userArn: otherArn },
            }
          : { requestId, identity: { userArn: arn }, authorizer: { iam: { userArn: otherArn } } });
      return {
        ...base,
        path,
        rawPath: path,
        headers,
        queryStringParameters: query,
        stageVariables,
        body: encoded,
        isBase64Encoded: base64 && typeof text === 'string',
        requestContext,
      } as unknown as ApiEvent;
    },
  );

/** The caller ARN API Gateway verified in this event, the only one the handler may use. */
function verifiedArn(event: ApiEvent): unknown {
  const context = (event as { requestContext?: unknown }).requestContext as
    | Record<string, never>
    | undefined;
  const isV2 = (event as { version?: string }).version === '2.0';
  return isV2
    ? (context?.authorizer as { iam?: { userArn?: unknown } } | undefined)?.iam?.userArn
    : (context?.identity as { userArn?: unknown } | undefined)?.userArn;
}

const allowedByPolicy = (arn: unknown) =>
  typeof arn === 'string' &&
  arn !== '' &&
  policy.ruleFor(principalFromArn(arn))?.effect === 'allow';

const withDeadline = <T>(promise: Promise<T>) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('hung')), 2_000)),
  ]);

describe('credentials-api handler, for any event', () => {
  let output: ReturnType<typeof captureOutput>;
  beforeEach(() => {
    issued.length = 0;
    output = captureOutput();
  });

  it('answers with a documented status, calls Redshift only for an allowed caller, and never logs a password', async () => {
    mockRedshift('none');
    const handle = await loadApiHandler(EXAMPLE_POLICY);

    await fc.assert(
      fc.asyncProperty(apiEvent, async (event) => {
        redshiftMock.resetHistory();
        const response = await withDeadline(handle(event));

        expect(STATUSES.has(response.statusCode)).toBe(true);
        expect(response.statusCode).toBeLessThan(500);
        expect(response.headers?.['Cache-Control']).toBe('no-store');
        if (response.statusCode !== 200)
          expect(CODES).toContain(JSON.parse(response.body).error.code);
        if (redshiftMock.commandCalls(GetClusterCredentialsCommand).length > 0) {
          expect(allowedByPolicy(verifiedArn(event))).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
    const text = output.text();
    for (const password of issued) expect(text).not.toContain(password);
  });

  it('answers an injected fault with the status of its kind, and nothing else', async () => {
    const handle = await loadApiHandler(EXAMPLE_POLICY);
    const expected: Record<Fault, number[]> = {
      none: [200],
      throttled: [429],
      clusterNotFound: [502],
      typeError: [502],
    };

    await fc.assert(
      fc.asyncProperty(
        apiEvent,
        fc.constantFrom<Fault>('throttled', 'clusterNotFound', 'typeError'),
        async (event, fault) => {
          mockRedshift(fault);
          const response = await withDeadline(handle(event));

          expect(STATUSES.has(response.statusCode)).toBe(true);
          if (response.statusCode >= 500 || response.statusCode === 429) {
            expect(expected[fault]).toContain(response.statusCode);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('answers 500 PolicyError, and only that, to any event while the policy is invalid', async () => {
    mockRedshift('none');
    const handle = await loadApiHandler('test/fixtures/policies/invalid-session-name.yaml');

    await fc.assert(
      fc.asyncProperty(apiEvent, async (event) => {
        const response = await withDeadline(handle(event));

        expect(response.statusCode).toBe(500);
        expect(JSON.parse(response.body).error.code).toBe('PolicyError');
      }),
      { numRuns: Math.ceil(RUNS / 5) },
    );
    expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
  });
});

describe('credentials-task handler, for any payload', () => {
  beforeEach(() => {
    issued.length = 0;
    captureOutput();
  });

  const executionArn = fc.oneof(
    fc.constantFrom(
      'arn:aws:states:us-east-1:123456789012:execution:example-etl:run-1',
      'arn:aws:states:us-east-1:123456789012:execution:adhoc:run-1',
      'arn:aws:states:us-east-1:123456789012:express:example-etl:run-1:abc',
      'arn:aws:states:us-east-1:123456789012:stateMachine:example-etl',
    ),
    fc.string(),
    fc.anything(),
  );
  const payload = fc.oneof(
    fc.anything(),
    fc
      .tuple(
        requestFields,
        executionArn,
        fc.option(fc.tuple(identityLooking, fc.jsonValue()), { nil: undefined }),
      )
      .map(([fields, arn, extra]) => ({
        ...fields,
        executionArn: arn,
        ...(extra && { [extra[0]]: extra[1] }),
      })),
  );

  it('returns a result or throws an error named by a documented code; Redshift only for allowed workflows', async () => {
    mockRedshift('none');
    kmsMock.reset();
    kmsMock.on(EncryptCommand).resolves({ CiphertextBlob: Buffer.from('ciphertext'), KeyId: 'k' });
    const handle = await loadTaskHandler(EXAMPLE_POLICY, 'alias/task-output');

    await fc.assert(
      fc.asyncProperty(
        payload,
        fc.constantFrom('RUNNING', 'SUCCEEDED', 'ABORTED'),
        fc.constantFrom('example-etl', 'adhoc'),
        async (input, status, machine) => {
          redshiftMock.resetHistory();
          sfnMock.reset();
          sfnMock.on(DescribeExecutionCommand).resolves({
            status,
            stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${machine}`,
          });
          const outcome = await withDeadline(handle(input)).then(
            (result) => ({ result }),
            (error: unknown) => ({ error: error as Error }),
          );

          if ('error' in outcome) {
            expect(CODES).toContain(outcome.error.name);
            expect(outcome.error.stack).not.toMatch(/\n\s+at /);
          } else {
            expect(JSON.stringify(outcome.result)).not.toMatch(/dbPassword/);
          }
          if (redshiftMock.commandCalls(GetClusterCredentialsCommand).length > 0) {
            expect(status === 'RUNNING' && machine === 'example-etl').toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
