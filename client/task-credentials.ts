import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import type { TaskResult } from '../functions/contract.js';

/** What the credentials-task step returns: its password only as KMS ciphertext. */
export type TaskCredentials = TaskResult;

export interface DecryptOptions {
  /** A KMS client to use; by default one from the environment's credentials and region. */
  readonly kms?: KMSClient;
}

let defaultKms: KMSClient | undefined;
// The full default credential chain (environment, SSO, profiles, containers, instances), named
// here so the client never inherits the environment-only chain the Lambda bundles are built with.
const environmentKms = () => {
  defaultKms ??= new KMSClient({ credentials: defaultProvider() });
  return defaultKms;
};

/**
 * The password of a credentials-task result, for the workflow step that connects to Redshift.
 * Decrypts `encryptedPassword` with KMS under the encryption context `{ executionArn }` — which
 * the key policy requires, and which only that execution's ciphertext matches.
 */
export async function decryptTaskCredentials(
  result: TaskCredentials,
  { kms = environmentKms() }: DecryptOptions = {},
): Promise<string> {
  if (!result.encryptedPassword) {
    throw new TypeError('not a credentials-task result: it has no encryptedPassword');
  }
  const { Plaintext } = await kms
    .send(
      new DecryptCommand({
        CiphertextBlob: Buffer.from(result.encryptedPassword, 'base64'),
        ...(result.keyId && { KeyId: result.keyId }),
        EncryptionContext: { executionArn: result.executionArn },
      }),
    )
    .catch((error: unknown) => {
      // KMS's answer when the context does not match the one the password was encrypted under.
      if ((error as Error).name !== 'InvalidCiphertextException') throw error;
      throw new Error(
        `KMS refused to decrypt the password for ${result.executionArn}: the result was issued to another execution, or was altered`,
        { cause: error },
      );
    });
  if (!Plaintext) throw new Error('KMS returned no plaintext');
  return Buffer.from(Plaintext).toString('utf8');
}
