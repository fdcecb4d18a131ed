import { EncryptCommand, type EncryptCommandOutput, type KMSClient } from '@aws-sdk/client-kms';
import type { TaskCredentials } from '../../client/task-credentials.js';
import { InternalError } from './errors.js';
import { upstreamFailure } from './upstream-failure.js';
import type { Issuance } from './vend.js';

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
