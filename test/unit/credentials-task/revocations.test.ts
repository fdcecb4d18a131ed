import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CapturedOutput, captureOutput, loadTaskHandler } from '#support/lambda.js';
import { dynamoMock, revocationsAre } from '#support/revocation-mocks.js';
import {
  answerAsAws,
  failureOf,
  machineArn,
  NIGHTLY,
  redshiftMock,
  TASK_POLICY,
} from '#support/task-handler.js';

describe('credentials-task handler, revocations', () => {
  let output: CapturedOutput;

  beforeEach(() => {
    answerAsAws();
    dynamoMock.reset();
    output = captureOutput();
    process.env.REVOCATIONS_TABLE = 'vendor-revocations';
  });
  afterEach(() => {
    delete process.env.REVOCATIONS_TABLE;
  });

  it('refuses a workflow whose state machine is revoked, by name AccessDenied, before Redshift', async () => {
    revocationsAre({
      'rv-1': {
        reason: 'workflow compromised',
        by: 'arn:aws:iam::123456789012:user/alice',
        at: '2026-12-05T10:00:00Z',
        principal: machineArn('etl-nightly'),
      },
    });
    const handle = await loadTaskHandler(TASK_POLICY, 'alias/task-output');

    const error = await failureOf(handle({ executionArn: NIGHTLY }));

    expect(error.name).toBe('AccessDenied');
    expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
    expect(output.logLines()).toContainEqual(
      expect.objectContaining({ decision: 'denied', reason: 'revoked rv-1: workflow compromised' }),
    );
  });

  it('issues as before when the revocations name someone else', async () => {
    revocationsAre({
      'rv-2': {
        reason: 'other',
        by: 'arn:aws:iam::123456789012:user/alice',
        at: '2026-12-05T10:00:00Z',
        principal: machineArn('etl-adhoc'),
      },
    });
    const handle = await loadTaskHandler(TASK_POLICY, 'alias/task-output');

    await handle({ executionArn: NIGHTLY });

    expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(1);
  });
});
