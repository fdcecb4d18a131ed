import { EncryptCommand, KMSServiceException } from '@aws-sdk/client-kms';
import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { type CapturedOutput, captureOutput, loadTaskHandler } from '#support/lambda.js';
import { redshiftFaults } from '#support/redshift-faults.js';
import {
  answerAsAws,
  describeAs,
  failureOf,
  kmsMock,
  NIGHTLY,
  redshiftMock,
  sfnFault,
  sfnMock,
  TASK_POLICY,
  type TaskHandler,
} from '#support/task-handler.js';

describe('credentials-task handler', () => {
  let handle: TaskHandler;
  let output: CapturedOutput;

  beforeEach(async () => {
    answerAsAws();
    output = captureOutput();
    handle = await loadTaskHandler(TASK_POLICY, 'alias/task-output');
  });

  describe('error names for Retry and Catch', () => {
    it('Throttled when Redshift keeps throttling', async () => {
      redshiftMock.on(GetClusterCredentialsCommand).rejects(redshiftFaults.throttling());

      expect((await failureOf(handle({ executionArn: NIGHTLY }))).name).toBe('Throttled');
    });

    it('Throttled when Step Functions keeps throttling DescribeExecution', async () => {
      sfnMock.on(DescribeExecutionCommand).rejects(sfnFault('ThrottlingException'));

      expect((await failureOf(handle({ executionArn: NIGHTLY }))).name).toBe('Throttled');
    });

    it('UpstreamError when Redshift cannot find the cluster', async () => {
      redshiftMock.on(GetClusterCredentialsCommand).rejects(redshiftFaults.clusterNotFound());

      const error = await failureOf(handle({ executionArn: NIGHTLY }));

      expect(error.name).toBe('UpstreamError');
      expect(error.message).toBe('Redshift GetClusterCredentials failed: ClusterNotFoundFault');
    });

    it('UpstreamError when KMS refuses to encrypt, and the decision is audited as denied', async () => {
      kmsMock.on(EncryptCommand).rejects(
        new KMSServiceException({
          name: 'KMSInvalidStateException',
          $fault: 'client',
          $metadata: {},
          message: 'disabled',
        }),
      );

      const error = await failureOf(handle({ executionArn: NIGHTLY }));

      expect(error).toMatchObject({
        name: 'UpstreamError',
        message: 'KMS Encrypt failed: KMSInvalidStateException',
      });
      expect(output).toHaveLogged({ decision: 'denied', rule: 'nightly-etl' });
      expect(output).not.toHaveLogged({ decision: 'issued' });
    });

    it('PolicyError while the policy is invalid', async () => {
      handle = await loadTaskHandler(
        'test/fixtures/policies/invalid-session-name.yaml',
        'alias/task-output',
      );

      expect((await failureOf(handle({ executionArn: NIGHTLY }))).name).toBe('PolicyError');
      expect(sfnMock.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
    });

    it('InternalError when no task-output key is configured, never a plaintext fallback', async () => {
      handle = await loadTaskHandler(TASK_POLICY, undefined);

      const error = await failureOf(handle({ executionArn: NIGHTLY }));

      expect(error).toMatchObject({ name: 'InternalError', message: 'Internal error' });
    });

    it('carries no stack trace into the execution history', async () => {
      describeAs('ABORTED');

      const error = await failureOf(handle({ executionArn: NIGHTLY }));

      expect(error.stack).toBe(
        'AccessDenied: The caller is not allowed these database credentials',
      );
    });
  });
});
