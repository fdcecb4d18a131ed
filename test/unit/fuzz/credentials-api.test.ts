import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  allowedByPolicy,
  apiEvent,
  CODES,
  EXAMPLE_POLICY,
  type Fault,
  issued,
  mockRedshift,
  RUNS,
  redshiftMock,
  STATUSES,
  verifiedArn,
  withDeadline,
} from '#support/fuzz-events.js';
import { captureOutput, loadApiHandler } from '#support/lambda.js';

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
