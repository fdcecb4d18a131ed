import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  CredentialVendorClient,
  connectionUri,
  pgConfig,
  pgPoolConfig,
  type VendorCredentials,
} from '#client/index.js';
import { type LocalVendor, localIdentity, startLocalVendor } from '#support/local-vendor.js';

// Which issuance did a session use? Every connection the client configures names the request
// that issued its password, and that request id is the one on the vendor's audit line.
const run = promisify(execFile);
const reporting = localIdentity(':user/services/reporting-daily');

let vendor: LocalVendor;
let caFile: string;

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

/** The request ids of the vendor's audit lines that issued a credential. */
const issuedRequestIds = () =>
  vendor
    .stdout()
    .split('\n')
    .filter((line) => line.includes('"decision":"issued"'))
    .map((line) => (JSON.parse(line) as { requestId: string }).requestId);

/** What the session that `config` opens reports as its application_name. */
async function applicationNameOf(config: pg.ClientConfig): Promise<string> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "select current_setting('application_name') as name",
    );
    return rows[0]?.name ?? '';
  } finally {
    await client.end();
  }
}

/** The built CLI, signed as the reporting service. */
const cli = (args: string[]) =>
  run(process.execPath, ['client/dist/redshift-credentials.mjs', ...args], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: reporting.accessKeyId,
      AWS_SECRET_ACCESS_KEY: reporting.secretAccessKey,
      AWS_SESSION_TOKEN: '',
      REDSHIFT_CREDENTIALS_ENDPOINT: `${vendor.url}/credentials`,
      PGSSLROOTCERT: caFile,
    },
  });

describe('a session names the issuance it used', () => {
  let credentials: VendorCredentials;
  const ca = () => readFileSync(caFile, 'utf8');

  beforeAll(async () => {
    credentials = await new CredentialVendorClient({
      endpoint: `${vendor.url}/credentials`,
      credentials: reporting,
    }).getCredentials({ target: 'analytics' });
  });

  it('through pgConfig, joined to the audit line that issued it', async () => {
    const name = await applicationNameOf(pgConfig(credentials, { ssl: { ca: ca() } }));

    expect(name).toBe(`rcv:${credentials.requestId}`);
    expect(issuedRequestIds()).toContain(credentials.requestId);
  });

  it('through the connection URI', async () => {
    const name = await applicationNameOf({
      connectionString: `${connectionUri(credentials)}&sslrootcert=${encodeURIComponent(caFile)}`,
    });

    expect(name).toBe(`rcv:${credentials.requestId}`);
  });

  it('through pgPoolConfig', async () => {
    const vendorClient = new CredentialVendorClient({
      endpoint: `${vendor.url}/credentials`,
      credentials: reporting,
    });
    const pool = new pg.Pool(
      await pgPoolConfig(vendorClient, { target: 'analytics' }, { ssl: { ca: ca() } }),
    );
    try {
      const { rows } = await pool.query<{ name: string }>(
        "select current_setting('application_name') as name",
      );
      const id = /^rcv:(.+)$/.exec(rows[0]?.name ?? '')?.[1];

      expect(issuedRequestIds()).toContain(id);
    } finally {
      await pool.end();
    }
  });

  it('through the CLI’s psql, and psql given its env and uri formats', async () => {
    const query = ['-tAc', "select current_setting('application_name')"];
    const viaPsql = (await cli(['psql', '--', ...query])).stdout.trim();
    const env = (await cli(['get', '--target', 'analytics', '--format', 'env'])).stdout;
    const exported = Object.fromEntries(
      [...env.matchAll(/^export (\w+)='((?:[^']|'\\'')*)'$/gm)].map(([, name = '', value = '']) => [
        name,
        value.replaceAll("'\\''", "'"),
      ]),
    );
    const viaEnv = (
      await run('psql', query, { env: { ...process.env, ...exported, PGSSLROOTCERT: caFile } })
    ).stdout.trim();
    const uri = (await cli(['get', '--target', 'analytics', '--format', 'uri'])).stdout.trim();
    const viaUri = (await run('psql', [uri, ...query])).stdout.trim();

    for (const name of [viaPsql, viaEnv, viaUri]) {
      expect(issuedRequestIds()).toContain(/^rcv:(.+)$/.exec(name)?.[1]);
    }
    expect(exported.PGAPPNAME).toBe(viaEnv);
  });
});
