import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The deployable policy (layers/policy/) is the deployer's own: editing it to a real account and
// cluster must break nothing but what describes it, its own cases. So nothing the suite, the local
// stack or the build runs may read it, and the only checks that do are the policy's own (npm test
// runs `policy check --strict` and `policy test` on it).
const POLICY_FOLDER = 'layers/policy';
// The places that name it on purpose: the operator tools' default file (npm run policy, npm run
// revoke), and the policy commands' test, which builds a project of its own holding a layer
// folder to show that default.
const ALLOWED = new Set([
  'scripts/deployable-policy.ts',
  'test/integration/policy-cli/commands.test.ts',
  'test/support/policy-cli.ts',
  'test/integration/deployable-policy.test.ts',
]);
const SCANNED = ['test', 'local', 'scripts', 'functions', 'client', 'events', 'statemachine'];
const SKIPPED = new Set(['node_modules', 'dist']);
// `layers/policy`, however it is spelt: a path, or joined from its parts.
const MENTION = /layers['"`]?\s*[/,+]\s*['"`]?policy/;

/** Every file under `folder`. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const path = join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

function policyCommand(args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/policy.ts', ...args], {
    encoding: 'utf8',
  });
}

describe('the deployable policy', () => {
  it('is read by nothing the suite, the local stack or the build runs', () => {
    const files = [
      ...SCANNED.flatMap(filesUnder),
      'package.json',
      'vitest.config.ts',
      'tsconfig.json',
      'biome.json',
    ];
    const readers = files.filter(
      (file) => !ALLOWED.has(file) && MENTION.test(readFileSync(file, 'utf8')),
    );

    expect(files.length).toBeGreaterThan(100);
    expect(readers).toEqual([]);
  });

  it('passes its own checks, and compared with itself changes nothing, when it names another account and cluster', () => {
    const copy = mkdtempSync(join(tmpdir(), 'deployer-policy-'));
    cpSync(POLICY_FOLDER, copy, { recursive: true });
    for (const name of ['policy.yaml', 'policy.test.yaml']) {
      const file = join(copy, 'policy', name);
      writeFileSync(
        file,
        readFileSync(file, 'utf8')
          .replaceAll('123456789012', '210987654321')
          .replaceAll('examplecluster', 'prod-dwh'),
      );
    }
    const policyFile = resolve(copy, 'policy/policy.yaml');

    const checked = policyCommand(['check', '--strict', policyFile]);
    const tested = policyCommand(['test', policyFile]);
    const compared = policyCommand(['diff', policyFile, policyFile]);

    expect(readFileSync(policyFile, 'utf8')).toContain('prod-dwh');
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
    expect(tested.status, tested.stdout + tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/[1-9]\d* passed, 0 failed/);
    // Compared with itself, with its cases, it changes no decision.
    expect(compared.status, compared.stdout + compared.stderr).toBe(0);
    expect(compared.stdout).toMatch(/compared \d+ callers \([1-9]\d* from the cases/);
    expect(compared.stdout.trim().split('\n').at(-1)).toBe('0 gained, 0 lost, 0 changed');
  });
});
