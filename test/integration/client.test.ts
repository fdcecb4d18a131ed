import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { parse } from 'pg-connection-string';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CredentialVendorClient } from '#client/index.js';
import { EMULATOR_KEYS } from '#fixtures/aws-credentials.js';
import { EXAMPLE_CONNECTION } from '#fixtures/example-connection.js';
import { freePort } from '#local/free-port.js';
import type { LocalIdentity } from '#local/identities.js';
import { type LocalVendor, localIdentity, startLocalVendor } from '#support/local-vendor.js';

// The client library and the built CLI against `npm start`'s SigV4-verifying gateway.
const reportingUser = localIdentity(':user/services/reporting-daily');
const etlSession = localIdentity(':assumed-role/etl-loader/local-session');
const unmappedUser = localIdentity(':user/alice');

const keysOf = ({ accessKeyId, secretAccessKey, sessionToken }: LocalIdentity) => ({
  AWS_ACCESS_KEY_ID: accessKeyId,
  AWS_SECRET_ACCESS_KEY: secretAccessKey,
  ...(sessionToken ? { AWS_SESSION_TOKEN: sessionToken } : {}),
});

let vendor: LocalVendor;
const endpoint = () => `${vendor.url}/credentials`;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `redshift-credentials` binary in exactly `env`, as `npx redshift-credentials` would. */
function runCliIn(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['client/dist/redshift-credentials.mjs', ...args],
      { env },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

/** The binary in the test environment, with `env` on top and no session token or profile. */
const runCli = (args: string[], env: Record<string, string> = {}) =>
  runCliIn(args, {
    ...(process.env as Record<string, string>),
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    ...env,
  });

/** A task result whose password moto's KMS encrypted for `executionArn`, written to a file. */
async function encryptedTaskResult(password: string, executionArn: string): Promise<string> {
  const kms = new KMSClient({ endpoint: inject('motoEndpoint'), region: 'us-east-1' });
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  const { CiphertextBlob } = await kms.send(
    new EncryptCommand({
      KeyId: KeyMetadata?.Arn,
      Plaintext: Buffer.from(password),
      EncryptionContext: { executionArn },
    }),
  );
  const resultFile = join(mkdtempSync(join(tmpdir(), 'task-')), 'result.json');
  writeFileSync(
    resultFile,
    JSON.stringify({
      dbUser: 'IAMA:wf_example-etl',
      expiration: new Date(Date.now() + 900_000).toISOString(),
      ...EXAMPLE_CONNECTION,
      dbGroups: ['etl_rw'],
      executionArn,
      encryptedPassword: Buffer.from(CiphertextBlob ?? []).toString('base64'),
      keyId: KeyMetadata?.Arn,
    }),
  );
  return resultFile;
}

beforeAll(async () => {
  vendor = await startLocalVendor({ AWS_ENDPOINT_URL: inject('motoEndpoint') });
});

afterAll(async () => {
  await vendor.stop();
});

describe('CredentialVendorClient against the local gateway', () => {
  it('gets a credential with an IAM user key', async () => {
    const client = new CredentialVendorClient({ endpoint: endpoint(), credentials: reportingUser });

    const credentials = await client.getCredentials({ target: 'analytics' });

    expect(credentials).toMatchObject({ dbUser: 'IAM:reporting', database: 'exampledb' });
    expect(credentials.expiration.getTime()).toBeGreaterThan(Date.now());
  });

  it('gets a credential with an assumed-role session and its token', async () => {
    const client = new CredentialVendorClient({ endpoint: endpoint(), credentials: etlSession });

    const credentials = await client.getCredentials({
      dbGroups: ['etl_rw'],
      durationSeconds: 1800,
    });

    expect(credentials).toMatchObject({ dbUser: 'IAMA:etl_etl-loader', dbGroups: ['etl_rw'] });
  });

  it('signs an endpoint with a query string so that it verifies', async () => {
    const client = new CredentialVendorClient({
      endpoint: `${vendor.url}/v1/credentials?trace=on&caller=a%20b`,
      credentials: reportingUser,
    });

    await expect(client.getCredentials()).resolves.toMatchObject({ dbUser: 'IAM:reporting' });
  });

  it('reports the handler’s refusal with its code and request id', async () => {
    const client = new CredentialVendorClient({ endpoint: endpoint(), credentials: unmappedUser });

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
      ['get', '--endpoint', endpoint(), '--target', 'analytics'],
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
        endpoint(),
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
    ]);
    expect(stdout).toContain("export PGUSER='IAMA:etl_etl-loader'");
    expect(stdout).toContain("export PGSSLMODE='verify-full'");
  });

  it('prints a connection URI that pg parses back, and a .pgpass line', async () => {
    const uri = await runCli(
      ['get', '--endpoint', endpoint(), '--format', 'uri'],
      keysOf(reportingUser),
    );
    const pgpass = await runCli(
      ['get', '--endpoint', endpoint(), '--format', 'pgpass'],
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
      ['psql', '--endpoint', endpoint(), '--', '-c', 'select 1'],
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
      const withEndpoint = args.length > 0 ? [...args, '--endpoint', endpoint()] : args;

      const { code, stdout, stderr } = await runCli(withEndpoint, env);

      expect(code).toBe(exitCode);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
    },
  );
});

