import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { API_REQUEST_BUDGET_MS, requestDeadline } from './adapters/request-deadline.js';
import {
  type ApiEvent,
  callerPrincipal,
  credentialsResponse,
  errorResponse,
  readJsonBody,
  requestIdOf,
} from './commons/api-gateway.js';
import { withLambdaContext } from './commons/middleware.js';
import { apiDependencies, logger } from './commons/wiring.js';
import { VendorError } from './domain/errors.js';
import { vendCredentials } from './domain/vend.js';

// Built once per container and reused by warm invocations.
const dependencies = await apiDependencies();

/** `POST /credentials`: the verified caller gets the database login its policy rule maps it to. */
const lambdaHandler = async (event: ApiEvent, context: Context): Promise<APIGatewayProxyResult> => {
  const requestId = requestIdOf(event, context);
  logger.setCorrelationId(requestId);
  const deadline = requestDeadline(context, API_REQUEST_BUDGET_MS);
  try {
    return await vendCredentials(
      dependencies,
      {
        identify: () => callerPrincipal(event, dependencies.api),
        readRequest: () => readJsonBody(event),
        requestId,
        deadline: deadline,
      },
      credentialsResponse,
    );
  } catch (error) {
    if (!(error instanceof VendorError)) logger.error('Unexpected failure', { error });
    return errorResponse(error, requestId);
  }
};

export const handler = withLambdaContext(lambdaHandler);
