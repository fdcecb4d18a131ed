import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { type LocalIdentity, loadIdentities } from '#local/identities.js';
import { type SignedRequest, verifySigV4 } from '#local/sigv4-verifier.js';

const identities = loadIdentities();
const [user, session] = [...identities.values()] as [LocalIdentity, LocalIdentity];
const NOW = new Date('2026-11-26T20:00:00.000Z');
const HOST = '127.0.0.1:3000';

/** Signs like an AWS SDK client would (smithy's SigV4 signer), then lets the test tamper. */
async function signedRequest(
  identity: LocalIdentity,
  {
    body = '{"target":"analytics"}',
    query = {},
    region = 'us-east-1',
    service = 'execute-api',
    date = NOW,
    secretAccessKey = identity.secretAccessKey,
  }: {
    body?: string;
    query?: Record<string, string>;
    region?: string;
    service?: string;
    date?: Date;
    secretAccessKey?: string;
  } = {},
): Promise<SignedRequest> {
  const signer = new SignatureV4({
    service,
    region,
    credentials: {
      accessKeyId: identity.accessKeyId,
      secretAccessKey,
      sessionToken: identity.sessionToken,
    },
    sha256: Sha256,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: 'POST',
      hostname: '127.0.0.1',
      port: 3000,
      path: '/credentials',
      query,
      headers: { host: HOST, 'content-type': 'application/json' },
      body,
    }),
    { signingDate: date },
  );
  return {
    method: 'POST',
    path: '/credentials',
    query,
    headers: Object.fromEntries(
      Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]),
    ),
    body: Buffer.from(body),
  };
}

const verify = (request: SignedRequest) =>
  verifySigV4(request, identities, { region: 'us-east-1', now: NOW });

describe('verifySigV4', () => {
  it('accepts a request signed by a known key and reports its identity', async () => {
    await expect(verify(await signedRequest(user))).resolves.toEqual({ ok: true, identity: user });
  });

  it('accepts a session key whose token header matches, and signs it into the payload hash', async () => {
    const request = await signedRequest(session);

    expect(request.headers['x-amz-security-token']).toBe(session.sessionToken);
    await expect(verify(request)).resolves.toMatchObject({
      ok: true,
      identity: { arn: session.arn },
    });
  });

  it.each([
    ['a changed body', (r: SignedRequest) => ({ ...r, body: Buffer.from('{"target":"finance"}') })],
    ['a changed path', (r: SignedRequest) => ({ ...r, path: '/v1/credentials' })],
    ['a changed method', (r: SignedRequest) => ({ ...r, method: 'PUT' })],
    ['an added query parameter', (r: SignedRequest) => ({ ...r, query: { target: 'finance' } })],
    [
      'a changed signed header',
      (r: SignedRequest) => ({ ...r, headers: { ...r.headers, 'content-type': 'text/plain' } }),
    ],
    [
      'a removed signed header',
      (r: SignedRequest) => ({ ...r, headers: { ...r.headers, 'content-type': undefined } }),
    ],
    [
      'a payload hash that is not the body’s',
      (r: SignedRequest) => ({
        ...r,
        headers: { ...r.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      }),
    ],
  ])('rejects %s as a signature mismatch', async (_, tamper) => {
    const result = await verify(tamper(await signedRequest(user)));

    expect(result).toMatchObject({
      ok: false,
      errorType: 'InvalidSignatureException',
      message: expect.stringMatching(/does not match/),
    });
  });

  it('rejects a signature made with the wrong secret', async () => {
    await expect(
      verify(await signedRequest(user, { secretAccessKey: 'not-the-secret' })),
    ).resolves.toMatchObject({
      ok: false,
      errorType: 'InvalidSignatureException',
    });
  });

  it('rejects an unknown access key', async () => {
    const stranger = { ...user, accessKeyId: 'AKIAUNKNOWNEXAMPLE00' };

    await expect(verify(await signedRequest(stranger))).resolves.toEqual({
      ok: false,
      errorType: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('rejects a session key without its token, or with another token', async () => {
    const request = await signedRequest(session);

    for (const token of [undefined, 'another-token']) {
      const result = await verify({
        ...request,
        headers: { ...request.headers, 'x-amz-security-token': token },
      });
      expect(result).toMatchObject({ ok: false, errorType: 'UnrecognizedClientException' });
    }
  });

  it.each([
    [
      'more than 5 minutes old',
      -301,
      /^Signature expired: 20261126T195459Z is now earlier than 20261126T195500Z/,
    ],
    ['more than 5 minutes ahead', 301, /^Signature not yet current/],
  ])('rejects a request dated %s', async (_, seconds, message) => {
    const request = await signedRequest(user, { date: new Date(NOW.getTime() + seconds * 1000) });

    await expect(verify(request)).resolves.toMatchObject({
      ok: false,
      errorType: 'InvalidSignatureException',
      message: expect.stringMatching(message),
    });
  });

  it('accepts a request dated within 5 minutes either way', async () => {
    for (const seconds of [-299, 299]) {
      const request = await signedRequest(user, { date: new Date(NOW.getTime() + seconds * 1000) });
      await expect(verify(request)).resolves.toMatchObject({ ok: true });
    }
  });

  it.each([
    ['another region', { region: 'eu-west-1' }, /valid region/],
    ['another service', { service: 'execute-apix' }, /correct service: 'execute-api'/],
  ])('rejects a signature scoped to %s', async (_, scope, message) => {
    await expect(verify(await signedRequest(user, scope))).resolves.toMatchObject({
      ok: false,
      message: expect.stringMatching(message),
    });
  });

  it.each([
    ['no Authorization header', {}, 'MissingAuthenticationTokenException'],
    [
      'a Basic Authorization header',
      { authorization: 'Basic dXNlcjpwYXNz' },
      'IncompleteSignatureException',
    ],
    [
      'a truncated signature',
      {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261126/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc',
      },
      'IncompleteSignatureException',
    ],
    ['no X-Amz-Date', { 'x-amz-date': undefined }, 'IncompleteSignatureException'],
  ])('rejects %s', async (_, headers, errorType) => {
    const request = await signedRequest(user);
    const withoutAuth = { ...request.headers, authorization: undefined };

    const result = await verify({
      ...request,
      headers: {
        ...(errorType === 'MissingAuthenticationTokenException' ? withoutAuth : request.headers),
        ...headers,
      },
    });

    expect(result).toMatchObject({ ok: false, errorType });
  });
});
