import { describe, expect, it } from 'vitest';
import { AccessDeniedError, InvalidRequestError } from '#domain/errors.js';
import { executionPrincipal, HISTORY_EVENTS_SEARCHED } from '#domain/execution.js';
import { credentialsStepEvents, fakeExecutions } from '#support/fakes.js';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:example-etl';
const RUNNING = 'arn:aws:states:us-east-1:123456789012:execution:example-etl:run-1';
const FINISHED = 'arn:aws:states:us-east-1:123456789012:execution:example-etl:run-0';
const SELF = 'arn:aws:lambda:us-east-1:123456789012:function:vendor-credentials-task';

const running = (history: ReturnType<typeof credentialsStepEvents>) =>
  fakeExecutions({ [RUNNING]: { status: 'RUNNING', stateMachineArn: MACHINE, history } });
const executions = fakeExecutions({
  [RUNNING]: {
    status: 'RUNNING',
    stateMachineArn: MACHINE,
    history: credentialsStepEvents('vendor-credentials-task'),
  },
  [FINISHED]: { status: 'SUCCEEDED', stateMachineArn: MACHINE },
});
const invocation = (executionArn: string) => ({ executionArn, functionArn: SELF });

describe('executionPrincipal', () => {
  it('makes the running execution’s state machine the caller, with its variables', async () => {
    const principal = await executionPrincipal(executions, invocation(RUNNING));

    expect(principal).toEqual({
      arn: MACHINE,
      kind: 'state-machine',
      matchArns: [MACHINE],
      variables: { accountId: '123456789012', stateMachineName: 'example-etl' },
    });
  });

  it('refuses an execution that is no longer running', async () => {
    await expect(executionPrincipal(executions, invocation(FINISHED))).rejects.toMatchObject({
      reason: 'the execution is SUCCEEDED, not RUNNING',
    });
  });

  it('refuses an Express execution as an invalid request, without describing it', async () => {
    const express = 'arn:aws:states:us-east-1:123456789012:express:example-etl:run-1:abc';

    await expect(executionPrincipal(executions, invocation(express))).rejects.toThrow(
      /Express workflow executions cannot be described/,
    );
  });

  it.each([
    'arn:aws:iam::123456789012:role/etl-loader',
    'arn:aws:states:us-east-1:123456789012:stateMachine:example-etl',
    'not an arn',
  ])('refuses %s as not an execution ARN', async (arn) => {
    await expect(executionPrincipal(executions, invocation(arn))).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });

  it('refuses a running execution whose state machine ARN is not one', async () => {
    const odd = fakeExecutions({
      [RUNNING]: {
        status: 'RUNNING',
        stateMachineArn: 'arn:aws:iam::123456789012:user/x',
        history: credentialsStepEvents(SELF),
      },
    });

    await expect(executionPrincipal(odd, invocation(RUNNING))).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
  });
});

describe('executionPrincipal, the open task of this function', () => {
  it.each([
    ['its name', 'vendor-credentials-task'],
    ['its name and an alias', 'vendor-credentials-task:live'],
    ['its ARN', SELF],
    ['its ARN and a version', `${SELF}:7`],
    ['its partial ARN', '123456789012:function:vendor-credentials-task'],
  ])('accepts a started task that names the function by %s', async (_, functionName) => {
    const principal = await executionPrincipal(
      running(credentialsStepEvents(functionName)),
      invocation(RUNNING),
    );

    expect(principal.arn).toBe(MACHINE);
  });

  it('accepts a task scheduled and not yet started', async () => {
    const scheduledOnly = credentialsStepEvents(SELF).slice(1);

    await expect(
      executionPrincipal(running(scheduledOnly), invocation(RUNNING)),
    ).resolves.toMatchObject({ arn: MACHINE });
  });

  it.each([
    ['another function', 'etl-loader'],
    [
      'a function of the same name in another account',
      'arn:aws:lambda:us-east-1:210987654321:function:vendor-credentials-task',
    ],
    [
      'a function of the same name in another region',
      'arn:aws:lambda:eu-west-1:123456789012:function:vendor-credentials-task',
    ],
    ['a function whose name only starts the same', 'vendor-credentials-task-old'],
  ])('refuses a running execution whose open task invokes %s', async (_, functionName) => {
    await expect(
      executionPrincipal(running(credentialsStepEvents(functionName)), invocation(RUNNING)),
    ).rejects.toMatchObject({
      reason: `the execution's newest ${HISTORY_EVENTS_SEARCHED} history events show no open lambda:invoke task of this function`,
    });
  });

  it.each(['TaskSucceeded', 'TaskFailed', 'TaskTimedOut'])(
    'refuses a running execution whose task of this function has ended (%s)',
    async (end) => {
      await expect(
        executionPrincipal(running(credentialsStepEvents(SELF, end)), invocation(RUNNING)),
      ).rejects.toBeInstanceOf(AccessDeniedError);
    },
  );

  it('refuses a task that failed to start', async () => {
    const [, , ...scheduled] = credentialsStepEvents(SELF);
    const history = [{ id: 4, type: 'TaskStartFailed', previousEventId: 3 }, ...scheduled];

    await expect(executionPrincipal(running(history), invocation(RUNNING))).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
  });

  it('refuses a running execution that has no task at all, as when someone else names it', async () => {
    const history = [{ id: 1, type: 'ExecutionStarted', previousEventId: 0 }];

    await expect(executionPrincipal(running(history), invocation(RUNNING))).rejects.toBeInstanceOf(
      AccessDeniedError,
    );
  });

  it('searches only the newest events: an open task further back is not found', async () => {
    const newer = Array.from({ length: HISTORY_EVENTS_SEARCHED }, (_, i) => ({
      id: 10_000 - i,
      type: 'MapIterationSucceeded',
      previousEventId: 9_999 - i,
    }));

    await expect(
      executionPrincipal(running([...newer, ...credentialsStepEvents(SELF)]), invocation(RUNNING)),
    ).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(
      executionPrincipal(
        running([...newer.slice(2), ...credentialsStepEvents(SELF)]),
        invocation(RUNNING),
      ),
    ).resolves.toMatchObject({ arn: MACHINE });
  });

  it('finds the open one among several tasks of the function, one of them ended', async () => {
    const ended = credentialsStepEvents(SELF, 'TaskSucceeded').map((event) => ({
      ...event,
      id: event.id + 10,
      previousEventId: (event.previousEventId ?? 0) + 10,
    }));
    const open = credentialsStepEvents(SELF).slice(0, 2);

    await expect(
      executionPrincipal(running([...ended.slice(0, 3), ...open]), invocation(RUNNING)),
    ).resolves.toMatchObject({ arn: MACHINE });
    await expect(
      executionPrincipal(running(ended.slice(0, 3)), invocation(RUNNING)),
    ).rejects.toBeInstanceOf(AccessDeniedError);
  });
});
