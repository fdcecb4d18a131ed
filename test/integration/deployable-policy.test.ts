import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The deployable policy is the deployer's own: editing it to a real account and cluster must
// break nothing but what describes it. This runs the whole suite in a copy of the repository
// whose policy folder names another account and cluster.
const NESTED = 'DEPLOYABLE_POLICY_REWRITTEN';
const POLICY_FOLDER = 'layers/policy';
// What a fresh clone lacks: installs, build and bench outputs.
const SKIPPED = new Set(['node_modules', '.git', '.aws-sam', 'bench', 'coverage']);

/** Every file under `folder`. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}

describe.skipIf(process.env[NESTED])('the deployable policy', () => {
  it('can name another account and cluster without failing any test', () => {
    const copy = mkdtempSync(join(tmpdir(), 'vendor-copy-'));
    cpSync('.', copy, { recursive: true, filter: (source) => !SKIPPED.has(source) });
    symlinkSync(resolve('node_modules'), join(copy, 'node_modules'));
    for (const file of filesUnder(join(copy, POLICY_FOLDER))) {
      const text = readFileSync(file, 'utf8');
      writeFileSync(
        file,
        text.replaceAll('123456789012', '210987654321').replaceAll('examplecluster', 'prod-dwh'),
      );
    }

    const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run'], {
      cwd: copy,
      env: { ...process.env, [NESTED]: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
      encoding: 'utf8',
    });

    const policyChecks = ['check --strict', 'test'].map((command) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/policy.ts', ...command.split(' ')], {
        cwd: copy,
        encoding: 'utf8',
      }),
    );

    expect(readFileSync(join(copy, POLICY_FOLDER, 'policy/policy.yaml'), 'utf8')).toContain(
      'prod-dwh',
    );
    for (const policyCheck of policyChecks) {
      expect(policyCheck.status, policyCheck.stdout + policyCheck.stderr).toBe(0);
    }
    expect(`${run.stdout}${run.stderr}`).toMatch(/Tests\s+\d+ passed/);
    expect(run.status, `${run.stdout}\n${run.stderr}`.slice(-3000)).toBe(0);
  }, 300_000);
});
