import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One deadline for all the AWS calls a request makes. The handler runs the request inside
 * `withDeadline`; every adapter passes `deadline()` to its SDK `send`, whose retries and waits
 * stop when the signal aborts. So a request whose calls hang ends, with an UpstreamError, when
 * its budget runs out, however many calls it makes in a row and however the SDK retries them.
 * A lookup shared by concurrent requests (a cached target or role) runs under the deadline of
 * the request that started it.
 */
const current = new AsyncLocalStorage<AbortSignal>();

/** Runs `work` with its AWS calls aborted `budgetMs` from now. */
export function withDeadline<T>(budgetMs: number, work: () => Promise<T>): Promise<T> {
  return current.run(AbortSignal.timeout(Math.max(budgetMs, 0)), work);
}

/** The `send` options that hold a call to the current request's deadline. */
export function deadline(): { abortSignal?: AbortSignal } {
  const signal = current.getStore();
  return signal === undefined ? {} : { abortSignal: signal };
}

/**
 * API Gateway answers 504 after 29 s, the cold start included: an API request's AWS calls get
 * at most this much between them, so the caller always hears the function's own answer.
 */
export const API_REQUEST_BUDGET_MS = 24_000;

/** Time kept back from a request's budget for answering after its last AWS call. */
export const ANSWER_MARGIN_MS = 1_000;

/** A request's budget: the Lambda's remaining time less the answer's margin, at most `capMs`. */
export function requestBudgetMs(
  context: { getRemainingTimeInMillis(): number },
  capMs = Number.POSITIVE_INFINITY,
): number {
  return Math.min(capMs, context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS);
}
