import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SFNClient,
  SFNServiceException,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { sfnExecutionLookup } from '#adapters/sfn-execution-lookup.js';
import { AccessDeniedError, UpstreamError } from '#domain/errors.js';
import type { HistoryEvent } from '#domain/ports.js';
import { credentialsStepSdkHistory } from '#fixtures/execution-history.js';

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

describe('sfnExecutionLookup', () => {
  beforeEach(() => sfnMock.reset());

  it('reports the status and state machine Step Functions describes', async () => {
    sfnMock
      .on(DescribeExecutionCommand, { executionArn: EXECUTION })
      .resolves({ status: 'RUNNING', stateMachineArn: MACHINE, executionArn: EXECUTION });

    const description = await sfnExecutionLookup(new SFNClient({})).describe(EXECUTION);

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

    const error = await sfnExecutionLookup(new SFNClient({}))
      .describe(EXECUTION)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error).toMatchObject({ reason });
  });

  it('reports any other failure as Step Functions failing', async () => {
    sfnMock.on(DescribeExecutionCommand).rejects(new Error('socket hang up'));

    await expect(sfnExecutionLookup(new SFNClient({})).describe(EXECUTION)).rejects.toThrow(
      new UpstreamError('Step Functions DescribeExecution failed: Error'),
    );
  });

  describe('newestEvents', () => {
    const FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:vendor-credentials-task';

    async function read(events: AsyncIterable<HistoryEvent>, count = Infinity) {
      const read: HistoryEvent[] = [];
      for await (const event of events) {
        read.push(event);
        if (read.length >= count) break;
      }
      return read;
    }

    it('reads the history newest first, with the FunctionName each lambda:invoke task names', async () => {
      sfnMock
        .on(GetExecutionHistoryCommand, { executionArn: EXECUTION, reverseOrder: true })
        .resolves({ events: credentialsStepSdkHistory(FUNCTION, 'started') });

      const events = await read(sfnExecutionLookup(new SFNClient({})).newestEvents(EXECUTION));

      expect(events).toEqual([
        { id: 4, type: 'TaskStarted', previousEventId: 3 },
        { id: 3, type: 'TaskScheduled', previousEventId: 2, invokedFunction: FUNCTION },
        { id: 2, type: 'TaskStateEntered', previousEventId: 0 },
        { id: 1, type: 'ExecutionStarted', previousEventId: 0 },
      ]);
    });

    it('reads further pages only while they are consumed', async () => {
      const [newest, ...older] = credentialsStepSdkHistory(FUNCTION, 'started');
      sfnMock
        .on(GetExecutionHistoryCommand)
        .resolves({ events: newest ? [newest] : [], nextToken: 'page-2' })
        .on(GetExecutionHistoryCommand, { nextToken: 'page-2' })
        .resolves({ events: older });

      const first = await read(sfnExecutionLookup(new SFNClient({})).newestEvents(EXECUTION), 1);
      const all = await read(sfnExecutionLookup(new SFNClient({})).newestEvents(EXECUTION));

      expect(first).toHaveLength(1);
      expect(all.map(({ id }) => id)).toEqual([4, 3, 2, 1]);
      expect(sfnMock.commandCalls(GetExecutionHistoryCommand)).toHaveLength(3);
    });

    it('names no function for a task that is not lambda:invoke, or whose parameters are not JSON', async () => {
      const [started, scheduled, ...rest] = credentialsStepSdkHistory(FUNCTION, 'started');
      const details = scheduled?.taskScheduledEventDetails;
      sfnMock.on(GetExecutionHistoryCommand).resolves({
        events: [
          ...(started ? [started] : []),
          {
            ...scheduled,
            taskScheduledEventDetails: {
              ...details,
              resourceType: 'ecs',
              resource: 'runTask.sync',
              region: 'us-east-1',
              parameters: details?.parameters,
            },
          },
          {
            ...scheduled,
            id: 30,
            taskScheduledEventDetails: {
              ...details,
              resourceType: 'lambda',
              resource: 'invoke',
              region: 'us-east-1',
              parameters: '{"FunctionName":',
            },
          },
          ...rest,
        ] as never,
      });

      const events = await read(sfnExecutionLookup(new SFNClient({})).newestEvents(EXECUTION));

      expect(events.filter((event) => event.invokedFunction !== undefined)).toEqual([]);
    });

    it('denies when the vendor may not read the history, and reports other failures as upstream', async () => {
      sfnMock
        .on(GetExecutionHistoryCommand)
        .rejectsOnce(accessDenied())
        .rejects(new Error('reset'));
      const lookup = sfnExecutionLookup(new SFNClient({}));

      await expect(read(lookup.newestEvents(EXECUTION))).rejects.toBeInstanceOf(AccessDeniedError);
      await expect(read(lookup.newestEvents(EXECUTION))).rejects.toThrow(
        new UpstreamError('Step Functions GetExecutionHistory failed: Error'),
      );
    });
  });
});
