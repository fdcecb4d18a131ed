import { EncryptCommand } from '@aws-sdk/client-kms';
import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  CODES,
  EXAMPLE_POLICY,
  identityLooking,
  issued,
  kmsMock,
  mockRedshift,
  RUNS,
  redshiftMock,
  requestFields,
  sfnMock,
  withDeadline,
} from '#support/fuzz-events.js';
import { captureOutput, loadTaskHandler } from '#support/lambda.js';

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
