import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LocalIdentity } from '#local/identities.js';
import {
  curl,
  curlSignedHeaders,
  type LocalVendor,
  localIdentity,
  sigv4,
  startLocalVendor,
} from '#support/local-vendor.js';

// `npm start` as a new user runs it, called with the real curl binary (an independent SigV4
// implementation): the gateway must accept what AWS would accept and refuse what AWS would refuse.
const _run = promisify(execFile);
const reportingUser = localIdentity(':user/services/reporting-daily');
const etlSession = localIdentity(':assumed-role/etl-loader/local-session');
const unmappedUser = localIdentity(':user/alice');

let vendor: LocalVendor;
const auditLines = () => vendor.stdout().match(/"message":"Credential decision"/g)?.length ?? 0;
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;
const credentialsUrl = () => `${vendor.url}/credentials`;

/** Sends a request curl signed for `body`, with `change` applied to it after signing. */
async function replayChanged(
  identity: LocalIdentity,
  {
    body,
    change,
  }: {
    body: string;
    change: (headers: [string, string][], body: string) => [[string, string][], string];
  },
  signOptions: string[] = [],
) {
  const signed = await curlSignedHeaders('/credentials', [
    ...sigv4(identity),
    ...signOptions,
    '-H',
    'content-type: application/json',
    '-d',
    body,
  ]);
  const unique = signed.filter(
    ([name], i) => signed.findIndex(([other]) => other.toLowerCase() === name.toLowerCase()) === i,
  );
  const [headers, sentBody] = change(unique, body);
  const forwarded = headers
    .filter(([name]) => !['content-length', 'user-agent', 'accept'].includes(name.toLowerCase()))
    .flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  return curl([credentialsUrl(), ...forwarded, '--data-binary', sentBody]);
}

beforeAll(async () => {
  vendor = await startLocalVendor({ AWS_ENDPOINT_URL: inject('motoEndpoint') });
});

afterAll(async () => {
  expect(await vendor.stop()).toBe(0);
});

