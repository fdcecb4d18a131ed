import { describe, expect, it } from 'vitest';
import { InternalError } from '#domain/errors.js';
import { taskResult } from '#domain/task-output.js';
import type { Issuance } from '#domain/vend.js';
import { exampleGrant } from '#fixtures/grant.js';
import { FAKE_PASSWORD, fakeEncryptor } from '#support/fakes.js';

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:example-etl:run-1';
const EXPIRATION = new Date('2026-11-26T20:15:00.000Z');

const issuance = (): Issuance => ({
  grant: exampleGrant({ rule: 'etl-workflows', dbUser: 'wf_example-etl' }),
  credentials: {
    dbUser: 'IAMA:wf_example-etl',
    dbPassword: FAKE_PASSWORD,
    expiration: EXPIRATION,
    target: 'analytics',
    clusterIdentifier: 'examplecluster',
    database: 'exampledb',
    dbGroups: ['etl_rw'],
    host: 'examplecluster.example.internal',
    port: 5439,
  },
  requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
});

describe('taskResult', () => {
  it('seals the password under the execution’s context and leaves no plaintext', async () => {
    const encryptor = fakeEncryptor();

    const result = await taskResult(issuance(), EXECUTION, encryptor);

    expect(encryptor.sealed).toEqual([
      { password: FAKE_PASSWORD, context: { executionArn: EXECUTION } },
    ]);
    expect(result).toEqual({
      dbUser: 'IAMA:wf_example-etl',
      expiration: '2026-11-26T20:15:00.000Z',
      target: 'analytics',
      clusterIdentifier: 'examplecluster',
      database: 'exampledb',
      dbGroups: ['etl_rw'],
      host: 'examplecluster.example.internal',
      port: 5439,
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      executionArn: EXECUTION,
      encryptedPassword: expect.any(String),
      keyId: 'arn:aws:kms:us-east-1:123456789012:key/fake',
    });
    expect(JSON.stringify(result)).not.toContain(FAKE_PASSWORD);
  });

  it('fails as an internal error, never in plaintext, when no key is configured', async () => {
    await expect(taskResult(issuance(), EXECUTION, undefined)).rejects.toBeInstanceOf(
      InternalError,
    );
  });
});
