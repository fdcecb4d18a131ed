import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'pg-connection-string';
import { describe, expect, inject, it } from 'vitest';
import { CredentialVendorClient } from '#client/index.js';
import { EMULATOR_KEYS } from '#fixtures/aws-credentials.js';
import {
  encryptedTaskResult,
  etlSession,
  keysOf,
  reportingUser,
  runCli,
  unmappedUser,
  useLocalVendor,
} from '#support/client-cli.js';

// The client library and the built CLI against `npm start`'s SigV4-verifying gateway.
const local = useLocalVendor();

describe('CredentialVendorClient against the local gateway', () => {
  it('gets a credential with an IAM user key', async () => {
    const client = new CredentialVendorClient({
      endpoint: local.endpoint(),
      credentials: reportingUser,
    });

    const credentials = await client.getCredentials({ target: 'analytics' });

    expect(credentials).toMatchObject({ dbUser: 'IAM:reporting', database: 'exampledb' });
    expect(credentials.expiration.getTime()).toBeGreaterThan(Date.now());
  });

  it('gets a credential with an assumed-role session and its token', async () => {
    const client = new CredentialVendorClient({
      endpoint: local.endpoint(),
      credentials: etlSession,
    });

    const credentials = await client.getCredentials({
      dbGroups: ['etl_rw'],
      durationSeconds: 1800,
    });

    expect(credentials).toMatchObject({ dbUser: 'IAMA:etl_etl-loader', dbGroups: ['etl_rw'] });
  });

  it('signs an endpoint with a query string so that it verifies', async () => {
    const client = new CredentialVendorClient({
      endpoint: `${local.vendor.url}/v1/credentials?trace=on&caller=a%20b`,
      credentials: reportingUser,
    });

    await expect(client.getCredentials()).resolves.toMatchObject({ dbUser: 'IAM:reporting' });
  });

  it('reports the handler’s refusal with its code and request id', async () => {
    const client = new CredentialVendorClient({
      endpoint: local.endpoint(),
      credentials: unmappedUser,
    });

    await expect(client.getCredentials()).rejects.toMatchObject({
      code: 'AccessDenied',
      status: 403,
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });
});

describe('the redshift-credentials CLI', () => {
  it('prints the credential as JSON', async () => {
    const { code, stdout } = await runCli(
      ['get', '--endpoint', local.endpoint(), '--target', 'analytics'],
      keysOf(reportingUser),
    );

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      dbUser: 'IAM:reporting',
      dbPassword: expect.any(String),
      // The local vendor's clusters are its PostgreSQL stand-in.
      port: expect.any(Number),
    });
  });

  it('prints export lines for eval, requiring verify-full SSL', async () => {
    const { code, stdout } = await runCli(
      [
        'get',
        '--endpoint',
        local.endpoint(),
        '--group',
        'etl_rw',
        '--duration',
        '900',
        '--format',
        'env',
      ],
      keysOf(etlSession),
    );

    expect(code).toBe(0);
    expect(
      stdout
        .trim()
        .split('\n')
        .map((line) => line.split('=')[0]),
    ).toEqual([
      'export PGHOST',
      'export PGPORT',
      'export PGDATABASE',
      'export PGUSER',
      'export PGPASSWORD',
      'export PGSSLMODE',
      'export PGAPPNAME',
    ]);
    expect(stdout).toContain("export PGUSER='IAMA:etl_etl-loader'");
    expect(stdout).toMatch(/^export PGAPPNAME='rcv:[\w-]+'$/m);
    expect(stdout).toContain("export PGSSLMODE='verify-full'");
  });

  it('prints a connection URI that pg parses back, and a .pgpass line', async () => {
    const uri = await runCli(
      ['get', '--endpoint', local.endpoint(), '--format', 'uri'],
      keysOf(reportingUser),
    );
    const pgpass = await runCli(
      ['get', '--endpoint', local.endpoint(), '--format', 'pgpass'],
      keysOf(reportingUser),
    );

    expect(parse(uri.stdout.trim())).toMatchObject({
      user: 'IAM:reporting',
      sslmode: 'verify-full',
      database: 'exampledb',
    });
    expect(pgpass.stdout.trim()).toMatch(/^[^:]+:\d+:exampledb:IAM\\:reporting:.+$/);
  });

  it('runs psql with the password in its environment, never on its command line', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'fake-psql-'));
    writeFileSync(join(bin, 'psql'), '#!/bin/sh\necho "argv: $*"\nenv | grep "^PG" | sort\n');
    chmodSync(join(bin, 'psql'), 0o755);

    const { code, stdout } = await runCli(
      ['psql', '--endpoint', local.endpoint(), '--', '-c', 'select 1'],
      {
        ...keysOf(reportingUser),
        PATH: `${bin}:${process.env.PATH}`,
      },
    );

    const password = /^PGPASSWORD=(.+)$/m.exec(stdout)?.[1] ?? '';
    expect(code).toBe(0);
    expect(stdout).toContain('argv: -c select 1');
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(stdout.split('\n')[0]).not.toContain(password);
    expect(stdout).toContain('PGSSLMODE=verify-full');
    expect(stdout).toContain('PGUSER=IAM:reporting');
  });

  it('decrypts a Step Functions task result', async () => {
    const resultFile = await encryptedTaskResult(
      's3cret/=+#',
      'arn:aws:states:us-east-1:123456789012:execution:example-etl:cli-run',
    );
    const env = {
      AWS_ENDPOINT_URL: inject('motoEndpoint'),
      ...EMULATOR_KEYS,
    };

    const password = await runCli(
      ['decrypt-task-output', '--input', resultFile, '--format', 'password'],
      env,
    );
    const json = await runCli(['decrypt-task-output', '--input', resultFile], env);

    expect(password).toMatchObject({ code: 0, stdout: 's3cret/=+#\n' });
    expect(JSON.parse(json.stdout)).toMatchObject({
      dbUser: 'IAMA:wf_example-etl',
      dbPassword: 's3cret/=+#',
    });
    expect(JSON.parse(json.stdout)).not.toHaveProperty('encryptedPassword');
  });

  it.each([
    [
      'a caller the policy does not map',
      ['get'],
      keysOf(unmappedUser),
      1,
      /^redshift-credentials: AccessDenied: /,
    ],
    [
      'a wrong secret',
      ['get'],
      { ...keysOf(reportingUser), AWS_SECRET_ACCESS_KEY: 'wrong' },
      1,
      /InvalidSignatureException/,
    ],
    [
      'a duration out of range',
      ['get', '--duration', '60'],
      keysOf(reportingUser),
      1,
      /InvalidRequest: durationSeconds/,
    ],
    [
      'an unknown format',
      ['get', '--format', 'yaml'],
      keysOf(reportingUser),
      2,
      /--format must be one of/,
    ],
    ['an unknown option', ['get', '--frmat', 'env'], keysOf(reportingUser), 2, /Unknown option/],
    ['no command', [], keysOf(reportingUser), 2, /a command is required/],
  ])(
    'exits non-zero with the code and message for %s, printing no password',
    async (_, args, env, exitCode, message) => {
      const withEndpoint = args.length > 0 ? [...args, '--endpoint', local.endpoint()] : args;

      const { code, stdout, stderr } = await runCli(withEndpoint, env);

      expect(code).toBe(exitCode);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
    },
  );
});
