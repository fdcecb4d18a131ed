import { CLIENT_CONFIG } from './config.js';

/** Loaded on first use, so that a policy without target roles never loads the client. */
export async function createStsClient() {
  const { STSClient } = await import('@aws-sdk/client-sts');
  return new STSClient(CLIENT_CONFIG);
}
