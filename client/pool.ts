import type { CredentialsRequest } from '../functions/contract.js';
import { type PgConfigOptions, pgConfig } from './connection.js';
import type { CredentialVendorClient } from './vendor-client.js';

/**
 * A `pg` Pool configuration whose password is asked of the vendor client for every new
 * connection: answered from its cache while the credential is fresh, refreshed before it expires,
 * so a pool keeps opening connections across any number of expirations. Connections already open
 * are never touched (Redshift checks the password at login only). SSL is verified, as `pgConfig`.
 *
 * The user, host, port and database are those of the first credential: if the policy later maps
 * the caller to another db user, new connections fail to log in until the pool is created again.
 */
export async function pgPoolConfig(
  vendor: Pick<CredentialVendorClient, 'getCredentials'>,
  request: CredentialsRequest = {},
  options: PgConfigOptions = {},
) {
  const first = await vendor.getCredentials(request);
  return {
    ...pgConfig(first, options),
    password: async () => (await vendor.getCredentials(request)).dbPassword,
  };
}
