import { EncryptCommand, type EncryptCommandOutput, type KMSClient } from '@aws-sdk/client-kms';
import { InternalError } from './errors.js';
import { upstreamFailure } from './upstream-failure.js';
import type { Issuance } from './vend.js';

/**
 * What the Step Functions task returns. A Standard workflow writes it into the execution
 * history, so by default the password travels only as KMS ciphertext bound to the execution.
 */
export interface TaskCredentials {
  readonly dbUser: string;
  readonly expiration: string;
  readonly target: string;
  readonly clusterIdentifier: string;
  readonly database: string;
  readonly dbGroups: readonly string[];
  readonly host: string;
  readonly port: number;
  /** The encryption context of `encryptedPassword`: the consumer decrypts with exactly this. */
  readonly executionArn: string;
  /** Base64 KMS ciphertext of the password (encryption context `{ executionArn }`). */
  readonly encryptedPassword?: string;
  /** The KMS key that encrypted it. */
  readonly keyId?: string;
  /** Only for a rule with `taskOutput: plaintext`. */
  readonly dbPassword?: string;
}

export interface TaskOutputSettings {
  readonly kms: KMSClient;
  /** TASK_OUTPUT_KEY_ID; required unless every rule that issues uses `taskOutput: plaintext`. */
  readonly keyId: string | undefined;
}

/** Shapes an issuance for the execution history: encrypted unless the rule chose plaintext. */
export async function taskCredentials(
  { grant, credentials }: Issuance,
  executionArn: string,
  { kms, keyId }: TaskOutputSettings,
): Promise<TaskCredentials> {
  const { dbPassword, expiration, ...rest } = credentials;
  const output = { ...rest, expiration: expiration.toISOString(), executionArn };
  if (grant.taskOutput === 'plaintext') return { ...output, dbPassword };
  if (!keyId) throw new InternalError({ cause: new Error('TASK_OUTPUT_KEY_ID is not set') });

  let encrypted: EncryptCommandOutput;
  try {
    encrypted = await kms.send(
      new EncryptCommand({
        KeyId: keyId,
        Plaintext: Buffer.from(dbPassword, 'utf8'),
        EncryptionContext: { executionArn },
      }),
    );
  } catch (error) {
    throw upstreamFailure('Encrypt', error, 'KMS');
  }
  if (!encrypted.CiphertextBlob)
    throw upstreamFailure('Encrypt', new Error('EmptyCiphertext'), 'KMS');
  return {
    ...output,
    encryptedPassword: Buffer.from(encrypted.CiphertextBlob).toString('base64'),
    keyId: encrypted.KeyId ?? keyId,
  };
}
