import type { TaskResult } from '../contract.js';
import { InternalError } from './errors.js';
import type { Deadline, TaskOutputEncryptor } from './ports.js';
import type { Issuance } from './vend.js';

/**
 * Shapes an issuance for the execution history, which anyone allowed to read it can see: the
 * password only as KMS ciphertext under the context `{ executionArn }`. Without an encryptor (no
 * task-output key configured) the result is an internal error, never the password in the clear.
 */
export async function taskResult(
  { credentials, requestId }: Issuance,
  executionArn: string,
  encryptor: TaskOutputEncryptor | undefined,
  deadline?: Deadline,
): Promise<TaskResult> {
  const { dbPassword, expiration, ...rest } = credentials;
  const output = { ...rest, expiration: expiration.toISOString(), requestId, executionArn };
  if (encryptor === undefined) {
    throw new InternalError({ cause: new Error('TASK_OUTPUT_KEY_ID is not set') });
  }
  const { ciphertext, keyId } = await encryptor.encrypt(dbPassword, { executionArn }, deadline);
  return { ...output, encryptedPassword: ciphertext, keyId };
}
