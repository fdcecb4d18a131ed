/** The client CLI as its integration tests run it: the built binary, local identities, a task result. */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, inject } from 'vitest';
import { EXAMPLE_CONNECTION } from '#fixtures/example-connection.js';
import type { LocalIdentity } from '#local/identities.js';
import { type LocalVendor, localIdentity, startLocalVendor } from '#support/local-vendor.js';

export const reportingUser = localIdentity(':user/services/reporting-daily');
export const etlSession = localIdentity(':assumed-role/etl-loader/local-session');
export const unmappedUser = localIdentity(':user/alice');

export const keysOf = ({ accessKeyId, secretAccessKey, sessionToken }: LocalIdentity) => ({
  AWS_ACCESS_KEY_ID: accessKeyId,
  AWS_SECRET_ACCESS_KEY: secretAccessKey,
  ...(sessionToken ? { AWS_SESSION_TOKEN: sessionToken } : {}),
});

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `redshift-credentials` binary in exactly `env`, as `npx redshift-credentials` would. */
export function runCliIn(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['client/dist/redshift-credentials.mjs', ...args],
      { env },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** The binary in the test environment, with `env` on top and no session token or profile. */
export const runCli = (args: string[], env: Record<string, string> = {}) =>
  runCliIn(args, {
    ...(process.env as Record<string, string>),
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    ...env,
  });

/** A task result whose password moto's KMS encrypted for `executionArn`, written to a file. */
export async function encryptedTaskResult(password: string, executionArn: string): Promise<string> {
  const kms = new KMSClient({ endpoint: inject('motoEndpoint'), region: 'us-east-1' });
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  const { CiphertextBlob } = await kms.send(
    new EncryptCommand({
      KeyId: KeyMetadata?.Arn,
      Plaintext: Buffer.from(password),
      EncryptionContext: { executionArn },
    }),
  );
  const resultFile = join(mkdtempSync(join(tmpdir(), 'task-')), 'result.json');
  writeFileSync(
    resultFile,
    JSON.stringify({
      dbUser: 'IAMA:wf_example-etl',
      expiration: new Date(Date.now() + 900_000).toISOString(),
      ...EXAMPLE_CONNECTION,
      dbGroups: ['etl_rw'],
      executionArn,
      encryptedPassword: Buffer.from(CiphertextBlob ?? []).toString('base64'),
      keyId: KeyMetadata?.Arn,
    }),
  );
  return resultFile;
}

/** `npm start`'s gateway against the suite's moto_server, for the calling test file. */
export function useLocalVendor() {
  let vendor: LocalVendor | undefined;
  beforeAll(async () => {
    vendor = await startLocalVendor({ AWS_ENDPOINT_URL: inject('motoEndpoint') });
  });
  afterAll(async () => {
    await vendor?.stop();
  });
  return {
    get vendor(): LocalVendor {
      if (!vendor) throw new Error('the local vendor has not started');
      return vendor;
    },
    endpoint: () => `${vendor?.url}/credentials`,
  };
}
