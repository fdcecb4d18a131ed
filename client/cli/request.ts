import type { VendorCredentials } from '../vendor-answer.js';
import { CredentialVendorClient } from '../vendor-client.js';
import { UsageError } from './errors.js';

export interface RequestOptions {
  endpoint?: string;
  region?: string;
  target?: string;
  database?: string;
  group?: string[];
  duration?: string;
}

/** A fresh credential from the vendor, for the request options the command was given. */
export async function requestCredentials(values: RequestOptions): Promise<VendorCredentials> {
  const endpoint = values.endpoint ?? process.env.REDSHIFT_CREDENTIALS_ENDPOINT;
  if (!endpoint) throw new UsageError('--endpoint (or REDSHIFT_CREDENTIALS_ENDPOINT) is required');
  const durationSeconds = values.duration === undefined ? undefined : Number(values.duration);
  if (durationSeconds !== undefined && !Number.isInteger(durationSeconds)) {
    throw new UsageError('--duration must be a whole number of seconds');
  }
  let client: CredentialVendorClient;
  try {
    client = new CredentialVendorClient({
      endpoint,
      ...(values.region && { region: values.region }),
    });
  } catch (error) {
    // The constructor's only refusals: an endpoint that is not a URL, and no region to sign for.
    throw new UsageError(
      /region/.test((error as Error).message)
        ? '--region (or AWS_REGION) is required when the endpoint is not an execute-api URL'
        : `--endpoint ${endpoint}: not a URL`,
    );
  }
  return client.getCredentials({
    ...(values.target && { target: values.target }),
    ...(values.database && { database: values.database }),
    ...(values.group && { dbGroups: values.group }),
    ...(durationSeconds !== undefined && { durationSeconds }),
  });
}
