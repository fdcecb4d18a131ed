import { RedshiftClient } from '@aws-sdk/client-redshift';

/**
 * Redshift client settings: standard retries (3 attempts, throttling backed off), and a socket
 * timeout so a hung call is abandoned well inside the function's 15 s timeout
 * (3 attempts x 3 s + backoff). Endpoints come from the standard AWS_ENDPOINT_URL* variables.
 */
export const REDSHIFT_CLIENT_CONFIG = {
  maxAttempts: 3,
  retryMode: 'standard',
  requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
} as const;

export const createRedshiftClient = () => new RedshiftClient(REDSHIFT_CLIENT_CONFIG);
