import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// `npm run policy -- <command>`: what a reviewer sees and the exit codes scripts rely on.
const folder = mkdtempSync(join(tmpdir(), 'policy-cli-'));

function policy(args: string[], cwd = '.') {
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
function projectWithLayerPolicy(policyFile: string): string {
  const project = mkdtempSync(join(tmpdir(), 'policy-project-'));
  mkdirSync(join(project, 'layers/policy/policy'), { recursive: true });
  copyFileSync(policyFile, join(project, 'layers/policy/policy/policy.yaml'));
  symlinkSync(resolve('node_modules'), join(project, 'node_modules'));
  return project;
}

function write(name: string, text: string): string {
  const file = join(folder, name);
  writeFileSync(file, text);
  return file;
}

const TARGETS =
  'targets:\n  analytics: { clusterIdentifier: examplecluster, database: exampledb }\n';
const INVALID = write(
  'invalid.yaml',
  `version: 1\ntargets:\n  analytics: { clusterIdentifer: examplecluster, database: exampledb }\nrules:\n  - name: etl\n    principals: ["arn:aws:iam::123456789012:role/etl-*"]\n    targets: [analytics]\n    dbUser: "etl_\${roleName}"\n    dbGroups: [Admins]\n    maxDurationSeconds: 7200\n`,
);
const WARNING_ONLY = write(
  'warning.yaml',
  `version: 1\n${TARGETS}rules:\n  - name: all-roles\n    principals: ["arn:aws:iam::123456789012:role/*"]\n    targets: [analytics]\n    dbUser: "r_\${roleName}"\n  - name: no-contractors\n    principals: ["arn:aws:iam::123456789012:role/contractor-*"]\n    effect: deny\n`,
);
const FAILING_CASES = write(
  'failing.test.yaml',
  `cases:\n  - name: contractors are refused\n    principal: arn:aws:sts::123456789012:assumed-role/contractor-jo/s1\n    expect: { decision: denied }\n  - name: roles get their user\n    principal: arn:aws:sts::123456789012:assumed-role/etl-a/s1\n    expect: { decision: issued, dbUser: r_etl-a }\n`,
);

describe('npm run policy -- check', () => {
  it('checks the layer’s policy when no file is named, strictly, with exit 0', () => {
    const { code, stdout } = policy(
      ['check', '--strict'],
      projectWithLayerPolicy('local/policy.yaml'),
    );

    expect(code).toBe(0);
    expect(stdout.trim()).toBe('layers/policy/policy/policy.yaml: 0 problems, 0 warnings — valid');
  });

  it('prints every problem with file, line, field and rule, and exits 1', () => {
    const { code, stdout } = policy(['check', INVALID]);

    expect(code).toBe(1);
    expect(stdout).toContain(
      `${INVALID}:3: error targets.analytics: unknown field clusterIdentifer (did you mean clusterIdentifier?)`,
    );
    expect(stdout).toContain(
      `${INVALID}:10: error rules[0].maxDurationSeconds (rule #0 etl): must be at most 3600`,
    );
    expect(stdout).toContain(`${INVALID}:9: error rules[0].dbGroups[0] (rule #0 etl):`);
    expect(stdout.trim().split('\n').at(-1)).toBe(`${INVALID}: 4 problems, 0 warnings`);
  });

  it('prints a warning and exits 0, or 1 with --strict', () => {
    const lenient = policy(['check', WARNING_ONLY]);
    const strict = policy(['check', '--strict', WARNING_ONLY]);

    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain(
      `${WARNING_ONLY}:9: warning rules[1] (no-contractors) is never reached: rules[0] (all-roles) already matches every principal it names`,
    );
    expect(strict.code).toBe(1);
  });
});

describe('npm run policy -- check, on a policy written as JSON', () => {
  const document = {
    version: 1,
    targets: { analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' } },
    rules: [
      {
        name: 'all-roles',
        principals: ['arn:aws:iam::123456789012:role/*'],
        targets: ['analytics'],
        dbUser: 'r_${roleName}',
      },
    ],
  };

  it('passes a valid one, read as JSON', () => {
    const file = write('valid.json', JSON.stringify(document, null, 2));

    const { code, stdout } = policy(['check', '--strict', file]);

    expect(code).toBe(0);
    expect(stdout.trim()).toBe(`${file}: 0 problems, 0 warnings — valid`);
  });

  it('prints each problem with its line, and a JSON syntax error as one', () => {
    const invalid = { ...document, rules: [{ ...document.rules[0], dbGroups: ['Admins'] }] };
    const file = write('invalid.json', JSON.stringify(invalid, null, 2));
    const broken = write('broken.json', '{"version": 1,');

    const checked = policy(['check', file]);
    const unparsed = policy(['check', broken]);

    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain(`${file}:20: error rules[0].dbGroups[0] (rule #0 all-roles):`);
    expect(unparsed.code).toBe(1);
    expect(unparsed.stdout).toMatch(new RegExp(`^${broken}:1: error \\(json\\): `));
  });
});

describe('npm run policy -- explain', () => {
  it('explains an issued credential, readable by default and as JSON, exit 0', () => {
    const args = [
      'explain',
      '--principal',
      'arn:aws:sts::123456789012:assumed-role/etl-loader/run-1',
      'local/policy.yaml',
    ];
    const readable = policy([...args, '--request', '{"durationSeconds":1800}']);
    const json = policy([...args, '--json']);

    expect(readable.code).toBe(0);
    expect(readable.stdout).toContain('rule etl-roles (allow) matches');
    expect(readable.stdout).toContain('ISSUED  db user etl_etl-loader');
    expect(readable.stdout).toContain('1800 s');
    expect(JSON.parse(json.stdout)).toMatchObject({
      decision: 'issued',
      rule: 'etl-roles',
      dbUser: 'etl_etl-loader',
      dbGroups: ['etl_rw'],
      target: 'analytics',
      database: 'exampledb',
      durationSeconds: 900,
    });
  });

  it('explains a denial with its code and reason, exit 1', () => {
    const { code, stdout } = policy([
      'explain',
      '--principal',
      'arn:aws:iam::123456789012:user/mallory',
      'local/policy.yaml',
    ]);

    expect(code).toBe(1);
    expect(stdout).toContain('rule nobody-else (deny) matches');
    expect(stdout).toContain('DENIED  AccessDenied: a deny rule matches');
  });

  it.each([
    [['explain'], /explain needs --principal ARN/],
    [['explain', '--principal', 'x', '--request', '{'], /--request must be JSON/],
    [['frobnicate'], /unknown command: frobnicate/],
    [['check', '/no/such/policy.yaml'], /no such file/],
  ])('exits 2 with one line saying what to do for %j', (args, message) => {
    const { code, stderr } = policy(args);

    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toMatch(message);
  });
});

describe('npm run policy -- test', () => {
  it('runs the cases beside the layer’s policy when no file is named', () => {
    const project = projectWithLayerPolicy('local/policy.yaml');
    writeFileSync(
      join(project, 'layers/policy/policy/policy.test.yaml'),
      'cases:\n  - name: mallory is refused\n    principal: arn:aws:iam::123456789012:user/mallory\n    expect: { decision: denied }\n  - name: a loader gets its user\n    principal: arn:aws:sts::123456789012:assumed-role/etl-loader/run-1\n    expect: { decision: issued, dbUser: etl_etl-loader }\n',
    );

    const { code, stdout } = policy(['test'], project);

    expect(code).toBe(0);
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed$/);
  });

  it('prints expected against actual for a failing case and exits 1', () => {
    const { code, stdout } = policy(['test', WARNING_ONLY, '--cases', FAILING_CASES]);

    expect(code).toBe(1);
    expect(stdout).toContain('FAIL contractors are refused');
    expect(stdout).toContain('decision: expected "denied", got "issued"');
    expect(stdout).toContain('PASS roles get their user');
    expect(stdout.trim().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });
});

describe('npm run policy -- check, on who may be whom', () => {
  const rule = (name: string, principal: string, extra: string) =>
    `  - name: ${name}\n    principals: ["${principal}"]\n    targets: [analytics]\n${extra}`;

  it('warns, and fails under --strict, where two rules can issue one db user to different principals', () => {
    const file = write(
      'shared-users.yaml',
      `version: 1\n${TARGETS}rules:\n${rule('etl-roles', 'arn:aws:iam::123456789012:role/etl-*', '    dbUser: "u_${roleName}"\n')}${rule('sso-analysts', 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_*/*', '    dbUser: "u_${sessionName}"\n    trustSessionName: true\n')}${rule('people', 'arn:aws:iam::123456789012:user/*', '    dbUser: "u_${userName}"\n')}`,
    );

    const lenient = policy(['check', file]);
    const strict = policy(['check', '--strict', file]);

    expect(lenient.code).toBe(0);
    expect(strict.code).toBe(1);
    expect(lenient.stdout).toContain(
      `${file}:5: warning rules[0] (etl-roles) and rules[1] (sso-analysts) can both issue db user "u_etl-" on cluster examplecluster, to different principals: arn:aws:sts::123456789012:assumed-role/etl-/aa (by rules[0] (etl-roles)) and arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_/etl- (by rules[1] (sso-analysts))`,
    );
    expect(lenient.stdout).toMatch(
      /warning rules\[0\] \(etl-roles\) and rules\[2\] \(people\) can both issue db user "u_etl-" .* arn:aws:iam::123456789012:user\/etl- \(by rules\[2\] \(people\)\)/,
    );
    expect(lenient.stdout).toMatch(/warning rules\[1\] \(sso-analysts\) and rules\[2\] \(people\)/);
  });

  it('warns where an allow rule decides part of what a later deny rule names, with an example caller', () => {
    const file = write(
      'allow-before-deny.yaml',
      `version: 1\n${TARGETS}rules:\n${rule('finance', 'arn:aws:iam::123456789012:role/fin-*', '    dbUser: "fin_${roleName}"\n')}  - name: no-contractors\n    principals: ["arn:aws:iam::123456789012:role/*-contractor"]\n    effect: deny\n`,
    );

    const { code, stdout } = policy(['check', '--strict', file]);

    expect(code).toBe(1);
    expect(stdout).toContain(
      `${file}:5: warning rules[0] (finance) decides part of what the later deny rule rules[1] (no-contractors) names, so that rule never refuses it: rules[0] (finance) decides arn:aws:sts::123456789012:assumed-role/fin-contractor/aa`,
    );
  });

  it('refuses a rule trusting session names of roles anyone could create, naming rule and field', () => {
    const file = write(
      'look-alike-roles.yaml',
      `version: 1\n${TARGETS}rules:\n${rule('analysts', 'arn:aws:sts::123456789012:assumed-role/Analyst-*/*', '    dbUser: "sso_${sessionName}"\n    trustSessionName: true\n')}`,
    );

    const { code, stdout } = policy(['check', file]);

    expect(code).toBe(1);
    expect(stdout).toContain(
      `${file}:6: error rules[0].principals[0] (rule #0 analysts): trustSessionName needs each role named without wildcards, its account too`,
    );
  });
});

describe('npm run policy -- check --config-env', () => {
  it('fails where an environment of samconfig.toml would not grant a target, naming it', () => {
    // The example cluster under the shipped [prod], which names its own.
    const { code, stdout } = policy(['check', '--config-env', 'prod', 'local/policy.yaml']);

    expect(code).toBe(1);
    expect(stdout).toContain(
      'local/policy.yaml:8: error targets.analytics.clusterIdentifier: "examplecluster" is not one the deployment grants (RedshiftClusterIdentifiers: prod-dwh)',
    );
  });

  it('passes where it grants every target, and refuses an environment that does not exist', () => {
    const granted = write(
      'granted.yaml',
      `version: 1\n${TARGETS}rules:\n  - name: etl\n    principals: ["arn:aws:iam::123456789012:role/etl-*"]\n    targets: [analytics]\n    dbUser: "etl_\${roleName}"\n`,
    );

    expect(policy(['check', '--config-env', 'default', granted]).code).toBe(0);
    expect(policy(['check', '--config-env', 'staging', granted])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^policy: samconfig.toml has no \[staging\] environment/),
    });
  });
});

describe('npm run policy -- explain, with a role ARN', () => {
  it('says that a role calls as its sessions, and shows the form to explain', () => {
    const { code, stdout } = policy([
      'explain',
      '--principal',
      'arn:aws:iam::123456789012:role/etl-loader',
      'local/policy.yaml',
    ]);

    expect(code).toBe(1);
    expect(stdout).toContain(
      'its sessions do, as arn:aws:sts::123456789012:assumed-role/etl-loader/SESSION',
    );
  });
});

describe('npm run policy -- check, on YAML that does not parse', () => {
  it('reports a duplicated key at its own line, naming it', () => {
    const file = write('duplicate-key.yaml', `version: 1\n${TARGETS}rules: []\ntargets: {}\n`);

    const { code, stdout } = policy(['check', file]);

    expect(code).toBe(1);
    expect(stdout).toContain(`${file}:5: error (yaml line 5): duplicated mapping key "targets"`);
  });
});
