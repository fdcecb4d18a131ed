import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.js';

/**
 * A handler as Lambda calls it: the Lambda context on every log line. Two per-request costs
 * are left out on purpose. The logger's temporary keys are not reset after each request: the
 * only one is the correlation id, which each handler sets first thing, so no line carries a
 * previous request's. Middy's early-timeout timer is off: each function's timeout is set above
 * its worst case (retries and backoff included), so the timer would only ever be cleared.
 */
export function withLambdaContext<Event, Result>(
  handler: (event: Event, context: Context) => Promise<Result>,
) {
  return middy(handler, { timeoutEarlyInMillis: 0 }).use(injectLambdaContext(logger));
}