describe('the redshift-credentials CLI as a tool', () => {
  const gatewayRequests = () =>
    vendor
      .stderr()
      .split('\n')
      .filter((line) => line.startsWith('[gateway] POST')).length;

  const fakePsql = (script: string) => {
    const bin = mkdtempSync(join(tmpdir(), 'fake-psql-'));
    writeFileSync(join(bin, 'psql'), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, 'psql'), 0o755);
    return bin;
  };

  it('says a missing endpoint is a usage error, in one line', async () => {
    const { code, stderr } = await runCli(['get'], {
      ...keysOf(reportingUser),
      REDSHIFT_CREDENTIALS_ENDPOINT: '',
    });

    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([
      'redshift-credentials: --endpoint (or REDSHIFT_CREDENTIALS_ENDPOINT) is required (see redshift-credentials --help)',
    ]);
  });

  it('says a missing region is a usage error, not a TypeError', async () => {
    const { code, stderr } = await runCli(['get', '--endpoint', endpoint()], {
      ...keysOf(reportingUser),
      AWS_REGION: '',
    });

    expect(code).toBe(2);
    expect(stderr).toMatch(/--region \(or AWS_REGION\) is required/);
    expect(stderr).not.toContain('TypeError');
  });

  it('names the cause when nothing listens at the endpoint', async () => {
    const port = await freePort();

    const { code, stderr } = await runCli(
      ['get', '--endpoint', `http://127.0.0.1:${port}/credentials`],
      keysOf(reportingUser),
    );

    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `redshift-credentials: NetworkError: cannot reach http://127.0.0.1:${port} (ECONNREFUSED 127.0.0.1:${port})`,
    );
  });

  it('finds psql missing before it asks the vendor for a credential', async () => {
    const before = gatewayRequests();

    const { code, stderr } = await runCli(['psql', '--endpoint', endpoint()], {
      ...keysOf(reportingUser),
      PATH: mkdtempSync(join(tmpdir(), 'empty-path-')),
    });

    expect(code).toBe(1);
    expect(stderr).toMatch(/^redshift-credentials: psql is not on the PATH: install/);
    expect(gatewayRequests()).toBe(before);
  });

  it('passes psql’s own exit status through', async () => {
    const bin = fakePsql('exit 3');

    const { code } = await runCli(['psql', '--endpoint', endpoint()], {
      ...keysOf(reportingUser),
      PATH: `${bin}:${process.env.PATH}`,
    });

    expect(code).toBe(3);
  });

  it('verifies against a private CA from --ca, or from PGSSLROOTCERT', async () => {
    const ca = join(mkdtempSync(join(tmpdir(), 'ca-')), 'ca.pem');
    writeFileSync(ca, 'a CA bundle');
    const bin = fakePsql('env | grep "^PGSSLROOTCERT"');

    const env = await runCli(['get', '--endpoint', endpoint(), '--format', 'env', '--ca', ca], {
      ...keysOf(reportingUser),
      PGSSLROOTCERT: '',
    });
    const uri = await runCli(['get', '--endpoint', endpoint(), '--format', 'uri'], {
      ...keysOf(reportingUser),
      PGSSLROOTCERT: ca,
    });
    const psql = await runCli(['psql', '--endpoint', endpoint(), '--ca', ca], {
      ...keysOf(reportingUser),
      PATH: `${bin}:${process.env.PATH}`,
    });
    const missing = await runCli(['get', '--endpoint', endpoint(), '--ca', `${ca}.absent`], {
      ...keysOf(reportingUser),
    });

    expect(env.stdout).toContain(`export PGSSLROOTCERT='${ca}'`);
    expect(parse(uri.stdout.trim())).toMatchObject({ sslrootcert: ca });
    expect(psql.stdout.trim()).toBe(`PGSSLROOTCERT=${ca}`);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toMatch(/--ca .*\.absent: no such file/);
  });

  it('decrypts the task result inside a whole workflow state with --path', async () => {
    const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:example-etl:with-path';
    const resultFile = await encryptedTaskResult('p4ss/word', executionArn);
    const stateFile = `${resultFile}.state.json`;
    writeFileSync(
      stateFile,
      JSON.stringify({
        input: { day: '2026-11-27' },
        redshift: { credentials: JSON.parse(readFileSync(resultFile, 'utf8')) },
      }),
    );
    const env = {
      AWS_ENDPOINT_URL: inject('motoEndpoint'),
      ...EMULATOR_KEYS,
    };

    const found = await runCli(
      [
        'decrypt-task-output',
        '--input',
        stateFile,
        '--path',
        '$.redshift.credentials',
        '--format',
        'password',
      ],
      env,
    );
    const wrongPath = await runCli(
      ['decrypt-task-output', '--input', stateFile, '--path', '$.redshift.result'],
      env,
    );
    const noPath = await runCli(['decrypt-task-output', '--input', stateFile], env);

    expect(found).toMatchObject({ code: 0, stdout: 'p4ss/word\n' });
    expect(wrongPath).toMatchObject({ code: 1, stdout: '' });
    expect(wrongPath.stderr).toMatch(/--path \$\.redshift\.result: nothing there/);
    expect(noPath.stderr).toMatch(/not a credentials-task result: pass --path/);
  });

  it('says a result presented for another execution was issued to another execution', async () => {
    const resultFile = await encryptedTaskResult(
      'p4ss/word',
      'arn:aws:states:us-east-1:123456789012:execution:example-etl:issued-to',
    );
    const presented = JSON.parse(readFileSync(resultFile, 'utf8'));
    presented.executionArn = 'arn:aws:states:us-east-1:123456789012:execution:example-etl:other';
    writeFileSync(resultFile, JSON.stringify(presented));

    const { code, stdout, stderr } = await runCli(['decrypt-task-output', '--input', resultFile], {
      AWS_ENDPOINT_URL: inject('motoEndpoint'),
      ...EMULATOR_KEYS,
    });

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /KMS refused to decrypt the password for .*:other: the result was issued to another execution/,
    );
    expect(stderr).not.toContain('p4ss');
  });

  it.each(['get', 'psql', 'decrypt-task-output'])(
    'explains %s with --help, with an example',
    async (command) => {
      const { code, stdout } = await runCli([command, '--help']);

      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^usage: redshift-credentials ${command}`));
      expect(stdout).toMatch(/\nexample:\n {2}.*redshift-credentials/);
      expect(stdout).toContain('exit status');
    },
  );
});

describe('the redshift-credentials CLI with only an AWS profile', () => {
  // A user whose whole AWS setup is ~/.aws/credentials and ~/.aws/config: no AWS_* credential
  // variables. The CLI must use the SDK's full default credential chain to find them.
  function profileOnlyEnvironment(identity: LocalIdentity): Record<string, string> {
    const home = mkdtempSync(join(tmpdir(), 'home-'));
    mkdirSync(join(home, '.aws'));
    writeFileSync(
      join(home, '.aws', 'credentials'),
      `[default]\naws_access_key_id = ${identity.accessKeyId}\naws_secret_access_key = ${identity.secretAccessKey}\n`,
    );
    writeFileSync(join(home, '.aws', 'config'), '[default]\nregion = us-east-1\n');
    return {
      PATH: process.env.PATH ?? '',
      HOME: home,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
  }

  it('gets a credential signed with the profile’s keys', async () => {
    const { code, stdout, stderr } = await runCliIn(
      ['get', '--endpoint', endpoint(), '--region', 'us-east-1'],
      profileOnlyEnvironment(reportingUser),
    );

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ dbUser: 'IAM:reporting' });
  });

  it('decrypts a task result with KMS called with the profile’s keys', async () => {
    const resultFile = await encryptedTaskResult(
      'pr0file/=+#',
      'arn:aws:states:us-east-1:123456789012:execution:example-etl:profile-run',
    );

    const { code, stdout, stderr } = await runCliIn(
      ['decrypt-task-output', '--input', resultFile, '--format', 'password'],
      { ...profileOnlyEnvironment(reportingUser), AWS_ENDPOINT_URL: inject('motoEndpoint') },
    );

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toBe('pr0file/=+#\n');
  });
});
