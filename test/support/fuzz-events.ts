import { randomBytes } from 'node:crypto';
import { KMSClient } from '@aws-sdk/client-kms';
import { RedshiftClient } from '@aws-sdk/client-redshift';
import { SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { readPolicyFile } from '#adapters/policy-file.js';
import type { ApiEvent } from '#commons/api-gateway.js';
import { principalFromArn } from '#domain/identity.js';
import { readEvent } from '#support/lambda.js';
import { redshiftFaults } from '#support/redshift-faults.js';
import { mockTargetLookups } from '#support/target-mocks.js';

export const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000);
export const EXAMPLE_POLICY = 'local/policy.yaml';
export const policy = await readPolicyFile(EXAMPLE_POLICY);
export const STATUSES = new Set([200, 400, 403, 429, 502, 500]);
export const CODES = [
  'InvalidRequest',
  'AccessDenied',
  'Throttled',
  'UpstreamError',
  'PolicyError',
  'InternalError',
];

export const redshiftMock = mockClient(RedshiftClient);
export const sfnMock = mockClient(SFNClient);
export const kmsMock = mockClient(KMSClient);
export const targetLookups = mockTargetLookups();

/** Every password the mocked Redshift hands out, to look for in the output afterwards. */
export const issued: string[] = [];
export type Fault = 'none' | 'throttled' | 'clusterNotFound' | 'typeError';

export function mockRedshift(fault: Fault) {
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

export const callerArn = fc.oneof(
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

export const identityLooking = fc.constantFrom(
  'requestContext',
  'principal',
  'userArn',
  'x-amz-user-arn',
  'x-forwarded-for',
  '__proto__',
  'constructor',
  'prototype',
);

export const requestFields = fc.record(
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

export const body = fc.oneof(
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

export const apiEvent: fc.Arbitrary<ApiEvent> = fc
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
export function verifiedArn(event: ApiEvent): unknown {
  const context = (event as { requestContext?: unknown }).requestContext as
    | Record<string, never>
    | undefined;
  const isV2 = (event as { version?: string }).version === '2.0';
  return isV2
    ? (context?.authorizer as { iam?: { userArn?: unknown } } | undefined)?.iam?.userArn
    : (context?.identity as { userArn?: unknown } | undefined)?.userArn;
}

export const allowedByPolicy = (arn: unknown) =>
  typeof arn === 'string' &&
  arn !== '' &&
  policy.ruleFor(principalFromArn(arn))?.effect === 'allow';

export const withDeadline = <T>(promise: Promise<T>) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('hung')), 2_000)),
  ]);
