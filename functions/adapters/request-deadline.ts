/**
 * One deadline for all the AWS calls a request makes. The handler starts it; the domain passes
 * its signal to every port; every adapter hands it to its SDK `send`, whose retries and waits
 * stop when it aborts. So a request whose calls hang ends, with an UpstreamError, when its
 * budget runs out, however many calls it makes in a row and however the SDK retries them. A
 * lookup shared by concurrent requests (a cached target or role) runs under the deadline of the
 * request that started it.
 */

/**
 * API Gateway answers 504 after 29 s, the cold start included: an API request's AWS calls get
 * at most this much between them, so the caller always hears the function's own answer.
 */
export const API_REQUEST_BUDGET_MS = 24_000;

/** Time kept back from a request's budget for answering after its last AWS call. */
export const ANSWER_MARGIN_MS = 1_000;

export interface Deadline {
  readonly signal: AbortSignal;
  /** Ends the deadline's timer once the request is answered. */
  end(): void;
}

/** A deadline at the Lambda's remaining time less the answer's margin, at most `capMs` away. */
export function requestDeadline(
  context: { getRemainingTimeInMillis(): number },
  capMs = Number.POSITIVE_INFINITY,
): Deadline {
  const budgetMs = Math.min(capMs, context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS);
  const controller = new AbortController();
  // A timer cleared at the end: cheaper per request than AbortSignal.timeout, which keeps one.
  const timer = setTimeout(
    () => controller.abort(new Error('the request has no time left')),
    Math.max(budgetMs, 0),
  );
  return { signal: controller.signal, end: () => clearTimeout(timer) };
}

/** The `send` options that hold a call to `signal`. */
export const within = (signal: AbortSignal | undefined): { abortSignal?: AbortSignal } =>
  signal === undefined ? {} : { abortSignal: signal };
