import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { CredentialsRequest } from '../functions/contract.js';
import {
  CredentialVendorError,
  errorOf,
  parseCredentials,
  type VendorCredentials,
} from './vendor-answer.js';

export type { CredentialsRequest };

export interface CredentialVendorClientOptions {
  /** The URL of `POST /credentials`: the stack output CredentialsApiUrl. */
  readonly endpoint: string;
  /** Signing region; default: the region in an execute-api host name, else AWS_REGION. */
  readonly region?: string;
  /** Default: the AWS SDK's credential chain (environment, SSO, profile, container, instance). */
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Fetch a new credential this long before the cached one expires. Default 60 s. */
  readonly refreshWindowSeconds?: number;
  /** Retries of a Throttled answer, each after its Retry-After. Default 3. */
  readonly maxThrottleRetries?: number;
  /** The most a single call may spend waiting on Retry-After, in total. Default 10 s. */
  readonly maxThrottleWaitSeconds?: number;
  /** How long one request may take before it is abandoned as a `NetworkError`. Default 10 s. */
  readonly timeoutSeconds?: number;
  /** For tests: the clock, the pause between throttled attempts and the jitter's randomness. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

const EXECUTE_API_HOST = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;
const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/**
 * The endpoint as a URL, when it is one the client may send a signed request and receive a
 * password over: https, or http to this machine only (the local vendor).
 */
function endpointUrl(endpoint: string): URL {
  const url = new URL(endpoint);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK_HOST.test(url.hostname)) return url;
  throw new TypeError(
    url.protocol === 'http:'
      ? `refusing ${url.origin}: plain http would carry the signed request and the password in the clear; use https (http is accepted only for a loopback host)`
      : `refusing ${url.origin}: the endpoint must be an https URL`,
  );
}

/**
 * Signs `POST /credentials` with SigV4 (service `execute-api`) and caches what it gets: one
 * credential per signing identity and request shape (a provider that switches identity never
 * gets the previous identity's password), one request in flight per key however many callers
 * wait, and never a cached error. Inside the last `refreshWindowSeconds` of a credential's life
 * a call still gets it at once and starts one refresh in the background, so a warm service never
 * waits for the vendor; an expired credential is never returned.
 */
export class CredentialVendorClient {
  readonly #url: URL;
  readonly #region: string;
  readonly #identity: AwsCredentialIdentityProvider;
  readonly #refreshWindowMs: number;
  readonly #maxThrottleRetries: number;
  readonly #maxThrottleWaitMs: number;
  readonly #timeoutMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #issued = new Map<string, VendorCredentials>();
  readonly #inFlight = new Map<string, Promise<VendorCredentials>>();

