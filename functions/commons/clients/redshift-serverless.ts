import type { ClientOptions } from '../../adapters/target-clients.js';
import { CLIENT_CONFIG } from './config.js';

/** Loaded on first use, so that a policy without Serverless targets never loads the client. */
export async function createRedshiftServerlessClient(options: ClientOptions = {}) {
  const { RedshiftServerlessClient } = await import('@aws-sdk/client-redshift-serverless');
  return new RedshiftServerlessClient({ ...CLIENT_CONFIG, ...options });
}
