import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

// The client as a service installs it: the packed `redshift-credentials` tarball in an empty
// project, with nothing of the Lambda side.
const run = promisify(execFile);
const project = mkdtempSync(join(tmpdir(), 'consumer-'));
// npm's own variables from an outer `npm test` would turn the inner npm to this repository.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')),
);

beforeAll(async () => {
  const packed = await run(
    'npm',
    ['pack', '--workspace', 'client', '--ignore-scripts', '--json', '--pack-destination', project],
    { env },
  );
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${filename}`], {
    cwd: project,
    env,
  });
}, 240_000);

describe('the redshift-credentials package', () => {
  it('imports in a project of its own, with its types', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('redshift-credentials'); console.log(Object.keys(m).sort().join(' '))",
      ],
      { cwd: project, env },
    );

    expect(stdout.trim().split(' ')).toEqual(
      expect.arrayContaining([
        'CredentialVendorClient',
        'CredentialVendorError',
        'decryptTaskCredentials',
        'pgConfig',
        'pgPoolConfig',
      ]),
    );
    const types = join(project, 'node_modules/redshift-credentials/dist/types');
    expect(existsSync(join(types, 'client/index.d.ts'))).toBe(true);
    expect(existsSync(join(types, 'functions/contract.d.ts'))).toBe(true);
  });

  it('runs its binary', async () => {
    const { stdout } = await run(join(project, 'node_modules/.bin/redshift-credentials'), [
      '--help',
    ]);

    expect(stdout).toMatch(/^usage:\n {2}redshift-credentials get/);
  });

  it.each([
    '@aws-lambda-powertools',
    '@middy',
    '@aws-sdk/client-redshift',
    '@aws-sdk/client-redshift-serverless',
    '@aws-sdk/client-sfn',
    '@aws-sdk/client-sts',
    'js-yaml',
    'zod',
    'esbuild',
  ])('installs without %s', (name) => {
    expect(existsSync(join(project, 'node_modules', name))).toBe(false);
  });
});
