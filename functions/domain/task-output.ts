import type { TaskResult } from '../contract.js';
import { InternalError } from './errors.js';
import type { TaskOutputEncryptor } from './ports.js';
import type { Issuance } from './vend.js';

/**
 * Shapes an issuance for the execution history: the password encrypted under the context
 * `{ executionArn }`, unless the rule chose plaintext. Without an encryptor (no task-output key
 * configured) an encrypted result is an internal error, never a plaintext fallback.
 */
export async function taskResult(
  { grant, credentials }: Issuance,
  executionArn: string,
  encryptor: TaskOutputEncryptor | undefined,
): Promise<TaskResult> {
  const { dbPassword, expiration, ...rest } = credentials;
  const output = { ...rest, expiration: expiration.toISOString(), executionArn };
  if (grant.taskOutput === 'plaintext') return { ...output, dbPassword };
  if (encryptor === undefined) {
    throw new InternalError({ cause: new Error('TASK_OUTPUT_KEY_ID is not set') });
  }
  const { ciphertext, keyId } = await encryptor.encrypt(dbPassword, { executionArn });
  return { ...output, encryptedPassword: ciphertext, keyId };
}
