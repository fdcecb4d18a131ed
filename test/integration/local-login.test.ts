import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CredentialVendorClient, pgConfig } from '#client/index.js';
import { EMULATOR_KEYS } from '#fixtures/aws-credentials.js';
import type { LocalIdentity } from '#local/identities.js';
import {
  invoke,
  type LocalVendor,
  localIdentity,
  startLocalVendor,
} from '#support/local-vendor.js';

// The guide's last steps, locally: a credential issued through the local gateway logs in to the
// PostgreSQL that `npm start` runs in place of the cluster, over verified TLS only.
const reportingUser = localIdentity(':user/services/reporting-daily');
const etlSession = localIdentity(':assumed-role/etl-loader/local-session');
const alice = localIdentity(':user/alice');

let vendor: LocalVendor;

/** The built `redshift-credentials` binary; resolves with its stdout, rejects on failure. */
function runCli(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['client/dist/redshift-credentials.mjs', ...args],
      { env: { ...process.env, AWS_SESSION_TOKEN: '', ...env } },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    );
  });
}
let caFile: string;

const issue = (credentials: LocalIdentity) =>
  new CredentialVendorClient({ endpoint: `${vendor.url}/credentials`, credentials }).getCredentials(
    {
      target: 'analytics',
    },
  );

async function currentUser(config: pg.ClientConfig): Promise<string> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ current_user: string }>('select current_user');
    return rows[0]?.current_user ?? '';
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  vendor = await startLocalVendor({
    AWS_ENDPOINT_URL: inject('motoEndpoint'),
    POLICY_FILE: 'test/fixtures/policies/logins.yaml',
  });
  caFile = /PGSSLROOTCERT=(\S+)/.exec(vendor.stdout())?.[1] ?? '';
}, 60_000);

afterAll(async () => {
  await vendor.stop();
});

describe('logging in with an issued credential', () => {
  it('connects with pgConfig and the local CA as the issued login', async () => {
    const credentials = await issue(reportingUser);

    const user = await currentUser(
      pgConfig(credentials, { ssl: { ca: readFileSync(caFile, 'utf8') } }),
    );

    expect(credentials.dbUser).toBe('IAM:reporting');
    expect(user).toBe('IAM:reporting');
  });

  it('creates an auto-created login with its groups', async () => {
    const credentials = await issue(etlSession);
    const config = pgConfig(credentials, { ssl: { ca: readFileSync(caFile, 'utf8') } });
    const client = new pg.Client(config);
    await client.connect();
    const { rows } = await client.query<{ groups: string[] }>(
      'select array(select b.rolname from pg_auth_members m join pg_roles b on b.oid = m.roleid join pg_roles u on u.oid = m.member where u.rolname = current_user)::text[] as groups',
    );
    await client.end();

    expect(credentials.dbUser).toBe('IAMA:etl_etl-loader');
    expect(rows[0]?.groups).toEqual(['etl_rw']);
  });

  it('refuses the same login without TLS', async () => {
    const credentials = await issue(reportingUser);
    const { ssl: _, ...plaintext } = pgConfig(credentials);

    await expect(currentUser({ ...plaintext, ssl: false })).rejects.toThrow(/no encryption/);
  });

  it('refuses a wrong password', async () => {
    const credentials = await issue(reportingUser);

    await expect(
      currentUser({
        ...pgConfig(credentials, { ssl: { ca: readFileSync(caFile, 'utf8') } }),
        password: 'wrong',
      }),
    ).rejects.toThrow(/password authentication failed/);
  });

  it('refuses a user that does not exist when the rule does not auto-create, as Redshift does', async () => {
    const credentials = await issue(alice);

    expect(credentials.dbUser).toBe('IAM:ghost');
    await expect(
      currentUser(pgConfig(credentials, { ssl: { ca: readFileSync(caFile, 'utf8') } })),
    ).rejects.toThrow(/password authentication failed|does not exist/);
  });

  it('logs a workflow in: invoke the task, decrypt its output with the CLI, connect', async () => {
    const redshiftProxy = /AWS_ENDPOINT_URL_REDSHIFT=(\S+)/.exec(vendor.stdout())?.[1] ?? '';
    const { result } = await invoke('credentials-task', 'events/task-example-etl.json', {
      AWS_ENDPOINT_URL: inject('motoEndpoint'),
      AWS_ENDPOINT_URL_REDSHIFT: redshiftProxy,
    });
    const resultFile = join(mkdtempSync(join(tmpdir(), 'task-result-')), 'result.json');
    writeFileSync(resultFile, JSON.stringify(result));

    const decrypted = await runCli(['decrypt-task-output', '--input', resultFile], {
      AWS_ENDPOINT_URL: inject('motoEndpoint'),
      ...EMULATOR_KEYS,
    });
    const credentials = JSON.parse(decrypted) as Parameters<typeof pgConfig>[0];

    expect(credentials.dbUser).toBe('IAMA:wf_example-etl');
    expect(
      await currentUser(pgConfig(credentials, { ssl: { ca: readFileSync(caFile, 'utf8') } })),
    ).toBe('IAMA:wf_example-etl');
  });

  it('lets the built CLI run psql as the issued login', async () => {
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          'client/dist/redshift-credentials.mjs',
          'psql',
          '--endpoint',
          `${vendor.url}/credentials`,
          '--',
          '-tAc',
          'select current_user',
        ],
        {
          env: {
            ...process.env,
            AWS_ACCESS_KEY_ID: reportingUser.accessKeyId,
            AWS_SECRET_ACCESS_KEY: reportingUser.secretAccessKey,
            AWS_SESSION_TOKEN: '',
            PGSSLROOTCERT: caFile,
          },
        },
        (error, out, err) =>
          error ? reject(new Error(`${error.message}\n${err}`)) : resolve({ stdout: out }),
      );
    });

    expect(stdout.trim()).toBe('IAM:reporting');
  });
});
