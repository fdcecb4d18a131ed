import type { Context } from 'aws-lambda';
import { requestDeadline } from './adapters/request-deadline.js';
import { withLambdaContext } from './commons/middleware.js';
import { taskError } from './commons/task-error.js';
import { logger, taskDependencies } from './commons/wiring.js';
import type { TaskResult } from './contract.js';
import { VendorError } from './domain/errors.js';
import { executionPrincipal } from './domain/execution.js';
import { taskResult } from './domain/task-output.js';
import { parseTaskPayload } from './domain/task-payload.js';
import { vendCredentials } from './domain/vend.js';

// Built once per container and reused by warm invocations.
const dependencies = await taskDependencies();

/**
 * Step Functions task (`arn:aws:states:::lambda:invoke`, payload `{ "executionArn.$":
 * "$$.Execution.Id", … }`): the RUNNING execution's state machine is the caller. Failures are
 * thrown with `name` set to the error code, for the workflow's Retry and Catch.
 */
const lambdaHandler = async (payload: unknown, context: Context): Promise<TaskResult> => {
  const executionArn = (payload as { executionArn?: unknown } | null)?.executionArn;
  logger.setCorrelationId(typeof executionArn === 'string' ? executionArn : context.awsRequestId);
  let parsed: ReturnType<typeof parseTaskPayload> | undefined;
  const task = () => {
    parsed ??= parseTaskPayload(payload);
    return parsed;
  };
  // The calls end before Lambda's own timeout, so a workflow sees a named error, never a timeout.
  const deadline = requestDeadline(context);
  try {
    return await vendCredentials(
      dependencies,
      {
        identify: () =>
          executionPrincipal(
            dependencies.executions,
            { executionArn: task().executionArn, functionArn: context.invokedFunctionArn },
            deadline,
          ),
        readRequest: () => task().request,
        requestId: context.awsRequestId,
        deadline: deadline,
      },
      (issuance) => taskResult(issuance, task().executionArn, dependencies.encryptor, deadline),
    );
  } catch (error) {
    if (!(error instanceof VendorError)) logger.error('Unexpected failure', { error });
    throw taskError(error);
  }
};

export const handler = withLambdaContext(lambdaHandler);
