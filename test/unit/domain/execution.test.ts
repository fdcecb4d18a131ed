import { describe, expect, it } from 'vitest';
import { AccessDeniedError, InvalidRequestError } from '../../../functions/domain/errors.js';
import { executionPrincipal } from '../../../functions/domain/execution.js';
import { fakeExecutions } from '../../support/fakes.js';

const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:example-etl';
const RUNNING = 'arn:aws:states:us-east-1:123456789012:execution:example-etl:run-1';
const FINISHED = 'arn:aws:states:us-east-1:123456789012:execution:example-etl:run-0';

const executions = fakeExecutions({
  [RUNNING]: { status: 'RUNNING', stateMachineArn: MACHINE },
  [FINISHED]: { status: 'SUCCEEDED', stateMachineArn: MACHINE },
});

describe('executionPrincipal', () => {
  it('makes the running execution’s state machine the caller, with its variables', async () => {
    const principal = await executionPrincipal(executions, RUNNING);

    expect(principal).toEqual({
      arn: MACHINE,
      kind: 'state-machine',
      matchArns: [MACHINE],
      variables: { accountId: '123456789012', stateMachineName: 'example-etl' },
    });
  });

  it('refuses an execution that is no longer running', async () => {
    await expect(executionPrincipal(executions, FINISHED)).rejects.toMatchObject({
      reason: 'the execution is SUCCEEDED, not RUNNING',
    });
  });

  it('refuses an Express execution as an invalid request, without describing it', async () => {
    const express = 'arn:aws:states:us-east-1:123456789012:express:example-etl:run-1:abc';

    await expect(executionPrincipal(executions, express)).rejects.toThrow(
      /Express workflow executions cannot be described/,
    );
  });

  it.each([
    'arn:aws:iam::123456789012:role/etl-loader',
    'arn:aws:states:us-east-1:123456789012:stateMachine:example-etl',
    'not an arn',
  ])('refuses %s as not an execution ARN', async (arn) => {
    await expect(executionPrincipal(executions, arn)).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('refuses a running execution whose state machine ARN is not one', async () => {
    const odd = fakeExecutions({
      [RUNNING]: { status: 'RUNNING', stateMachineArn: 'arn:aws:iam::123456789012:user/x' },
    });

    await expect(executionPrincipal(odd, RUNNING)).rejects.toBeInstanceOf(AccessDeniedError);
  });
});
