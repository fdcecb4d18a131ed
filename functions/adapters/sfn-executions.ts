import { DescribeExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { AccessDeniedError } from '../domain/errors.js';
import type { ExecutionLookup } from '../domain/ports.js';
import { upstreamFailure } from './upstream-failure.js';

/** Step Functions answers that mean "not this caller", as opposed to "Step Functions failed". */
const DENYING_ERRORS: Record<string, string> = {
  ExecutionDoesNotExist: 'the execution does not exist',
  AccessDeniedException: 'the vendor may not describe this execution',
  InvalidArn: 'the execution ARN is not valid',
};

/** Describes executions with Step Functions DescribeExecution. */
export function sfnExecutions(sfn: SFNClient): ExecutionLookup {
  return {
    async describe(executionArn) {
      try {
        const { status, stateMachineArn } = await sfn.send(
          new DescribeExecutionCommand({ executionArn }),
        );
        return { status, stateMachineArn };
      } catch (error) {
        const reason = DENYING_ERRORS[error instanceof Error ? error.name : ''];
        if (reason !== undefined) throw new AccessDeniedError(reason);
        throw upstreamFailure('DescribeExecution', error, 'Step Functions');
      }
    },
  };
}
