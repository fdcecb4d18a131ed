import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIOME = resolve('node_modules/.bin/biome');

/** Lints `files` (path -> source) in a scratch project that uses this repository's Biome rules. */
function lint(files: Record<string, string>): string {
  const project = mkdtempSync(join(tmpdir(), 'domain-lint-'));
  const config = JSON.parse(readFileSync('biome.json', 'utf8')) as Record<string, unknown>;
  delete config.$schema;
  writeFileSync(
    join(project, 'biome.json'),
    JSON.stringify({ ...config, vcs: { enabled: false } }),
  );
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), source);
  }
  const { stdout, stderr } = spawnSync(BIOME, ['lint', '--max-diagnostics=50', '.'], {
    cwd: project,
    encoding: 'utf8',
  });
  return `${stdout}${stderr}`;
}

const importing = (module: string) => `import { x } from '${module}';\n\nexport const y = x;\n`;

describe('the domain import rule', () => {
  it.each([
    '@aws-sdk/client-redshift',
    '@smithy/core/retry',
    'node:fs',
    'aws-lambda',
    '../../client/connection.js',
    '#client/connection.js',
    '#adapters/redshift-credential-issuer.js',
  ])('fails lint for a domain file importing %s', (module) => {
    const output = lint({ 'functions/domain/example.ts': importing(module) });

    expect(output).toMatch(/functions\/domain\/example\.ts:1:\d+ lint\/style\/noRestrictedImports/);
  });

  it('lets the domain import its own modules and the wire contract, and adapters import the SDK', () => {
    const output = lint({
      'functions/domain/example.ts': importing('./ports.js'),
      'functions/domain/other.ts': importing('../contract.js'),
      'functions/adapters/example.ts': importing('@aws-sdk/client-redshift'),
    });

    expect(output).not.toMatch(/noRestrictedImports/);
    expect(output).toMatch(/Checked \d+ files?/);
  });
});
