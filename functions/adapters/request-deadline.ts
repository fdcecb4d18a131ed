/**
 * One deadline for all the AWS calls a request makes. The handler sets it; the domain passes it
 * to every port; every adapter races its SDK call against it. So a request whose calls hang
 * ends, with an UpstreamError, when its budget runs out, however many calls it makes in a row
 * and however the SDK retries them. (The call itself is left to its own timeouts: handing the
 * SDK an abort signal would make it resolve its middleware on every call, which its cache
 * otherwise saves.) A lookup shared by concurrent requests (a cached target or role) runs under
 * the deadline of the request that started it.
 */

/**
 * API Gateway answers 504 after 29 s, the cold start included: an API request's AWS calls get
 * at most this much between them, so the caller always hears the function's own answer.
 */
export const API_REQUEST_BUDGET_MS = 24_000;

/** Time kept back from a request's budget for answering after its last AWS call. */
export const ANSWER_MARGIN_MS = 1_000;

/**
 * The deadline (epoch milliseconds) of a request: the Lambda's remaining time less the answer's
 * margin, at most `capMs` away.
 */
export function requestDeadline(
  context: { getRemainingTimeInMillis(): number },
  capMs = Number.POSITIVE_INFINITY,
): number {
  return Date.now() + Math.min(capMs, context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS);
}

/**
 * `call`, or an AbortError once `deadline` has passed, whichever comes first (the SDK's own
 * retries and waits included).
 */
export function beforeDeadline<T>(call: Promise<T>, deadline: number | undefined): Promise<T> {
  if (deadline === undefined) return call;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(Object.assign(new Error('the request has no time left'), { name: 'AbortError' })),
      Math.max(deadline - Date.now(), 0),
    );
  });
  const answer = Promise.resolve(call);
  // A call still running when the deadline passes ends on its own timeouts, unheard.
  answer.catch(() => {});
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}