  constructor(options: CredentialVendorClientOptions) {
    this.#url = endpointUrl(options.endpoint);
    const region =
      options.region ?? EXECUTE_API_HOST.exec(this.#url.hostname)?.[1] ?? process.env.AWS_REGION;
    if (!region) {
      throw new TypeError(
        'region is required: pass it, set AWS_REGION, or use the execute-api URL',
      );
    }
    this.#region = region;
    const credentials = options.credentials ?? defaultProvider();
    this.#identity = typeof credentials === 'function' ? credentials : async () => credentials;
    this.#refreshWindowMs = (options.refreshWindowSeconds ?? 60) * 1000;
    this.#maxThrottleRetries = options.maxThrottleRetries ?? 3;
    this.#maxThrottleWaitMs = (options.maxThrottleWaitSeconds ?? 10) * 1000;
    this.#timeoutMs = (options.timeoutSeconds ?? 10) * 1000;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#random = options.random ?? Math.random;
  }

  /**
   * A credential for `request`, from the cache while it is fresh, else from the vendor. The
   * signing identity is resolved once, here: the cache key and the signature use the same one,
   * so a provider that changes identity between two reads can never file one identity's
   * password under another's key.
   */
  async getCredentials(request: CredentialsRequest = {}): Promise<VendorCredentials> {
    const identity = await this.#identity();
    const key = `${identity.accessKeyId}\n${cacheKey(request)}`;
    const cached = this.#issued.get(key);
    const now = this.#now();
    if (cached && cached.expiration.getTime() > now) {
      if (cached.expiration.getTime() - this.#refreshWindowMs <= now) {
        // Refreshed in the background; a failure leaves the cached credential to the next call.
        this.#refresh(key, request, identity).catch(() => {});
      }
      return cached;
    }
    return this.#refresh(key, request, identity);
  }

  /** Fetches a credential for `key`, one request in flight however many callers ask. */
  #refresh(
    key: string,
    request: CredentialsRequest,
    identity: AwsCredentialIdentity,
  ): Promise<VendorCredentials> {
    let pending = this.#inFlight.get(key);
    if (pending === undefined) {
      pending = this.#fetchWithThrottleRetries(request, identity)
        .then((credentials) => {
          this.#issued.set(key, credentials);
          return credentials;
        })
        .finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    return pending;
  }

  async #fetchWithThrottleRetries(
    request: CredentialsRequest,
    identity: AwsCredentialIdentity,
  ): Promise<VendorCredentials> {
    let waitedMs = 0;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.#fetch(request, identity);
      } catch (error) {
        // Up to half the Retry-After again, so that a burst of clients does not come back at once.
        const delayMs =
          error instanceof ThrottledAnswer
            ? Math.round(error.retryAfterMs * (1 + this.#random() / 2))
            : undefined;
        const withinBudget = delayMs !== undefined && waitedMs + delayMs <= this.#maxThrottleWaitMs;
        if (!withinBudget || attempt >= this.#maxThrottleRetries) {
          throw error instanceof ThrottledAnswer ? error.vendorError : error;
        }
        waitedMs += delayMs;
        await this.#sleep(delayMs);
      }
    }
  }

  async #fetch(
    request: CredentialsRequest,
    identity: AwsCredentialIdentity,
  ): Promise<VendorCredentials> {
    const body = JSON.stringify(request);
    const query = Object.fromEntries(this.#url.searchParams);
    const signer = new SignatureV4({
      service: 'execute-api',
      region: this.#region,
      credentials: identity,
      sha256: Sha256,
      applyChecksum: false,
    });
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: this.#url.protocol,
        hostname: this.#url.hostname,
        ...(this.#url.port && { port: Number(this.#url.port) }),
        path: this.#url.pathname,
        query,
        headers: { host: this.#url.host, 'content-type': 'application/json' },
        body,
      }),
    );
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers: signed.headers,
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError' ? 'no answer in time from' : 'cannot reach';
      // fetch's own message is "fetch failed"; the socket's error says why (ECONNREFUSED 127.0.0.1:3999).
      const socket = (error as { cause?: { code?: unknown; address?: unknown; port?: unknown } })
        .cause;
      const why =
        typeof socket?.code === 'string'
          ? ` (${socket.code}${typeof socket.address === 'string' ? ` ${socket.address}:${socket.port}` : ''})`
          : '';
      throw new CredentialVendorError(
        'NetworkError',
        `${reason} ${this.#url.origin}${why}`,
        undefined,
        undefined,
        {
          cause: error,
        },
      );
    }
    const requestId = response.headers.get('x-amzn-requestid') ?? undefined;
    const payload = (await response.json().catch(() => undefined)) as
      | Record<string, unknown>
      | undefined;
    if (response.ok && payload) return parseCredentials(payload, requestId);

    const error = errorOf(response, payload, requestId);
    if (error.code === 'Throttled') {
      const retryAfterSeconds = Number(response.headers.get('retry-after'));
      throw new ThrottledAnswer(
        error,
        Number.isFinite(retryAfterSeconds) ? retryAfterSeconds * 1000 : 1000,
      );
    }
    throw error;
  }
}

/** A Throttled answer on its way to the retry loop. */
class ThrottledAnswer extends Error {
  constructor(
    readonly vendorError: CredentialVendorError,
    readonly retryAfterMs: number,
  ) {
    super(vendorError.message);
  }
}

function cacheKey({ target, database, dbGroups, durationSeconds }: CredentialsRequest): string {
  return JSON.stringify([target, database, dbGroups && [...dbGroups].sort(), durationSeconds]);
}
