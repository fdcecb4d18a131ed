import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { decryptTaskCredentials, type TaskCredentials } from '#client/index.js';
import { EXAMPLE_CONNECTION } from '#fixtures/example-connection.js';

const kmsMock = mockClient(KMSClient);
const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:etl-nightly:run-1';

const result = (overrides: Partial<TaskCredentials> = {}): TaskCredentials => ({
  dbUser: 'IAMA:wf_etl-nightly',
  expiration: '2026-11-26T21:00:00.000Z',
  ...EXAMPLE_CONNECTION,
  dbGroups: ['etl_rw'],
  executionArn: EXECUTION,
  encryptedPassword: Buffer.from('ciphertext').toString('base64'),
  keyId: 'arn:aws:kms:us-east-1:123456789012:key/0b6d4a3c',
  requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  ...overrides,
});

describe('decryptTaskCredentials', () => {
  beforeEach(() => {
    kmsMock.reset();
  });

  it('decrypts the ciphertext under the execution’s encryption context', async () => {
    kmsMock
      .on(DecryptCommand, { EncryptionContext: { executionArn: EXECUTION } })
      .resolves({ Plaintext: Buffer.from('the-password') });

    await expect(decryptTaskCredentials(result(), { kms: new KMSClient({}) })).resolves.toBe(
      'the-password',
    );
    expect(
      Buffer.from(
        kmsMock.commandCalls(DecryptCommand)[0]?.args[0].input.CiphertextBlob ?? [],
      ).toString(),
    ).toBe('ciphertext');
  });

  it('never takes a password from the result itself: one carrying dbPassword and no ciphertext is refused', async () => {
    const forged = { ...result({ encryptedPassword: undefined }), dbPassword: 'plain' };

    await expect(decryptTaskCredentials(forged, { kms: new KMSClient({}) })).rejects.toThrow(
      'not a credentials-task result: it has no encryptedPassword',
    );
    expect(kmsMock.commandCalls(DecryptCommand)).toHaveLength(0);
  });

  it('refuses something that is not a task result', async () => {
    await expect(
      decryptTaskCredentials(result({ encryptedPassword: undefined }), { kms: new KMSClient({}) }),
    ).rejects.toThrow(TypeError);
  });
});
