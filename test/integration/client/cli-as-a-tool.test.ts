import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'pg-connection-string';
import { describe, expect, inject, it } from 'vitest';
import { EMULATOR_KEYS } from '#fixtures/aws-credentials.js';
import { freePort } from '#local/free-port.js';
import type { LocalIdentity } from '#local/identities.js';
import {
  encryptedTaskResult,
  keysOf,
  reportingUser,
  runCli,
  runCliIn,
  useLocalVendor,
} from '#support/client-cli.js';

// The client library and the built CLI against `npm start`'s SigV4-verifying gateway.
const local = useLocalVendor();

describe('the redshift-credentials CLI as a tool', () => {
  const gatewayRequests = () =>
    local.vendor
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
    const { code, stderr } = await runCli(['get', '--endpoint', local.endpoint()], {
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

    const { code, stderr } = await runCli(['psql', '--endpoint', local.endpoint()], {
      ...keysOf(reportingUser),
      PATH: mkdtempSync(join(tmpdir(), 'empty-path-')),
    });

    expect(code).toBe(1);
    expect(stderr).toMatch(/^redshift-credentials: psql is not on the PATH: install/);
    expect(gatewayRequests()).toBe(before);
  });

  it('passes psql’s own exit status through', async () => {
    const bin = fakePsql('exit 3');

    const { code } = await runCli(['psql', '--endpoint', local.endpoint()], {
      ...keysOf(reportingUser),
      PATH: `${bin}:${process.env.PATH}`,
    });

    expect(code).toBe(3);
  });

  it('verifies against a private CA from --ca, or from PGSSLROOTCERT', async () => {
    const ca = join(mkdtempSync(join(tmpdir(), 'ca-')), 'ca.pem');
    writeFileSync(ca, 'a CA bundle');
    const bin = fakePsql('env | grep "^PGSSLROOTCERT"');

    const env = await runCli(
      ['get', '--endpoint', local.endpoint(), '--format', 'env', '--ca', ca],
      {
        ...keysOf(reportingUser),
        PGSSLROOTCERT: '',
      },
    );
    const uri = await runCli(['get', '--endpoint', local.endpoint(), '--format', 'uri'], {
      ...keysOf(reportingUser),
      PGSSLROOTCERT: ca,
    });
    const psql = await runCli(['psql', '--endpoint', local.endpoint(), '--ca', ca], {
      ...keysOf(reportingUser),
      PATH: `${bin}:${process.env.PATH}`,
    });
    const missing = await runCli(['get', '--endpoint', local.endpoint(), '--ca', `${ca}.absent`], {
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
      ['get', '--endpoint', local.endpoint(), '--region', 'us-east-1'],
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
