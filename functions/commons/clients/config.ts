/**
 * Settings every AWS client of the functions shares: the SDK's standard retry mode (its default)
 * with 3 attempts, throttling backed off; and a socket timeout that fails the attempt (the SDK
 * only warns unless told to throw), so a hung call is abandoned and the function answers with an
 * error code instead of timing out. Each function's timeout in template.yaml covers its
 * sequential calls at their worst (a template test computes it from these settings). The middleware stack is resolved once per command class
 * instead of on every send (`cacheMiddleware`; nothing here changes a stack after the first
 * call), which the bench shows is a large share of a warm call (README, Performance).
 * Endpoints come from the standard AWS_ENDPOINT_URL* variables. One module per client keeps
 * each bundle to the clients it uses.
 */
export const CLIENT_CONFIG = {
  maxAttempts: 3,
  cacheMiddleware: true,
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000, throwOnRequestTimeout: true },
} as const;
