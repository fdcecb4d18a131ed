import { startMoto } from './moto.js';
import { seedExample } from './seed.js';

/** The AWS side of a local run: moto_server, seeded, and the SDK pointed at it. */
export interface LocalAws {
  readonly endpoint: string;
  /** Stops moto_server if this process started it. */
  stop(): Promise<void>;
}

/**
 * Uses the emulator at AWS_ENDPOINT_URL when one is set, else starts moto_server on a free
 * loopback port; seeds the example resources; and gives the SDK fake credentials and a region
 * when the environment has none, so nothing can reach a real AWS account by accident.
 */
export async function prepareLocalAws(): Promise<LocalAws> {
  const existing = process.env.AWS_ENDPOINT_URL;
  const moto = existing ? undefined : await startMoto();
  const endpoint = moto?.endpoint ?? existing ?? '';
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_REGION ??= 'us-east-1';
  if (!process.env.AWS_ACCESS_KEY_ID) {
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  try {
    await seedExample(endpoint, process.env.AWS_REGION);
  } catch (error) {
    await moto?.stop();
    throw error;
  }
  return { endpoint, stop: async () => moto?.stop() };
}
