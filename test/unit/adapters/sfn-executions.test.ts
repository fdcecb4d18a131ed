import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  SFNClient,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { sfnExecutions } from '../../../functions/adapters/sfn-executions.js';
import { AccessDeniedError, UpstreamError } from '../../../functions/domain/errors.js';

const sfnMock = mockClient(SFNClient);
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:example-etl:run-1';
const MACHINE = 'arn:aws:states:us-east-1:123456789012:stateMachine:example-etl';

const accessDenied = () =>
  new SFNServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'not authorized',
  });

describe('sfnExecutions', () => {
  beforeEach(() => sfnMock.reset());

  it('reports the status and state machine Step Functions describes', async () => {
    sfnMock
      .on(DescribeExecutionCommand, { executionArn: EXECUTION })
      .resolves({ status: 'RUNNING', stateMachineArn: MACHINE, executionArn: EXECUTION });

    const description = await sfnExecutions(new SFNClient({})).describe(EXECUTION);

    expect(description).toEqual({ status: 'RUNNING', stateMachineArn: MACHINE });
  });

  it.each([
    [
      'an execution that does not exist',
      () => new ExecutionDoesNotExist({ message: 'no such execution', $metadata: {} }),
      'the execution does not exist',
    ],
    [
      'an execution the vendor may not describe',
      accessDenied,
      'the vendor may not describe this execution',
    ],
  ])('denies %s', async (_, fault, reason) => {
    sfnMock.on(DescribeExecutionCommand).rejects(fault());

    const error = await sfnExecutions(new SFNClient({}))
      .describe(EXECUTION)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ reason });
  });

  it('reports any other failure as Step Functions failing', async () => {
    sfnMock.on(DescribeExecutionCommand).rejects(new Error('socket hang up'));

    await expect(sfnExecutions(new SFNClient({})).describe(EXECUTION)).rejects.toThrow(
      new UpstreamError('Step Functions DescribeExecution failed: Error'),
    );
  });
});
