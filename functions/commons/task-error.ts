import { InternalError, VendorError } from '../domain/errors.js';

/**
 * The error a Step Functions task throws: `name` is the error code (what `Retry` and `Catch`
 * match), the message is the caller-safe one, and the stack is cut to that line, because Lambda
 * copies the stack into the execution history.
 */
export function taskError(error: unknown): Error {
  const vendorError = error instanceof VendorError ? error : new InternalError({ cause: error });
  const thrown = new Error(vendorError.message);
  thrown.name = vendorError.code;
  thrown.stack = `${vendorError.code}: ${vendorError.message}`;
  return thrown;
}
