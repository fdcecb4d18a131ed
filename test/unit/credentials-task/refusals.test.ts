import { readdirSync, readFileSync } from 'node:fs';
import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import { DescribeExecutionCommand, ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { type CapturedOutput, captureOutput, loadTaskHandler } from '#support/lambda.js';
import {
  answerAsAws,
  describeAs,
  executionArn,
  failureOf,
  machineArn,
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
});
