import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CredentialVendorClient, pgConfig } from '../../client/index.js';
import type { LocalIdentity } from '../../local/identities.js';
import { type LocalVendor, localIdentity, startLocalVendor } from '../support/local-vendor.js';

// The guide's last steps, locally: a credential issued through the local gateway logs in to the
// PostgreSQL that `npm start` runs in place of the cluster, over verified TLS only.
const reportingUser = localIdentity(':user/services/reporting-daily');
const etlSession = localIdentity(':assumed-role/etl-loader/local-session');
const alice = localIdentity(':user/alice');

let vendor: LocalVendor;
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

  it('lets the built CLI run psql as the issued login', async () => {
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          'dist/client/redshift-credentials.mjs',
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
