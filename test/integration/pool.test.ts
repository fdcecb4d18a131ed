import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CredentialVendorClient, pgPoolConfig } from '#client/index.js';
import { type LocalVendor, localIdentity, startLocalVendor } from '#support/local-vendor.js';

// A connection pool outliving its passwords: logins on the local PostgreSQL stand-in live two
// seconds here, and the credentials the vendor answers say so.
const reportingUser = localIdentity(':user/services/reporting-daily');
let vendor: LocalVendor;

const vendorRequests = () =>
  vendor
    .stderr()
    .split('\n')
    .filter((line) => /^\[gateway\] POST \/credentials 200/.test(line)).length;

beforeAll(async () => {
  vendor = await startLocalVendor({
    AWS_ENDPOINT_URL: inject('motoEndpoint'),
    LOCAL_LOGIN_VALID_SECONDS: '2',
  });
}, 60_000);

afterAll(async () => {
  await vendor.stop();
});

describe('pgPoolConfig', () => {
  it('keeps a pool opening connections across an expiration, asking the vendor once per credential', async () => {
    const caFile = /PGSSLROOTCERT=(\S+)/.exec(vendor.stdout())?.[1] ?? '';
    const client = new CredentialVendorClient({
      endpoint: `${vendor.url}/credentials`,
      credentials: reportingUser,
      // Inside the window the client answers from its cache and refreshes in the background;
      // the stand-in, unlike Redshift, replaces the role's password, so keep this test out of it.
      refreshWindowSeconds: 0,
    });
    const pool = new pg.Pool(
      await pgPoolConfig(
        client,
        { target: 'analytics' },
        { ssl: { ca: readFileSync(caFile, 'utf8') } },
      ),
    );
    const before = vendorRequests();

    const first = await pool.connect();
    const { rows } = await first.query<{ current_user: string }>('select current_user');
    // The login's two seconds pass: the first password no longer logs in.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // A running service's client renews ahead of expiry; do that here. (pg asks for the password
    // after the server has begun the login, and the stand-in, unlike Redshift, replaces the role's
    // one password, so a renewal during that login would fail it.)
    await client.getCredentials({ target: 'analytics' });
    const second = await pool.connect();
    const stillOpen = await first.query<{ one: number }>('select 1 as one');
    const after = await second.query<{ current_user: string }>('select current_user');
    first.release();
    second.release();
    await pool.end();

    expect(rows[0]?.current_user).toBe('IAM:reporting');
    expect(after.rows[0]?.current_user).toBe('IAM:reporting');
    expect(stillOpen.rows[0]?.one).toBe(1);
    expect(vendorRequests() - before).toBe(2);
  });
});
