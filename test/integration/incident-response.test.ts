import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CredentialVendorClient, CredentialVendorError, pgConfig } from '#client/index.js';
import { EMULATOR_KEYS } from '#fixtures/aws-credentials.js';
import { createRevocationsTable } from '#local/revocations-table.js';
import { type LocalVendor, localIdentity, startLocalVendor } from '#support/local-vendor.js';

// The incident runbook on one machine: a service holds a credential and an open session; an
// operator revokes it and ends its sessions; it is refused, disconnected and locked out; the
// revocation is lifted and the service is issued again and logs in.
const POLICY = 'test/fixtures/policies/logins.yaml';
const TABLE = `revocations-runbook-${process.pid}`;
const MAX_AGE_SECONDS = 2;
const etlSession = localIdentity(':assumed-role/etl-loader/local-session');

let vendor: LocalVendor;
let ca: string;

/** `npm run revoke -- …` as an operator runs it, against the suite's emulator and the vendor's database. */
function revoke(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/revoke.ts', ...args],
      {
        env: {
          ...process.env,
          ...EMULATOR_KEYS,
          AWS_SESSION_TOKEN: '',
          AWS_REGION: 'us-east-1',
          AWS_ENDPOINT_URL: inject('motoEndpoint'),
          AWS_ENDPOINT_URL_REDSHIFT_DATA:
            /AWS_ENDPOINT_URL_REDSHIFT_DATA=(\S+)/.exec(vendor.stdout())?.[1] ?? '',
          REVOCATIONS_TABLE: TABLE,
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const vendorClient = () =>
  new CredentialVendorClient({ endpoint: `${vendor.url}/credentials`, credentials: etlSession });

/** The vendor's answer: the credentials, or the error code it refused with. */
const ask = () =>
  vendorClient()
    .getCredentials({ target: 'analytics' })
    .catch((error: unknown) => {
      if (error instanceof CredentialVendorError) return error.code;
      throw error;
    });

type Answer = Awaited<ReturnType<typeof ask>>;

/**
 * Asks the vendor until `done` holds of its answer or the max age (and a margin) has passed;
 * `meanwhile` sees each answer that did not end the wait.
 */
async function askUntil(
  done: (answer: Answer) => boolean,
  meanwhile: (answer: Answer) => void = () => {},
): Promise<Answer> {
  const started = Date.now();
  let answer = await ask();
  while (!done(answer) && Date.now() - started < (MAX_AGE_SECONDS + 3) * 1000) {
    meanwhile(answer);
    await new Promise((wait) => setTimeout(wait, 200));
    answer = await ask();
  }
  return answer;
}

async function connect(credentials: Parameters<typeof pgConfig>[0]): Promise<pg.Client> {
  const client = new pg.Client({
    ...pgConfig(credentials, { ssl: { ca } }),
    connectionTimeoutMillis: 5_000,
  });
  await client.connect();
  return client;
}

beforeAll(async () => {
  await createRevocationsTable(inject('motoEndpoint'), 'us-east-1', TABLE);
  vendor = await startLocalVendor({
    AWS_ENDPOINT_URL: inject('motoEndpoint'),
    POLICY_FILE: POLICY,
    REVOCATIONS_TABLE: TABLE,
    REVOCATIONS_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS),
  });
  ca = readFileSync(/PGSSLROOTCERT=(\S+)/.exec(vendor.stdout())?.[1] ?? '', 'utf8');
}, 60_000);

afterAll(async () => {
  await vendor.stop();
});

describe('revoking a compromised service on the local stack', () => {
  it('refuses it within the max age, ends its session, locks its login, and lifts it all on remove', async () => {
    let held = await vendorClient().getCredentials({ target: 'analytics' });
    const session = await connect(held);
    const ended = new Promise<Error>((resolve) => session.on('error', resolve));

    const added = await revoke([
      'add',
      '--principal',
      etlSession.arn,
      '--reason',
      'key leaked in a build log',
      '--policy',
      POLICY,
      '--end-sessions',
      '--as-db-user',
      'admin',
    ]);
    const answer = await askUntil(
      (next) => typeof next === 'string',
      (issued) => {
        // Still issued while the functions' last read serves. The stand-in keeps one password
        // per login (Redshift keeps each issued one until it expires): the newest is the one held.
        if (typeof issued !== 'string') held = issued;
      },
    );

    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const id = /^revoked (rv-\S+)/m.exec(added.stdout)?.[1];
    expect(added.stdout).toContain('rule etl-roles');
    expect(added.stdout).toContain(`ALTER USER "etl_etl-loader" CONNECTION LIMIT 0;`);
    expect(added.stdout).toMatch(
      /ran on analytics: SELECT pg_terminate_backend\(process\).* \(1 rows\)/,
    );
    expect(answer).toBe('AccessDenied');
    expect(vendor.stdout()).toContain(`"reason":"revoked ${id}: key leaked in a build log"`);
    expect((await ended).message).toMatch(/terminat/i);
    await expect(connect(held)).rejects.toThrow(/too many connections/);

    const removed = await revoke([
      'remove',
      id ?? '',
      '--policy',
      POLICY,
      '--restore-logins',
      '--as-db-user',
      'admin',
    ]);
    const again = await askUntil((next) => typeof next !== 'string');

    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`ALTER USER "etl_etl-loader" CONNECTION LIMIT UNLIMITED;`);
    expect(typeof again).toBe('object');
    const fresh = await connect(again as typeof held);
    const { rows } = await fresh.query<{ current_user: string }>('select current_user');
    await fresh.end();
    expect(rows[0]?.current_user).toBe('IAMA:etl_etl-loader');
  }, 90_000);
});
