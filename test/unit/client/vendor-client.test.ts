import { afterEach, describe, expect, it } from 'vitest';
import { CredentialVendorClient } from '#client/index.js';
import { OTHER_USER_KEY } from '#fixtures/aws-credentials.js';
import { issued, type StubVendor, startStubVendor } from '#support/stub-vendor.js';
import { CREDENTIALS, clientFor, NOW } from '#support/vendor-client.js';

let stub: StubVendor | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

describe('CredentialVendorClient', () => {
  it('signs the request for execute-api and returns the credential with a Date expiration', async () => {
    stub = await startStubVendor([issued('p1', NOW)]);

    const credentials = await clientFor(stub).getCredentials({
      target: 'analytics',
      durationSeconds: 900,
    });

    expect(credentials).toMatchObject({ dbUser: 'IAM:reporting', dbPassword: 'p1', port: 5439 });
    expect(credentials.expiration).toEqual(new Date(NOW + 900_000));
    expect(stub.requests[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/us-east-1\/execute-api\/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(JSON.parse(stub.requests[0]?.body ?? '')).toEqual({
      target: 'analytics',
      durationSeconds: 900,
    });
  });

  it('names the request that issued a credential: the answer’s requestId, else API Gateway’s header', async () => {
    const current = issued('p1', NOW);
    const older = issued('p2', NOW);
    stub = await startStubVendor([
      { ...current, body: { ...(current.body as object), requestId: 'answer-1' } },
      older,
    ]);
    const client = clientFor(stub);

    const first = await client.getCredentials({ target: 'analytics' });
    const second = await client.getCredentials({ target: 'analytics', durationSeconds: 1800 });

    expect(first.requestId).toBe('answer-1');
    expect(second.requestId).toBe('req-p2');
  });

  it('answers a second call from the cache, without a request', async () => {
    stub = await startStubVendor([issued('p1', NOW), issued('p2', NOW)]);
    const client = clientFor(stub);

    const first = await client.getCredentials({ target: 'analytics' });
    const second = await client.getCredentials({ target: 'analytics' });

    expect(second).toBe(first);
    expect(stub.requests).toHaveLength(1);
  });

  it('answers inside the refresh window at once from the cache, refreshing in the background once', async () => {
    stub = await startStubVendor([issued('p1', NOW), issued('p2', NOW + 900_000)], 20);
    let now = NOW;
    const client = clientFor(stub, { now: () => now });
    await client.getCredentials();

    now = NOW + 900_000 - 59_000;
    const inWindow = await Promise.all([client.getCredentials(), client.getCredentials()]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const afterRefresh = await client.getCredentials();

    expect(inWindow.map((credentials) => credentials.dbPassword)).toEqual(['p1', 'p1']);
    expect(afterRefresh.dbPassword).toBe('p2');
    expect(stub.requests).toHaveLength(2);
  });

  it('keeps the cached credential without a request until the refresh window', async () => {
    stub = await startStubVendor([issued('p1', NOW), issued('p2', NOW)]);
    let now = NOW;
    const client = clientFor(stub, { now: () => now, refreshWindowSeconds: 120 });
    await client.getCredentials();

    now = NOW + 900_000 - 121_000;
    await client.getCredentials();

    expect(stub.requests).toHaveLength(1);
  });

  it('never returns an expired credential: it waits for a new one', async () => {
    stub = await startStubVendor([issued('p1', NOW), issued('p2', NOW + 900_000)]);
    let now = NOW;
    const client = clientFor(stub, { now: () => now });
    await client.getCredentials();

    now = NOW + 900_000;

    expect((await client.getCredentials()).dbPassword).toBe('p2');
  });

  it('never gives one signing identity the credential of another', async () => {
    stub = await startStubVendor([issued('p1', NOW), issued('p2', NOW)]);
    let identity = CREDENTIALS;
    const client = clientFor(stub, { credentials: async () => identity });

    const first = await client.getCredentials();
    identity = OTHER_USER_KEY;
    const second = await client.getCredentials();

    expect([first.dbPassword, second.dbPassword]).toEqual(['p1', 'p2']);
    expect(stub.requests[1]?.headers.authorization).toContain('Credential=AKIAOTHEREXAMPLE0000/');
  });

  it('signs with the identity it files the credential under, even when the provider switches identity mid-call', async () => {
    stub = await startStubVendor([issued('p1', NOW), issued('p2', NOW)]);
    const other = OTHER_USER_KEY;
    // The provider answers CREDENTIALS once, then the other identity: a role switched under us.
    let answers = [CREDENTIALS, other];
    const client = clientFor(stub, {
      credentials: async () => (answers.length > 1 ? (answers.shift() ?? other) : other),
    });
    const signerOf = (password: string) =>
      /Credential=(\w+)\//.exec(
        stub?.requests[Number(password.slice(1)) - 1]?.headers.authorization ?? '',
      )?.[1];

    const first = await client.getCredentials();
    answers = [CREDENTIALS, CREDENTIALS];
    const again = await client.getCredentials();

    expect(signerOf(first.dbPassword)).toBe(CREDENTIALS.accessKeyId);
    expect(again.dbPassword).toBe(first.dbPassword);
    expect(stub.requests).toHaveLength(1);
  });

  it('refuses plain http to any host but this machine, which would carry the password in the clear', () => {
    const client = (endpoint: string) => () =>
      new CredentialVendorClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS });

    expect(client('http://vendor.example.com/v1/credentials')).toThrow(
      /refusing http:\/\/vendor\.example\.com: plain http would carry the signed request and the password in the clear/,
    );
    expect(client('http://10.0.0.8:3000/credentials')).toThrow(TypeError);
    expect(client('http://127.0.0.1.example.com/credentials')).toThrow(TypeError);
    expect(client('ftp://127.0.0.1/credentials')).toThrow(/must be an https URL/);
    for (const loopback of [
      'http://127.0.0.1:3000',
      'http://localhost:3000',
      'http://[::1]:3000',
    ]) {
      expect(client(`${loopback}/credentials`)).not.toThrow();
    }
    expect(
      client('https://a1b2c3.execute-api.us-east-1.amazonaws.com/v1/credentials'),
    ).not.toThrow();
  });

  it('makes one request for 1,000 concurrent cold callers, and one per identity', async () => {
    stub = await startStubVendor([issued('p1', NOW), issued('p2', NOW)], 50);
    const one = clientFor(stub);
    const other = clientFor(stub, {
      credentials: OTHER_USER_KEY,
    });

    await Promise.all([
      ...Array.from({ length: 1_000 }, () => one.getCredentials()),
      ...Array.from({ length: 1_000 }, () => other.getCredentials()),
    ]);

    expect(stub.requests).toHaveLength(2);
  });
});
