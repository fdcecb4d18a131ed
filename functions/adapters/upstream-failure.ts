import { isThrottlingError } from '@smithy/core/retry';
import { ThrottledError, UpstreamError, type VendorError } from '../domain/errors.js';

/** Seconds a throttled caller is asked to wait; the SDK has already backed off and retried. */
export const THROTTLED_RETRY_AFTER_SECONDS = 2;

/**
 * Translates what an AWS call threw (after the SDK's own retries) into the vendor's error:
 * throttling becomes Throttled (429), anything else UpstreamError (502). The message names the
 * operation and the error's name only, never the upstream message; `detail` (which role, which
 * account) is for the audit log alone.
 */
export function upstreamFailure(
  operation: string,
  error: unknown,
  service = 'Redshift',
  detail?: string,
): VendorError {
  const named = error instanceof Error ? error : new Error(String(error));
  // SDK errors carry $metadata/$retryable; isThrottlingError reads them when present.
  if (isThrottlingError(named as Parameters<typeof isThrottlingError>[0])) {
    return new ThrottledError(THROTTLED_RETRY_AFTER_SECONDS, { cause: error });
  }
  // The request's deadline (request-deadline.ts) ended the call and its retries.
  if (named.name === 'AbortError') {
    return new UpstreamError(`${service} ${operation} did not answer within the request's time`, {
      cause: error,
      ...(detail !== undefined && { detail }),
    });
  }
  return new UpstreamError(`${service} ${operation} failed: ${named.name}`, {
    cause: error,
    ...(detail !== undefined && { detail }),
  });
}
