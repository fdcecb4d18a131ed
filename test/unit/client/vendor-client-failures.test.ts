import { afterEach, describe, expect, it } from 'vitest';
import { CredentialVendorClient, CredentialVendorError } from '#client/index.js';
import { issued, refused, type StubVendor, startStubVendor } from '#support/stub-vendor.js';
import { CREDENTIALS, clientFor, NOW } from '#support/vendor-client.js';

let stub: StubVendor | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

describe('CredentialVendorClient', () => {
  it('caches each request shape apart, and treats group order as the same shape', async () => {
    stub = await startStubVendor([issued('p1', NOW), issued('p2', NOW)]);
    const client = clientFor(stub);

    await client.getCredentials({ dbGroups: ['a', 'b'] });
    await client.getCredentials({ dbGroups: ['b', 'a'] });
    const other = await client.getCredentials({ dbGroups: ['a'] });

    expect(other.dbPassword).toBe('p2');
    expect(stub.requests).toHaveLength(2);
  });

  it('makes one request for 20 concurrent callers', async () => {
    stub = await startStubVendor([issued('p1', NOW), issued('p2', NOW)], 50);
    const client = clientFor(stub);

    const results = await Promise.all(Array.from({ length: 20 }, () => client.getCredentials()));

    expect(new Set(results.map((result) => result.dbPassword))).toEqual(new Set(['p1']));
    expect(stub.requests).toHaveLength(1);
  });

  it('never caches a failure', async () => {
    stub = await startStubVendor([refused(502, 'UpstreamError'), issued('p2', NOW)]);
    const client = clientFor(stub);

    await expect(client.getCredentials()).rejects.toMatchObject({
      name: 'CredentialVendorError',
      code: 'UpstreamError',
      status: 502,
      requestId: 'req-UpstreamError',
    });
    await expect(client.getCredentials()).resolves.toMatchObject({ dbPassword: 'p2' });
    expect(stub.requests).toHaveLength(2);
  });

  it('waits up to half a Retry-After more, at random, so a burst does not return at once', async () => {
    const throttled = refused(429, 'Throttled', { 'Retry-After': '2' });
    stub = await startStubVendor([throttled, throttled, issued('p3', NOW)]);
    const sleeps: number[] = [];
    const randoms = [0.5, 1];

    await clientFor(stub, { sleeps, random: () => randoms.shift() ?? 0 }).getCredentials();

    expect(sleeps).toEqual([2500, 3000]);
  });

  it('retries Throttled after each Retry-After, then succeeds', async () => {
    const throttled = refused(429, 'Throttled', { 'Retry-After': '2' });
    stub = await startStubVendor([throttled, throttled, issued('p3', NOW)]);
    const sleeps: number[] = [];

    const credentials = await clientFor(stub, { sleeps }).getCredentials();

    expect(credentials.dbPassword).toBe('p3');
    expect(sleeps).toEqual([2000, 2000]);
    expect(stub.requests).toHaveLength(3);
  });

  it('gives up on Throttled after the retry budget, with the server’s code', async () => {
    stub = await startStubVendor([refused(429, 'Throttled', { 'Retry-After': '2' })]);
    const sleeps: number[] = [];

    const error = await clientFor(stub, { sleeps })
      .getCredentials()
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CredentialVendorError);
    expect(error).toMatchObject({ code: 'Throttled', status: 429 });
    expect(stub.requests).toHaveLength(4);
    expect(sleeps).toEqual([2000, 2000, 2000]);
  });

  it('does not wait out a Retry-After longer than its wait budget', async () => {
    stub = await startStubVendor([refused(429, 'Throttled', { 'Retry-After': '30' })]);
    const sleeps: number[] = [];

    await expect(clientFor(stub, { sleeps }).getCredentials()).rejects.toMatchObject({
      code: 'Throttled',
    });
    expect(sleeps).toEqual([]);
    expect(stub.requests).toHaveLength(1);
  });

  it('does not retry other refusals', async () => {
    stub = await startStubVendor([refused(403, 'AccessDenied'), issued('p1', NOW)]);

    await expect(clientFor(stub).getCredentials()).rejects.toMatchObject({
      code: 'AccessDenied',
      status: 403,
    });
    expect(stub.requests).toHaveLength(1);
  });

  it('reports API Gateway’s own refusals by their error type', async () => {
    stub = await startStubVendor([
      {
        status: 403,
        headers: { 'x-amzn-ErrorType': 'InvalidSignatureException', 'x-amzn-RequestId': 'gw-1' },
        body: { message: 'The request signature we calculated does not match' },
      },
    ]);

    await expect(clientFor(stub).getCredentials()).rejects.toMatchObject({
      code: 'InvalidSignatureException',
      message: 'The request signature we calculated does not match',
      requestId: 'gw-1',
    });
  });

  it('refuses a 200 that carries no credential', async () => {
    stub = await startStubVendor([{ status: 200, body: { dbUser: 'IAM:x' } }]);

    await expect(clientFor(stub).getCredentials()).rejects.toMatchObject({
      code: 'InvalidResponse',
    });
  });

  it('reports an unreachable vendor as a NetworkError', async () => {
    stub = await startStubVendor([issued('p1', NOW)]);
    const { url } = stub;
    await stub.close();
    stub = undefined;

    const client = new CredentialVendorClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
    });

    await expect(client.getCredentials()).rejects.toMatchObject({ code: 'NetworkError' });
  });

  it('abandons a vendor that does not answer in time', async () => {
    stub = await startStubVendor([issued('p1', NOW)], 2_000);
    const client = new CredentialVendorClient({
      endpoint: stub.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      timeoutSeconds: 0.2,
    });

    await expect(client.getCredentials()).rejects.toMatchObject({
      code: 'NetworkError',
      message: expect.stringMatching(/^no answer in time from http:\/\/127\.0\.0\.1/),
    });
  });

  it('takes the signing region from an execute-api URL, and insists on one otherwise', () => {
    const region = process.env.AWS_REGION;
    delete process.env.AWS_REGION;
    try {
      expect(
        () =>
          new CredentialVendorClient({
            endpoint: 'https://a1b2c3.execute-api.eu-west-1.amazonaws.com/v1/credentials',
            credentials: CREDENTIALS,
          }),
      ).not.toThrow();
      expect(
        () =>
          new CredentialVendorClient({
            endpoint: 'https://vendor.example.com/credentials',
            credentials: CREDENTIALS,
          }),
      ).toThrow(/region is required/);
    } finally {
      process.env.AWS_REGION = region;
    }
  });
});
