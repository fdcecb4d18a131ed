import { timingSafeEqual } from 'node:crypto';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { LocalIdentity } from './identities.js';

/**
 * What API Gateway's AWS_IAM authorizer checks before any integration runs: a SigV4 signature by
 * a known key, scoped to this region and service, dated within 5 minutes, over exactly the method,
 * path, query, signed headers and body that arrived. Rejections carry API Gateway's error types
 * and messages.
 */

export interface SignedRequest {
  readonly method: string;
  /** The path as it arrived on the wire (still percent-encoded), without the query string. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  /** Header names in lower case; a repeated header arrives joined with ", ". */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
}

export type Verification =
  | { readonly ok: true; readonly identity: LocalIdentity }
  | { readonly ok: false; readonly errorType: string; readonly message: string };

export interface VerifierOptions {
  readonly region: string;
  readonly service?: string;
  readonly now?: Date;
}

const MAX_SKEW_MS = 5 * 60_000;
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

const reject = (errorType: string, message: string): Verification => ({
  ok: false,
  errorType,
  message,
});

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

export async function verifySigV4(
  request: SignedRequest,
  identities: ReadonlyMap<string, LocalIdentity>,
  { region, service = 'execute-api', now = new Date() }: VerifierOptions,
): Promise<Verification> {
  const authorization = request.headers.authorization;
  if (!authorization)
    return reject('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const parsed = AUTHORIZATION.exec(authorization);
  const amzDate = request.headers['x-amz-date'] ?? '';
  const date = parseAmzDate(amzDate);
  if (!parsed || !date) {
    return reject(
      'IncompleteSignatureException',
      `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters and an 'X-Amz-Date' header. Authorization=${authorization.split(' ')[0]}`,
    );
  }
  const [, credential = '', signedHeaderList = '', signature = ''] = parsed;
  const [accessKeyId = '', scopeDate, scopeRegion, scopeService, terminator] =
    credential.split('/');
  const signedHeaders = signedHeaderList.split(';');
  if (terminator !== 'aws4_request' || !signedHeaders.includes('host')) {
    return reject(
      'IncompleteSignatureException',
      `Credential and SignedHeaders are malformed: ${credential}`,
    );
  }

  const identity = identities.get(accessKeyId);
  if (!identity) return reject('UnrecognizedClientException', INVALID_TOKEN);
  if (request.headers['x-amz-security-token'] !== identity.sessionToken) {
    return reject('UnrecognizedClientException', INVALID_TOKEN);
  }

  const skew = date.getTime() - now.getTime();
  if (skew < -MAX_SKEW_MS) {
    return reject(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(new Date(now.getTime() - MAX_SKEW_MS))} (${formatAmzDate(now)} - 5 min.)`,
    );
  }
  if (skew > MAX_SKEW_MS) {
    return reject(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(new Date(now.getTime() + MAX_SKEW_MS))} (${formatAmzDate(now)} + 5 min.)`,
    );
  }
  if (scopeDate !== amzDate.slice(0, 8)) {
    return reject(
      'InvalidSignatureException',
      'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP',
    );
  }
  if (scopeRegion !== region) {
    return reject('InvalidSignatureException', `Credential should be scoped to a valid region. `);
  }
  if (scopeService !== service) {
    return reject(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${service}'. `,
    );
  }

  const expected = await expectedSignature(request, signedHeaders, identity, {
    region,
    service,
    date,
  });
  const matches =
    expected !== undefined && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
  return matches ? { ok: true, identity } : reject('InvalidSignatureException', SIGNATURE_MISMATCH);
}

/** The signature the caller should have sent, computed over exactly the headers it signed. */
async function expectedSignature(
  request: SignedRequest,
  signedHeaders: readonly string[],
  identity: LocalIdentity,
  { region, service, date }: { region: string; service: string; date: Date },
): Promise<string | undefined> {
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) return undefined;
    headers[name] = value;
  }
  // A declared payload hash must be the body's; otherwise the signature would not cover the body.
  const declaredHash = headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== (await sha256Hex(request.body)))
    return undefined;

  const signer = new SignatureV4({
    // Sign only what the caller signed: do not add an x-amz-content-sha256 header.
    applyChecksum: false,
    service,
    region,
    // No session token here: whether the caller signed its token header is in `signedHeaders`.
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: (headers.host ?? '').split(':')[0] ?? '',
      path: request.path,
      query: { ...request.query },
      headers,
      body: request.body,
    }),
    { signingDate: date, signableHeaders: new Set(signedHeaders) },
  );
  const authorization = String(signed.headers.authorization ?? '');
  const signedList = /SignedHeaders=([^,]+)/.exec(authorization)?.[1];
  if (signedList !== signedHeaders.join(';')) return undefined;
  return /Signature=([0-9a-f]{64})/.exec(authorization)?.[1];
}

async function sha256Hex(body: Buffer): Promise<string> {
  const hash = new Sha256();
  hash.update(body);
  return Buffer.from(await hash.digest()).toString('hex');
}

function parseAmzDate(value: string): Date | undefined {
  const parts = AMZ_DATE.exec(value);
  if (!parts) return undefined;
  const [, year, month, day, hour, minute, second] = parts.map(Number) as number[];
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const formatAmzDate = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
