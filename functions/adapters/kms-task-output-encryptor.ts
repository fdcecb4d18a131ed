import { EncryptCommand, type EncryptCommandOutput, type KMSClient } from '@aws-sdk/client-kms';
import { UpstreamError } from '../domain/errors.js';
import type { TaskOutputEncryptor } from '../domain/ports.js';
import { beforeDeadline } from './request-deadline.js';
import { upstreamFailure } from './upstream-failure.js';

/** Encrypts task passwords with KMS under `keyId` (TASK_OUTPUT_KEY_ID). */
export function kmsTaskOutputEncryptor(kms: KMSClient, keyId: string): TaskOutputEncryptor {
  return {
    async encrypt(password, context, deadline) {
      let encrypted: EncryptCommandOutput;
      try {
        encrypted = await beforeDeadline(
          kms.send(
            new EncryptCommand({
              KeyId: keyId,
              Plaintext: Buffer.from(password, 'utf8'),
              EncryptionContext: { ...context },
            }),
          ),
          deadline,
        );
      } catch (error) {
        throw upstreamFailure('Encrypt', error, 'KMS');
      }
      if (!encrypted.CiphertextBlob) throw new UpstreamError('KMS Encrypt returned no ciphertext');
      return {
        ciphertext: Buffer.from(encrypted.CiphertextBlob).toString('base64'),
        keyId: encrypted.KeyId ?? keyId,
      };
    },
  };
}
