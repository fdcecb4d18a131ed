import type { CredentialsResult } from '../functions/contract.js';

/** Reading the vendor's answer: an issued login, or the error it (or API Gateway) gave. */

/**
 * An issued database login, as the API answers it with `expiration` as a Date. `dbUser` carries
 * Redshift's `IAM:`/`IAMA:` prefix: log in with it.
 */
export interface VendorCredentials extends Omit<CredentialsResult, 'expiration' | 'requestId'> {
  readonly expiration: Date;
  /**
   * The id of the request that issued it (the answer's `requestId`, else API Gateway's
   * `x-amzn-RequestId`): connections made with it carry `application_name` `rcv:<requestId>`.
   */
  readonly requestId?: string;
}

/** The vendor (or API Gateway in front of it) refused or failed; `code` is the server's. */
export class CredentialVendorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number | undefined,
    readonly requestId: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CredentialVendorError';
  }
}

export function errorOf(
  response: Response,
  payload: Record<string, unknown> | undefined,
  requestId: string | undefined,
): CredentialVendorError {
  const vendorError = payload?.error as { code?: unknown; message?: unknown } | undefined;
  if (typeof vendorError?.code === 'string') {
    const id = typeof payload?.requestId === 'string' ? payload.requestId : requestId;
    return new CredentialVendorError(
      vendorError.code,
      String(vendorError.message ?? ''),
      response.status,
      id,
    );
  }
  // API Gateway's own refusals: { message } and the error type in a header.
  const code = response.headers.get('x-amzn-errortype')?.split(':')[0] ?? `HTTP${response.status}`;
  const message = typeof payload?.message === 'string' ? payload.message : response.statusText;
  return new CredentialVendorError(code, message, response.status, requestId);
}

export function parseCredentials(
  payload: Record<string, unknown>,
  requestId: string | undefined,
): VendorCredentials {
  const {
    dbUser,
    dbPassword,
    expiration,
    target,
    clusterIdentifier,
    workgroupName,
    database,
    dbGroups,
    host,
    port,
    requestId: answeredId,
  } = payload;
  const expires = new Date(String(expiration));
  if (
    typeof dbUser !== 'string' ||
    typeof dbPassword !== 'string' ||
    Number.isNaN(expires.getTime()) ||
    typeof host !== 'string' ||
    typeof port !== 'number'
  ) {
    throw new CredentialVendorError(
      'InvalidResponse',
      'the vendor answered 200 without a credential',
      200,
      requestId,
    );
  }
  return {
    dbUser,
    dbPassword,
    expiration: expires,
    target: String(target),
    ...(typeof workgroupName === 'string'
      ? { workgroupName }
      : { clusterIdentifier: String(clusterIdentifier) }),
    database: String(database),
    dbGroups: Array.isArray(dbGroups) ? dbGroups.map(String) : [],
    host,
    port,
    ...(typeof answeredId === 'string'
      ? { requestId: answeredId }
      : requestId !== undefined && { requestId }),
  };
}
