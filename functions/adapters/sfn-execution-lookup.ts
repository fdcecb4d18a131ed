import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type SFNClient,
  type HistoryEvent as SfnHistoryEvent,
} from '@aws-sdk/client-sfn';
import { AccessDeniedError } from '../domain/errors.js';
import type { ExecutionLookup, HistoryEvent } from '../domain/ports.js';
import { beforeDeadline } from './request-deadline.js';
import { upstreamFailure } from './upstream-failure.js';

/** Step Functions answers that mean "not this caller", as opposed to "Step Functions failed". */
const DENYING_ERRORS: Record<string, string> = {
  ExecutionDoesNotExist: 'the execution does not exist',
  AccessDeniedException: 'the vendor may not describe this execution',
  InvalidArn: 'the execution ARN is not valid',
};

/** Events read per GetExecutionHistory page: the open task is almost always among the first. */
const PAGE_SIZE = 100;

function refusalOrFailure(operation: string, error: unknown): Error {
  const reason = DENYING_ERRORS[error instanceof Error ? error.name : ''];
  if (reason !== undefined) return new AccessDeniedError(reason);
  return upstreamFailure(operation, error, 'Step Functions');
}

/** The FunctionName of a scheduled `lambda:invoke` task, from its parameters (JSON text). */
function invokedFunction(event: SfnHistoryEvent): string | undefined {
  const details = event.taskScheduledEventDetails;
  if (details?.resourceType !== 'lambda' || !details.resource?.startsWith('invoke'))
    return undefined;
  try {
    const { FunctionName } = JSON.parse(details.parameters ?? '{}') as { FunctionName?: unknown };
    return typeof FunctionName === 'string' ? FunctionName : undefined;
  } catch {
    return undefined;
  }
}

/** Describes executions (DescribeExecution) and reads their history (GetExecutionHistory). */
export function sfnExecutionLookup(sfn: SFNClient): ExecutionLookup {
  return {
    async describe(executionArn, deadline) {
      try {
        const { status, stateMachineArn } = await beforeDeadline(
          sfn.send(new DescribeExecutionCommand({ executionArn })),
          deadline,
        );
        return { status, stateMachineArn };
      } catch (error) {
        throw refusalOrFailure('DescribeExecution', error);
      }
    },
    async *newestEvents(executionArn, deadline) {
      let nextToken: string | undefined;
      do {
        let events: SfnHistoryEvent[];
        try {
          ({ events = [], nextToken } = await beforeDeadline(
            sfn.send(
              new GetExecutionHistoryCommand({
                executionArn,
                reverseOrder: true,
                maxResults: PAGE_SIZE,
                ...(nextToken !== undefined && { nextToken }),
              }),
            ),
            deadline,
          ));
        } catch (error) {
          throw refusalOrFailure('GetExecutionHistory', error);
        }
        for (const event of events) {
          const found: HistoryEvent = {
            id: event.id ?? 0,
            type: event.type ?? '',
            ...(event.previousEventId !== undefined && { previousEventId: event.previousEventId }),
          };
          const functionName = invokedFunction(event);
          yield functionName === undefined ? found : { ...found, invokedFunction: functionName };
        }
      } while (nextToken !== undefined);
    },
  };
}
