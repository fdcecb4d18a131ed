import { CredentialVendorClient } from '#client/index.js';
import { EXAMPLE_USER_KEY } from '#fixtures/aws-credentials.js';
import type { StubVendor } from '#support/stub-vendor.js';

/** The vendor client's unit tests: a client of a stub vendor, with a clock and pauses it controls. */
export const CREDENTIALS = EXAMPLE_USER_KEY;
export const NOW = Date.parse('2026-11-26T20:00:00.000Z');

/** A client of `vendor`, signing with CREDENTIALS, at NOW unless told, recording its pauses. */
export function clientFor(
  vendor: StubVendor,
  options: {
    now?: () => number;
    sleeps?: number[];
    refreshWindowSeconds?: number;
    random?: () => number;
    credentials?: ConstructorParameters<typeof CredentialVendorClient>[0]['credentials'];
  } = {},
) {
  return new CredentialVendorClient({
    endpoint: vendor.url,
    region: 'us-east-1',
    credentials: options.credentials ?? CREDENTIALS,
    now: options.now ?? (() => NOW),
    random: options.random ?? (() => 0),
    sleep: async (ms) => {
      options.sleeps?.push(ms);
    },
    ...(options.refreshWindowSeconds !== undefined && {
      refreshWindowSeconds: options.refreshWindowSeconds,
    }),
  });
}