describe('npm start: the local SigV4 gateway', () => {
  it('answers a mapped IAM user with a credential that has not expired', async () => {
    const response = await curl([
      credentialsUrl(),
      ...sigv4(reportingUser),
      '-H',
      'content-type: application/json',
      '-d',
      '{}',
    ]);

    expect(response.status).toBe(200);
    expect(json(response.body)).toMatchObject({ dbUser: 'IAM:reporting', target: 'analytics' });
    expect(new Date(String(json(response.body).expiration)).getTime()).toBeGreaterThan(Date.now());
    expect(response.headers).toMatch(/cache-control: no-store/i);
  });

  it('answers a mapped assumed-role session that sends its x-amz-security-token', async () => {
    const response = await curl([
      `${vendor.url}/v1/credentials`,
      ...sigv4(etlSession),
      '-d',
      '{"durationSeconds":1800}',
    ]);

    expect(response.status).toBe(200);
    expect(json(response.body)).toMatchObject({
      dbUser: 'IAMA:etl_etl-loader',
      dbGroups: ['etl_rw'],
    });
    expect(new Date(String(json(response.body).expiration)).getTime()).toBeGreaterThan(
      Date.now() + 1_700_000,
    );
  });

  it('passes a verified but unmapped identity to the handler, which denies it', async () => {
    const before = auditLines();

    const response = await curl([credentialsUrl(), ...sigv4(unmappedUser), '-d', '{}']);

    expect(response.status).toBe(403);
    expect(json(response.body)).toMatchObject({ error: { code: 'AccessDenied' } });
    await expect.poll(auditLines).toBe(before + 1);
  });

  it("accepts curl's signed request replayed unchanged (the control for the tampering tests below)", async () => {
    const response = await replayChanged(reportingUser, {
      body: '{}',
      change: (headers, body) => [headers, body],
    });

    expect(response.status).toBe(200);
  });

  describe('refused by the gateway before any handler runs', () => {
    let before: number;
    const expectGatewayRefusal = async (
      response: { status: number; headers: string; body: string },
      errorType: string,
      message: RegExp,
    ) => {
      expect(response.status).toBe(403);
      expect(response.headers).toMatch(new RegExp(`x-amzn-ErrorType: ${errorType}`, 'i'));
      expect(json(response.body)).toEqual({ message: expect.stringMatching(message) });
      // Give a handler that wrongly ran time to log, then check it did not.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(auditLines()).toBe(before);
    };

    beforeAll(() => {
      before = auditLines();
    });

    it('a signature made with a wrong secret', async () => {
      const response = await curl([
        credentialsUrl(),
        ...sigv4({ ...reportingUser, secretAccessKey: 'wrong-secret' }),
        '-d',
        '{}',
      ]);

      await expectGatewayRefusal(
        response,
        'InvalidSignatureException',
        /does not match the signature you provided/,
      );
    });

    it('an unknown access key', async () => {
      const response = await curl([
        credentialsUrl(),
        ...sigv4({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' }),
        '-d',
        '{}',
      ]);

      await expectGatewayRefusal(
        response,
        'UnrecognizedClientException',
        /security token included in the request is invalid/,
      );
    });

    it('a session key without its token', async () => {
      const { sessionToken: _, ...withoutToken } = etlSession;

      const response = await curl([credentialsUrl(), ...sigv4(withoutToken), '-d', '{}']);

      await expectGatewayRefusal(response, 'UnrecognizedClientException', /security token/);
    });

    it('a body changed after signing', async () => {
      const response = await replayChanged(reportingUser, {
        body: '{"durationSeconds":900}',
        change: (headers) => [headers, '{"durationSeconds":3600}'],
      });

      await expectGatewayRefusal(response, 'InvalidSignatureException', /does not match/);
    });

    it('a signed header changed after signing', async () => {
      const response = await replayChanged(reportingUser, {
        body: '{}',
        change: (headers, body) => [
          headers.map(([name, value]): [string, string] =>
            name.toLowerCase() === 'content-type' ? [name, 'text/plain'] : [name, value],
          ),
          body,
        ],
      });

      await expectGatewayRefusal(response, 'InvalidSignatureException', /does not match/);
    });

    it('an x-amz-date more than 5 minutes old', async () => {
      const stale = new Date(Date.now() - 6 * 60_000)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');

      const response = await replayChanged(
        reportingUser,
        { body: '{}', change: (headers, body) => [headers, body] },
        ['-H', `X-Amz-Date: ${stale}`],
      );

      await expectGatewayRefusal(response, 'InvalidSignatureException', /^Signature expired/);
    });

    it('an unsigned request', async () => {
      const response = await curl([credentialsUrl(), '-d', '{}']);

      await expectGatewayRefusal(
        response,
        'MissingAuthenticationTokenException',
        /^Missing Authentication Token$/,
      );
    });

    it('a route the API does not have', async () => {
      const response = await curl([`${vendor.url}/admin`, ...sigv4(reportingUser), '-d', '{}']);

      await expectGatewayRefusal(
        response,
        'MissingAuthenticationTokenException',
        /^Missing Authentication Token$/,
      );
    });
  });
});

describe('npm start without an emulator of its own', () => {
  it('starts moto_server itself, and Ctrl-C stops the gateway and moto_server', async () => {
    const own = await startLocalVendor({ AWS_ENDPOINT_URL: '' });
    const emulator = /AWS emulator (http:\/\/127\.0\.0\.1:\d+)/.exec(own.stdout())?.[1] ?? '';
    const response = await curl([`${own.url}/credentials`, ...sigv4(reportingUser), '-d', '{}']);

    const exitCode = await own.stop();

    expect(response.status).toBe(200);
    expect(emulator).not.toBe(inject('motoEndpoint'));
    expect(exitCode).toBe(0);
    await expect(fetch(`${emulator}/moto-api/`)).rejects.toThrow();
    await expect(fetch(`${own.url}/credentials`, { method: 'POST' })).rejects.toThrow();
  }, 90_000);
});
