import { startMoto } from './moto.js';
import { startRedshiftServerlessStub } from './redshift-serverless-stub.js';
import { LOCAL_REVOCATIONS_TABLE } from './revocations-table.js';
import { seedExample } from './seed.js';
import { startStepFunctionsStub } from './step-functions-stub.js';
import { stopEach } from './stop-each.js';

/** The AWS side of a local run: moto_server, seeded, and the SDK pointed at it. */
export interface LocalAws {
  readonly endpoint: string;
  /** Where Redshift Serverless calls go: the local stub, unless the environment named one. */
  readonly serverlessEndpoint: string;
  /** Where Step Functions calls go: the history stub in front of the emulator, unless named. */
  readonly sfnEndpoint: string;
  /** Stops moto_server and the stubs if this process started them. */
  stop(): Promise<void>;
}

/**
 * Uses the emulator at AWS_ENDPOINT_URL when one is set, else starts moto_server on a free
 * loopback port; serves Redshift Serverless from a local stub (moto has none) unless
 * AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS names a server, and Step Functions execution histories
 * from a stub in front of the emulator unless AWS_ENDPOINT_URL_SFN names a server; seeds the
 * example resources (the revocations table, empty, among them); and gives
 * the SDK fake credentials and a region when the environment has none, so nothing can reach a
 * real AWS account by accident.
 */
export async function prepareLocalAws(): Promise<LocalAws> {
  const existing = process.env.AWS_ENDPOINT_URL;
  const moto = existing ? undefined : await startMoto();
  const endpoint = moto?.endpoint ?? existing ?? '';
  process.env.AWS_ENDPOINT_URL = endpoint;
  const serverless = process.env.AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS
    ? undefined
    : await startRedshiftServerlessStub();
  const serverlessEndpoint =
    serverless?.endpoint ?? process.env.AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS ?? '';
  process.env.AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS = serverlessEndpoint;
  const sfn = process.env.AWS_ENDPOINT_URL_SFN ? undefined : await startStepFunctionsStub(endpoint);
  const sfnEndpoint = sfn?.endpoint ?? process.env.AWS_ENDPOINT_URL_SFN ?? '';
  process.env.AWS_ENDPOINT_URL_SFN = sfnEndpoint;
  const stop = () => stopEach([() => sfn?.close(), () => serverless?.close(), () => moto?.stop()]);
  process.env.AWS_REGION ??= 'us-east-1';
  if (!process.env.AWS_ACCESS_KEY_ID) {
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  }
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.REVOCATIONS_TABLE ??= LOCAL_REVOCATIONS_TABLE;
  try {
    await seedExample(endpoint, process.env.AWS_REGION, sfnEndpoint);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, serverlessEndpoint, sfnEndpoint, stop };
}
