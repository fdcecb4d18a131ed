import type { ErrorCode } from '../contract.js';

/**
 * Base of every error the vendor reports to a caller. `name` is the code, so a state machine can
 * `Retry`/`Catch` by it; `message` is safe to show the caller; `cause` keeps the original error.
 */
export abstract class VendorError extends Error {
  protected constructor(
    readonly code: ErrorCode,
    readonly statusCode: number,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = code;
  }
}

/** The request is malformed: bad JSON, wrong types, unknown fields, out-of-range values. */
export class InvalidRequestError extends VendorError {
  constructor(message: string, options?: ErrorOptions) {
    super('InvalidRequest', 400, message, options);
  }
}

/**
 * The caller may not have these credentials. `reason` (and `rule`, when one matched) go to the
 * audit log only: the caller gets a message that does not reveal which targets or rules exist.
 */
export class AccessDeniedError extends VendorError {
  constructor(
    readonly reason: string,
    readonly rule?: string,
    message = 'The caller is not allowed these database credentials',
  ) {
    super('AccessDenied', 403, message);
  }
}

/** Redshift kept throttling after the SDK's retries; the caller should retry after a pause. */
export class ThrottledError extends VendorError {
  constructor(
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super('Throttled', 429, 'Redshift is throttling; retry later', options);
  }
}

/**
 * Redshift (or STS, Step Functions, KMS) refused or failed the request, or replied with something
 * unusable. `detail` (the role assumed, say) goes to the audit log only, never to the caller.
 */
export class UpstreamError extends VendorError {
  readonly detail: string | undefined;

  constructor(message: string, options?: ErrorOptions & { detail?: string }) {
    super('UpstreamError', 502, message, options);
    this.detail = options?.detail;
  }
}

/** One problem found in the access policy, located by rule and field for the log. */
export interface PolicyProblem {
  /** Where in the document: `rules[2].dbUser`, `targets.analytics.port`, `(file)`. */
  readonly field: string;
  /** The rule's index and name when the problem is inside a rule. */
  readonly rule?: string;
  readonly problem: string;
}

/**
 * The access policy (or the function's settings, `file` "(environment)") could not be loaded.
 * Every request is refused while it stands; the details go to the log, the caller only learns
 * that the configuration is invalid.
 */
export class PolicyError extends VendorError {
  constructor(
    readonly file: string,
    readonly problems: readonly PolicyProblem[],
    options?: ErrorOptions,
    message = 'The access policy is invalid; see the function log',
  ) {
    super('PolicyError', 500, message, options);
  }
}

/** Anything unexpected; the caller gets no detail. */
export class InternalError extends VendorError {
  constructor(options?: ErrorOptions) {
    super('InternalError', 500, 'Internal error', options);
  }
}
