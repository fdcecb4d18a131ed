import { EncryptCommand } from '@aws-sdk/client-kms';
import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { HISTORY_EVENTS_SEARCHED } from '#domain/execution.js';
import { EXAMPLE_CONNECTION } from '#fixtures/example-connection.js';
import { credentialsStepSdkHistory } from '#fixtures/execution-history.js';
import { REDSHIFT_PASSWORD } from '#fixtures/redshift-password.js';
import {
  type CapturedOutput,
  captureOutput,
  lambdaContext,
  loadTaskHandler,
} from '#support/lambda.js';
import {
  answerAsAws,
  CIPHERTEXT,
  failureOf,
  KEY_ARN,
  kmsMock,
  NIGHTLY,
  redshiftMock,
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

  it('issues a running execution of an allowed state machine its credential, password encrypted', async () => {
    const result = await handle({
      executionArn: NIGHTLY,
      target: 'analytics',
      dbGroups: ['etl_rw'],
    });

    expect(result).toEqual({
      dbUser: 'IAMA:wf_etl-nightly',
      expiration: expect.stringMatching(/Z$/),
      ...EXAMPLE_CONNECTION,
      dbGroups: ['etl_rw'],
      executionArn: NIGHTLY,
      encryptedPassword: CIPHERTEXT.toString('base64'),
      keyId: KEY_ARN,
      requestId: lambdaContext.awsRequestId,
    });
    expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)[0]?.args[0].input).toEqual({
      ClusterIdentifier: 'examplecluster',
      DbUser: 'wf_etl-nightly',
      DbName: 'exampledb',
      DbGroups: ['etl_rw'],
      DurationSeconds: 900,
      AutoCreate: true,
    });
  });

  it('encrypts exactly the issued password under the configured key, bound to the execution', async () => {
    await handle({ executionArn: NIGHTLY });

    const [encrypt] = kmsMock.commandCalls(EncryptCommand);
    const input = encrypt?.args[0].input;
    expect(input?.KeyId).toBe('alias/task-output');
    expect(input?.EncryptionContext).toEqual({ executionArn: NIGHTLY });
    expect(Buffer.from(input?.Plaintext ?? new Uint8Array()).toString('utf8')).toBe(
      REDSHIFT_PASSWORD,
    );
  });

  it('never puts the password in the output Step Functions stores, nor in any log line', async () => {
    const result = await handle({ executionArn: NIGHTLY });

    expect(JSON.stringify(result)).not.toContain(REDSHIFT_PASSWORD);
    expect(output.text()).not.toContain(REDSHIFT_PASSWORD);
  });

  it('refuses a running execution whose history shows no open task of this function, as when another invoker names it', async () => {
    // A direct invocation naming workflow A's execution while A runs some other step.
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolves({ events: credentialsStepSdkHistory(lambdaContext.functionName, 'succeeded') });

    const error = await failureOf(handle({ executionArn: NIGHTLY }));

    expect(error.name).toBe('AccessDenied');
    expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
    expect(output).toHaveLogged({
      decision: 'denied',
      reason: `the execution's newest ${HISTORY_EVENTS_SEARCHED} history events show no open lambda:invoke task of this function`,
    });
  });

  it.each(['scheduled', 'started'] as const)(
    'issues while the task invoking this very function is %s',
    async (stage) => {
      sfnMock
        .on(GetExecutionHistoryCommand)
        .resolves({ events: credentialsStepSdkHistory(lambdaContext.invokedFunctionArn, stage) });

      await expect(handle({ executionArn: NIGHTLY })).resolves.toMatchObject({
        dbUser: 'IAMA:wf_etl-nightly',
      });
    },
  );

  it('refuses the task of another function that happens to be open', async () => {
    sfnMock
      .on(GetExecutionHistoryCommand)
      .resolves({ events: credentialsStepSdkHistory('some-other-function', 'started') });

    expect((await failureOf(handle({ executionArn: NIGHTLY }))).name).toBe('AccessDenied');
  });
});
