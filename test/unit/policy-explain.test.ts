import {
  DescribeClustersCommand,
  GetClusterCredentialsCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readPolicyFile } from '#adapters/policy-file.js';
import { explain } from '#scripts/policy/explain.js';
import { captureOutput, loadApiHandler, restEvent } from '#support/lambda.js';
import { mockTargetLookups } from '#support/target-mocks.js';

// `npm run policy -- explain` and the API function must decide alike: for generated callers and
// requests, explain's decision, rule and db user are what the handler (Redshift mocked) does.
const POLICY = 'test/fixtures/policies/session-names.yaml';
const redshiftMock = mockClient(RedshiftClient);
const targetLookups = mockTargetLookups();

const principal = fc.oneof(
  fc
    .constantFrom('etl-loader', 'etl-Nightly', 'etl-x', 'reporting', 'admin')
    .map((role) => `arn:aws:sts::123456789012:assumed-role/${role}/run-1`),
  fc
    .constantFrom('reporting-daily', 'reporting-x', 'alice')
    .map((user) => `arn:aws:iam::123456789012:user/services/${user}`),
  fc
    .constantFrom(
      'jane.doe@example.com',
      'Admin',
      'dbadmin',
      'rdsdb',
      'user',
      '9lives',
      'reporting',
    )
    .map(
      (session) => `arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0a1b/${session}`,
    ),
  fc.constantFrom(
    'arn:aws:iam::123456789012:root',
    'arn:aws:iam::210987654321:user/services/reporting-a',
  ),
);

const request = fc.record(
  {
    target: fc.constantFrom('analytics', 'finance'),
    database: fc.constantFrom('exampledb', 'other'),
    dbGroups: fc.subarray(['etl_rw', 'analysts', 'admins']),
    durationSeconds: fc.constantFrom(600, 900, 1800, 3600, 3601),
  },
  { requiredKeys: [] },
);

describe('explain and the API function', () => {
  let handle: Awaited<ReturnType<typeof loadApiHandler>>;

  beforeAll(async () => {
    targetLookups.reset();
    redshiftMock.on(GetClusterCredentialsCommand).callsFake(async (input) => ({
      DbUser: `IAM:${input.DbUser}`,
      DbPassword: 'EXAMPLE-password-for-the-property-test',
      Expiration: new Date(Date.now() + input.DurationSeconds * 1000),
    }));
    redshiftMock
      .on(DescribeClustersCommand)
      .resolves({ Clusters: [{ Endpoint: { Address: 'example.internal', Port: 5439 } }] });
    handle = await loadApiHandler(POLICY);
  });

  it('agree on the decision, the rule and the db user for generated callers and requests', async () => {
    const policy = await readPolicyFile(POLICY);
    await fc.assert(
      fc.asyncProperty(principal, request, async (arn, body) => {
        redshiftMock.resetHistory();
        const output = captureOutput();
        const explanation = explain(policy, arn, body);

        const response = await handle(restEvent(arn, body));

        const audit = output.logLines().find((line) => line.message === 'Credential decision');
        const asked = redshiftMock.commandCalls(GetClusterCredentialsCommand)[0]?.args[0].input;
        if (explanation.decision === 'issued') {
          expect(response.statusCode).toBe(200);
          expect(audit?.rule).toBe(explanation.rule);
          expect(asked?.DbUser).toBe(explanation.dbUser);
        } else {
          expect(response.statusCode).toBe(explanation.code === 'InvalidRequest' ? 400 : 403);
          expect(asked).toBeUndefined();
          expect(audit?.reason).toBe(
            explanation.code === 'AccessDenied'
              ? explanation.reason
              : `${explanation.code}: ${explanation.reason}`,
          );
        }
      }),
      { numRuns: 300 },
    );
  });
});
