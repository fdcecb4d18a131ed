export {
  applicationName,
  type ConnectionDetails,
  connectionUri,
  type PgConfigOptions,
  pgConfig,
  pgEnvironment,
  pgpassLine,
} from './connection.js';
export { pgPoolConfig } from './pool.js';
export {
  type DecryptOptions,
  decryptTaskCredentials,
  type TaskCredentials,
} from './task-credentials.js';
export { CredentialVendorError, type VendorCredentials } from './vendor-answer.js';
export {
  type CredentialsRequest,
  CredentialVendorClient,
  type CredentialVendorClientOptions,
} from './vendor-client.js';
