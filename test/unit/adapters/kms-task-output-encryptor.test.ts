import { EncryptCommand, KMSClient, KMSInvalidStateException } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { kmsTaskOutputEncryptor } from '#adapters/kms-task-output-encryptor.js';
import { UpstreamError } from '#domain/errors.js';

const kmsMock = mockClient(KMSClient);
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const CONTEXT = { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:etl:run-1' };

describe('kmsTaskOutputEncryptor', () => {
  beforeEach(() => kmsMock.reset());

  it('encrypts the password bytes under the key and context, answering base64', async () => {
    kmsMock.on(EncryptCommand).callsFake(async (input) => ({
      CiphertextBlob: Uint8Array.from([...Buffer.from(input.Plaintext)].reverse()),
      KeyId: input.KeyId,
    }));

    const sealed = await kmsTaskOutputEncryptor(new KMSClient({}), KEY).encrypt(
      'pässword',
      CONTEXT,
    );

    const input = kmsMock.commandCalls(EncryptCommand)[0]?.args[0].input;
    expect(input?.KeyId).toBe(KEY);
    expect(input?.EncryptionContext).toEqual(CONTEXT);
    expect(Buffer.from(input?.Plaintext ?? []).toString('utf8')).toBe('pässword');
    expect(sealed).toEqual({
      ciphertext: Buffer.from([...Buffer.from('pässword')].reverse()).toString('base64'),
      keyId: KEY,
    });
  });

  it('reports a refusal as KMS failing, naming no detail', async () => {
    kmsMock
      .on(EncryptCommand)
      .rejects(new KMSInvalidStateException({ message: 'key pending deletion', $metadata: {} }));

    await expect(
      kmsTaskOutputEncryptor(new KMSClient({}), KEY).encrypt('p', CONTEXT),
    ).rejects.toThrow(new UpstreamError('KMS Encrypt failed: KMSInvalidStateException'));
  });

  it('refuses an answer without ciphertext', async () => {
    kmsMock.on(EncryptCommand).resolves({ KeyId: KEY });

    await expect(
      kmsTaskOutputEncryptor(new KMSClient({}), KEY).encrypt('p', CONTEXT),
    ).rejects.toThrow(new UpstreamError('KMS Encrypt returned no ciphertext'));
  });
});
