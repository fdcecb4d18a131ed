import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const folder = mkdtempSync(join(tmpdir(), 'policy-cli-'));

export function policy(args: string[], cwd = '.') {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', resolve('scripts/policy.ts'), ...args],
    { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  );
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * A project whose layer holds a copy of `policyFile`: the tests of the commands' default file run
 * there, so the deployer's own policy stays theirs to edit.
 */
export function projectWithLayerPolicy(policyFile: string): string {
  const project = mkdtempSync(join(tmpdir(), 'policy-project-'));
  mkdirSync(join(project, 'layers/policy/policy'), { recursive: true });
  copyFileSync(policyFile, join(project, 'layers/policy/policy/policy.yaml'));
  symlinkSync(resolve('node_modules'), join(project, 'node_modules'));
  return project;
}

export function write(name: string, text: string): string {
  const file = join(folder, name);
  writeFileSync(file, text);
  return file;
}

export const TARGETS =
  'targets:\n  analytics: { clusterIdentifier: examplecluster, database: exampledb }\n';
export const INVALID = write(
  'invalid.yaml',
  `version: 1\ntargets:\n  analytics: { clusterIdentifer: examplecluster, database: exampledb }\nrules:\n  - name: etl\n    principals: ["arn:aws:iam::123456789012:role/etl-*"]\n    targets: [analytics]\n    dbUser: "etl_\${roleName}"\n    dbGroups: [Admins]\n    maxDurationSeconds: 7200\n`,
);
export const WARNING_ONLY = write(
  'warning.yaml',
  `version: 1\n${TARGETS}rules:\n  - name: all-roles\n    principals: ["arn:aws:iam::123456789012:role/*"]\n    targets: [analytics]\n    dbUser: "r_\${roleName}"\n  - name: no-contractors\n    principals: ["arn:aws:iam::123456789012:role/contractor-*"]\n    effect: deny\n`,
);
export const FAILING_CASES = write(
  'failing.test.yaml',
  `cases:\n  - name: contractors are refused\n    principal: arn:aws:sts::123456789012:assumed-role/contractor-jo/s1\n    expect: { decision: denied }\n  - name: roles get their user\n    principal: arn:aws:sts::123456789012:assumed-role/etl-a/s1\n    expect: { decision: issued, dbUser: r_etl-a }\n`,
);
