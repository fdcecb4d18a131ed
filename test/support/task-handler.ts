/** The credentials-task handler as its unit tests run it: Redshift, Step Functions and KMS mocked. */
import { EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DescribeClustersCommand,
  GetClusterCredentialsCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import {
  DescribeExecutionCommand,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  SFNClient,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { credentialsStepSdkHistory } from '#fixtures/execution-history.js';
import { REDSHIFT_PASSWORD } from '#fixtures/redshift-password.js';
import type { loadTaskHandler } from '#support/lambda.js';
import { lambdaContext } from '#support/lambda.js';
import { mockTargetLookups } from '#support/target-mocks.js';

export const redshiftMock = mockClient(RedshiftClient);
export const sfnMock = mockClient(SFNClient);
export const kmsMock = mockClient(KMSClient);
export const targetLookups = mockTargetLookups();

export const TASK_POLICY = 'test/fixtures/policies/task.yaml';
export const KEY_ARN =
  'arn:aws:kms:us-east-1:123456789012:key/0b6d4a3c-1111-4e5f-9a8b-7c6d5e4f3a2b';
export const CIPHERTEXT = Buffer.from('kms-ciphertext-of-the-password');
export const machineArn = (name: string) =>
  `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
export const executionArn = (name: string, run = 'run-2026-11-26') =>
  `arn:aws:states:us-east-1:123456789012:execution:${name}:${run}`;
export const NIGHTLY = executionArn('etl-nightly');

export type TaskHandler = Awaited<ReturnType<typeof loadTaskHandler>>;

export function describeAs(status: ExecutionStatus, stateMachine = 'etl-nightly') {
  sfnMock
    .on(DescribeExecutionCommand)
    .callsFake(async ({ executionArn: arn }: { executionArn: string }) => ({
      executionArn: arn,
      stateMachineArn: machineArn(stateMachine),
      status,
      startDate: new Date(),
    }));
}

/** An error as the Step Functions client throws it. */
export const sfnFault = (name: string) =>
  new SFNServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: name,
  });

/** The error a task invocation throws (what Step Functions sees as Error and Cause). */
export async function failureOf(run: Promise<unknown>): Promise<Error> {
  const outcome = await run.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('the task did not fail');
  return outcome;
}

/**
 * Before each test: Redshift issues, the example cluster answers, KMS encrypts, and the execution
 * is RUNNING with this function's credentials step open.
 */
export function answerAsAws(): void {
  for (const mock of [redshiftMock, sfnMock, kmsMock]) mock.reset();
  targetLookups.reset();
  redshiftMock.on(GetClusterCredentialsCommand).callsFake(async (input: { DbUser: string }) => ({
    DbUser: `IAMA:${input.DbUser}`,
    DbPassword: REDSHIFT_PASSWORD,
    Expiration: new Date(Date.now() + 900_000),
  }));
  redshiftMock.on(DescribeClustersCommand).resolves({
    Clusters: [
      {
        Endpoint: {
          Address: 'examplecluster.abc123.us-east-1.redshift.amazonaws.com',
          Port: 5439,
        },
      },
    ],
  });
  kmsMock.on(EncryptCommand).resolves({ CiphertextBlob: CIPHERTEXT, KeyId: KEY_ARN });
  describeAs('RUNNING');
  sfnMock
    .on(GetExecutionHistoryCommand)
    .resolves({ events: credentialsStepSdkHistory(lambdaContext.functionName, 'started') });
}
