import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import type { VendorCredentials } from './vendor-client.js';

/**
 * What the credentials-task step returns. A Standard workflow writes it into the execution
 * history, so by default the password travels only as KMS ciphertext bound to the execution.
 */
export interface TaskCredentials extends Omit<VendorCredentials, 'dbPassword' | 'expiration'> {
  /** ISO 8601, as JSON carries it. */
  readonly expiration: string;
  /** The encryption context of `encryptedPassword`: decrypt with exactly this. */
  readonly executionArn: string;
  /** Base64 KMS ciphertext of the password (encryption context `{ executionArn }`). */
  readonly encryptedPassword?: string;
  /** The KMS key that encrypted it. */
  readonly keyId?: string;
  /** Only for a rule with `taskOutput: plaintext`. */
  readonly dbPassword?: string;
}

export interface DecryptOptions {
  /** A KMS client to use; by default one from the environment's credentials and region. */
  readonly kms?: KMSClient;
}

let defaultKms: KMSClient | undefined;
const environmentKms = () => {
  defaultKms ??= new KMSClient({});
  return defaultKms;
};

/**
 * The password of a credentials-task result, for the workflow step that connects to Redshift.
 * Decrypts `encryptedPassword` with KMS under the encryption context `{ executionArn }` — which
 * the key policy requires, and which only that execution's ciphertext matches. A result of a
 * `taskOutput: plaintext` rule carries the password as it is.
 */
export async function decryptTaskCredentials(
  result: TaskCredentials,
  { kms = environmentKms() }: DecryptOptions = {},
): Promise<string> {
  if (result.dbPassword !== undefined) return result.dbPassword;
  if (!result.encryptedPassword) {
    throw new TypeError(
      'not a credentials-task result: it has neither encryptedPassword nor dbPassword',
    );
  }
  const { Plaintext } = await kms.send(
    new DecryptCommand({
      CiphertextBlob: Buffer.from(result.encryptedPassword, 'base64'),
      ...(result.keyId && { KeyId: result.keyId }),
      EncryptionContext: { executionArn: result.executionArn },
    }),
  );
  if (!Plaintext) throw new Error('KMS returned no plaintext');
  return Buffer.from(Plaintext).toString('utf8');
}
