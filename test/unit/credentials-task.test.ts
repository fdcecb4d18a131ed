import { readdirSync, readFileSync } from 'node:fs';
import { EncryptCommand, KMSClient, KMSServiceException } from '@aws-sdk/client-kms';
import {
  DescribeClustersCommand,
  GetClusterCredentialsCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  SFNClient,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
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
import { redshiftFaults } from '#support/redshift-faults.js';
import { mockTargetLookups } from '#support/target-mocks.js';

const redshiftMock = mockClient(RedshiftClient);
const sfnMock = mockClient(SFNClient);
const kmsMock = mockClient(KMSClient);
const targetLookups = mockTargetLookups();

const TASK_POLICY = 'test/fixtures/policies/task.yaml';
const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/0b6d4a3c-1111-4e5f-9a8b-7c6d5e4f3a2b';
const CIPHERTEXT = Buffer.from('kms-ciphertext-of-the-password');
const machineArn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
const executionArn = (name: string, run = 'run-2026-11-26') =>
  `arn:aws:states:us-east-1:123456789012:execution:${name}:${run}`;
const NIGHTLY = executionArn('etl-nightly');

type TaskHandler = Awaited<ReturnType<typeof loadTaskHandler>>;

function describeAs(status: ExecutionStatus, stateMachine = 'etl-nightly') {
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
const sfnFault = (name: string) =>
  new SFNServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: name,
  });

/** The error a task invocation throws (what Step Functions sees as Error and Cause). */
async function failureOf(run: Promise<unknown>): Promise<Error> {
  const outcome = await run.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error('the task did not fail');
  return outcome;
}

describe('credentials-task handler', () => {
  let handle: TaskHandler;
  let output: CapturedOutput;

  beforeEach(async () => {
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

  it('audits the decision with the state machine as principal and the execution as correlation id', async () => {
    await handle({ executionArn: NIGHTLY });

    expect(output.logLines().filter((line) => line.message === 'Credential decision')).toEqual([
      expect.objectContaining({
        decision: 'issued',
        principal: machineArn('etl-nightly'),
        rule: 'nightly-etl',
        dbUser: 'IAMA:wf_etl-nightly',
        correlation_id: NIGHTLY,
      }),
    ]);
  });

  it('denies a running execution of a state machine no rule allows', async () => {
    describeAs('RUNNING', 'etl-adhoc');

    const error = await failureOf(handle({ executionArn: executionArn('etl-adhoc') }));

    expect(error.name).toBe('AccessDenied');
    expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
  });

  it.each(['SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'] as const)(
    'denies a %s execution',
    async (status) => {
      describeAs(status);

      const error = await failureOf(handle({ executionArn: NIGHTLY }));

      expect(error.name).toBe('AccessDenied');
      expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
      expect(output).toHaveLogged({
        decision: 'denied',
        reason: `the execution is ${status}, not RUNNING`,
      });
    },
  );

  it('denies an execution that does not exist', async () => {
    sfnMock
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: 'Execution Does Not Exist', $metadata: {} }));

    const error = await failureOf(
      handle({ executionArn: executionArn('etl-nightly', 'forged-run') }),
    );

    expect(error.name).toBe('AccessDenied');
  });

  it('denies an execution the vendor may not describe', async () => {
    sfnMock.on(DescribeExecutionCommand).rejects(sfnFault('AccessDeniedException'));

    expect((await failureOf(handle({ executionArn: NIGHTLY }))).name).toBe('AccessDenied');
  });

  it.each([
    ['a state machine ARN', machineArn('etl-nightly')],
    ['an API caller ARN', 'arn:aws:iam::123456789012:user/alice'],
    ['text', 'nightly'],
    ['an ARN with an extra part', `${NIGHTLY}:extra`],
    [
      'an Express execution',
      'arn:aws:states:us-east-1:123456789012:express:etl-nightly:run-1:0b6d4a3c',
    ],
  ])('refuses %s as executionArn without asking Step Functions', async (_, arn) => {
    const error = await failureOf(handle({ executionArn: arn }));

    expect(error.name).toBe('InvalidRequest');
    expect(error.message).toMatch(/^executionArn: /);
    expect(sfnMock.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });

  it.each([
    [
      'a forged requestContext',
      { requestContext: { identity: { userArn: 'arn:aws:iam::123456789012:user/admin' } } },
    ],
    ['a principal', { principal: machineArn('locked-down') }],
    ['a stateMachineArn', { stateMachineArn: machineArn('locked-down') }],
    ['a taskOutput override', { taskOutput: 'plaintext' }],
  ])('rejects %s in the payload as an unknown field', async (_, extra) => {
    const error = await failureOf(handle({ executionArn: NIGHTLY, ...extra }));

    expect(error.name).toBe('InvalidRequest');
    expect(sfnMock.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });

  it.each([
    ['no payload', null],
    ['no executionArn', { target: 'analytics' }],
    ['a durationSeconds out of range', { executionArn: NIGHTLY, durationSeconds: 60 }],
  ])('rejects %s as InvalidRequest', async (_, payload) => {
    expect((await failureOf(handle(payload))).name).toBe('InvalidRequest');
  });

  it.each(readdirSync('events').filter((file) => file.startsWith('task-')))(
    'answers the sample event events/%s under the example policy',
    async (file) => {
      const payload = JSON.parse(readFileSync(`events/${file}`, 'utf8')) as {
        executionArn: string;
      };
      describeAs('RUNNING', payload.executionArn.split(':')[6]);
      handle = await loadTaskHandler('local/policy.yaml', 'alias/task-output');

      const result = await handle(payload);

      expect(result).toMatchObject({
        executionArn: payload.executionArn,
        encryptedPassword: expect.any(String),
      });
    },
  );

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
