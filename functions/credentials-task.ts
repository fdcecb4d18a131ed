import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { TaskCredentials } from '../client/task-credentials.js';
import { createKmsClient } from './commons/clients/kms.js';
import { createRedshiftClient } from './commons/clients/redshift.js';
import { createSfnClient } from './commons/clients/sfn.js';
import { logger } from './commons/logger.js';
import { loadPolicyOrFailClosed } from './commons/policy-loader.js';
import { taskError } from './commons/task-error.js';
import { clusterEndpoints } from './domain/cluster-endpoints.js';
import { VendorError } from './domain/errors.js';
import { executionPrincipal } from './domain/execution.js';
import { taskCredentials } from './domain/task-output.js';
import { parseTaskPayload } from './domain/task-payload.js';
import { type AuditRecord, vendCredentials } from './domain/vend.js';

// Created once per container and reused by warm invocations.
const redshift = createRedshiftClient();
const sfn = createSfnClient();
const taskOutput = { kms: createKmsClient(), keyId: process.env.TASK_OUTPUT_KEY_ID };
const dependencies = {
  policy: loadPolicyOrFailClosed(),
  redshift,
  endpoints: clusterEndpoints(redshift),
  audit: (record: AuditRecord) => logger.info('Credential decision', { ...record }),
};

/**
 * Step Functions task (`arn:aws:states:::lambda:invoke`, payload `{ "executionArn.$":
 * "$$.Execution.Id", … }`): the RUNNING execution's state machine is the caller. Failures are
 * thrown with `name` set to the error code, for the workflow's Retry and Catch.
 */
const lambdaHandler = async (payload: unknown, context: Context): Promise<TaskCredentials> => {
  const executionArn = (payload as { executionArn?: unknown } | null)?.executionArn;
  logger.setCorrelationId(typeof executionArn === 'string' ? executionArn : context.awsRequestId);
  let parsed: ReturnType<typeof parseTaskPayload> | undefined;
  const task = () => {
    parsed ??= parseTaskPayload(payload);
    return parsed;
  };
  try {
    return await vendCredentials(
      dependencies,
      {
        identify: () => executionPrincipal(sfn, task().executionArn),
        readRequest: () => task().request,
        requestId: context.awsRequestId,
      },
      (issuance) => taskCredentials(issuance, task().executionArn, taskOutput),
    );
  } catch (error) {
    if (!(error instanceof VendorError)) logger.error('Unexpected failure', { error });
    throw taskError(error);
  }
};

export const handler = middy(lambdaHandler).use(injectLambdaContext(logger, { resetKeys: true }));
