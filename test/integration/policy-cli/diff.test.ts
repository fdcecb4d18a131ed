import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '#scripts/policy/check.js';
import { runDiff } from '#scripts/policy/diff-command.js';
import { INVALID, policy, write } from '#support/policy-cli.js';

// `npm run policy -- diff`: what a reviewer of a policy change reads, and the exit codes a
// pipeline relies on (0 no change, 1 some change, 2 a version that is not a valid policy).

const BASE = `version: 1
targets:
  analytics: { clusterIdentifier: examplecluster, database: exampledb }
rules:
  - name: etl-roles
    principals: ["arn:aws:iam::123456789012:role/etl-*"]
    targets: [analytics]
    dbUser: "etl_\${roleName}"
    dbGroups: [etl_rw]
  - name: reporting
    principals: ["arn:aws:iam::123456789012:user/services/reporting-*"]
    targets: [analytics]
    dbUser: reporting
    dbGroups: [reporting_ro]
  - name: nobody-else
    principals: ["*"]
    effect: deny
`;
const base = write('diff-base.yaml', BASE);
const last = (text: string) => text.trim().split('\n').at(-1);

describe('npm run policy -- diff A A', () => {
  it('reports no change and exits 0 for the local stack’s policy', () => {
    const { code, stdout } = policy(['diff', 'local/policy.yaml', 'local/policy.yaml']);

    expect(code).toBe(0);
    expect(last(stdout)).toBe('0 gained, 0 lost, 0 changed');
  });

  it.each([
    ...readdirSync('test/fixtures/policies').map((name) => join('test/fixtures/policies', name)),
    'scripts/bench/policy.yaml',
    'docs/examples/policy-change/base.yaml',
    'docs/examples/policy-change/policy.yaml',
  ])('reports no change for the policy %s, or exit 2 for an invalid one', (file) => {
    const valid = check(file, readFileSync(file, 'utf8'), false).code === 0;

    const result = runDiff({ base: file, head: file, json: false, failOn: 'any' });

    expect(result.code).toBe(valid ? 0 : 2);
    if (valid) expect(last(result.output)).toBe('0 gained, 0 lost, 0 changed');
    else expect(result.errors).toContain(`${file}:`);
  });
});

describe('npm run policy -- diff BASE HEAD', () => {
  it('shows a widened rule as gained, with the line that widened it, and exits 1', () => {
    const head = write(
      'diff-widened.yaml',
      BASE.replace('role/etl-*"]', 'role/etl-*", "arn:aws:iam::123456789012:role/analyst-*"]'),
    );

    const { code, stdout } = policy(['diff', base, head]);
    const gainedOnly = policy(['diff', base, head, '--fail-on', 'gained']);

    expect(code).toBe(1);
    expect(gainedOnly.code).toBe(1);
    expect(stdout).toMatch(
      /^gained:\n {2}arn:aws:sts::123456789012:assumed-role\/analyst-example\/example {2}\(example of the patterns; \d+ more examples alike\)\n/m,
    );
    expect(stdout).toContain(
      '    + issued: db user etl_analyst-example, groups etl_rw, analytics (exampledb), up to 3600 s    [base rule nobody-else line 16 → head rule etl-roles line 6]',
    );
    expect(last(stdout)).toBe('1 gained, 0 lost, 0 changed');
  });

  it('shows a deny added as lost, which --fail-on gained lets pass', () => {
    const head = write(
      'diff-narrowed.yaml',
      BASE.replace(
        'rules:\n',
        'rules:\n  - name: no-legacy-etl\n    principals: ["arn:aws:iam::123456789012:role/etl-legacy-*"]\n    effect: deny\n',
      ),
    );

    const { code, stdout } = policy(['diff', base, head]);
    const gainedOnly = policy(['diff', base, head, '--fail-on', 'gained']);

    expect(code).toBe(1);
    expect(gainedOnly.code).toBe(0);
    expect(stdout).toContain(
      '  arn:aws:sts::123456789012:assumed-role/etl-legacy-example/example  (example of the patterns',
    );
    expect(stdout).toContain(
      '    - denied: a deny rule matches    [base rule etl-roles line 6 → head rule no-legacy-etl line 6]',
    );
    expect(last(stdout)).toBe('0 gained, 1 lost, 0 changed');
  });

  it('shows a renamed db user as changed', () => {
    const head = write('diff-renamed.yaml', BASE.replace('dbUser: reporting', 'dbUser: reporter'));

    const { code, stdout } = policy(['diff', base, head, '--json']);
    const report = JSON.parse(stdout);

    expect(code).toBe(1);
    expect(report.summary).toEqual({ gained: 0, lost: 0, changed: 1 });
    expect(Object.keys(report.changes[0].aspects[0]).sort()).toEqual([
      'base',
      'category',
      'field',
      'head',
      'text',
    ]);
    expect(report.changes[0]).toMatchObject({
      principal: 'arn:aws:iam::123456789012:user/services/reporting-example',
      category: 'changed',
      before: { decision: 'issued', dbUser: 'reporting' },
      after: { decision: 'issued', dbUser: 'reporter' },
      aspects: [
        {
          category: 'changed',
          text: 'db user reporting → reporter',
          base: { rule: 'reporting', line: 13 },
          head: { rule: 'reporting', line: 13 },
        },
      ],
    });
  });

  it('exits 2 with the problems of a version that is not a valid policy', () => {
    const { code, stdout, stderr } = policy(['diff', base, INVALID]);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${INVALID}:10: error rules[0].maxDurationSeconds (rule #0 etl)`);
    expect(last(stderr)).toBe('policy diff compares valid policies only: fix the one above first');
  });

  it('exits 2 naming a version it cannot read', () => {
    const { code, stderr } = policy(['diff', base, 'no-such-ref:policy.yaml']);

    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(
      /^policy: no-such-ref:policy\.yaml: not a file, and git show cannot read it \(fatal: /,
    );
  });
});

describe('npm run policy -- diff REF:PATH', () => {
  it('reads the base from git, the head from the working file, and the cases of both', () => {
    const repository = mkdtempSync(join(tmpdir(), 'policy-diff-git-'));
    const git = (...args: string[]) =>
      spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: repository,
        encoding: 'utf8',
      });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repository, 'policy.yaml'), BASE);
    writeFileSync(
      join(repository, 'policy.test.yaml'),
      'cases:\n  - name: the loader\n    principal: arn:aws:sts::123456789012:assumed-role/etl-loader/run-1\n    expect: { decision: issued }\n',
    );
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    writeFileSync(join(repository, 'policy.yaml'), BASE.replace('[etl_rw]', '[etl_rw, etl_admin]'));
    symlinkSync(resolve('node_modules'), join(repository, 'node_modules'));

    const { code, stdout } = policy(['diff', 'main:policy.yaml'], repository);

    expect(code).toBe(1);
    expect(stdout.split('\n').slice(0, 2)).toEqual(['base main:policy.yaml', 'head policy.yaml']);
    // The examples of the patterns with the same change are counted with the case's caller.
    expect(stdout).toMatch(
      /^gained:\n {2}arn:aws:sts::123456789012:assumed-role\/etl-loader\/run-1 {2}\(from the cases; \d+ more examples alike\)\n {4}\+ group etl_admin {4}\[rule etl-roles: line 9\]$/m,
    );
    expect(last(stdout)).toBe('1 gained, 0 lost, 0 changed');
  });
});

describe('npm run policy -- diff --principals', () => {
  it('compares the sessions of the roles aws iam list-roles printed', () => {
    const roles = write(
      'roles.json',
      JSON.stringify({
        Roles: [
          {
            Path: '/',
            RoleName: 'etl-loader',
            Arn: 'arn:aws:iam::123456789012:role/etl-loader',
          },
          {
            Path: '/aws-reserved/sso.amazonaws.com/',
            RoleName: 'AWSReservedSSO_Analyst_0a1b2c',
            Arn: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Analyst_0a1b2c',
          },
        ],
      }),
    );
    const head = write('diff-etl-groups.yaml', BASE.replace('[etl_rw]', '[etl_rw, etl_admin]'));

    const { code, stdout } = policy(['diff', base, head, '--principals', roles, '--json']);
    const report = JSON.parse(stdout);

    expect(code).toBe(1);
    expect(report.compared.principals).toBe(2);
    const listed = report.changes.filter(
      (change: { origin: string }) => change.origin === 'principals',
    );
    expect(listed.map((change: { principal: string }) => change.principal)).toEqual([
      'arn:aws:sts::123456789012:assumed-role/etl-loader/example-session',
    ]);
  });

  it('refuses a principals file that is neither ARNs nor what list-roles prints', () => {
    const wrong = write('wrong.json', '{"Groups": []}');

    const { code, stderr } = policy(['diff', base, base, '--principals', wrong]);

    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      `policy: ${wrong}: expected the JSON of aws iam list-roles ("Roles") or list-users ("Users")`,
    );
  });
});

describe('the policy change shown in Reviewing a policy change', () => {
  it('comes with the cases its new version holds', () => {
    const { code, stdout } = policy(['test', 'docs/examples/policy-change/policy.yaml']);

    expect(code).toBe(0);
    expect(last(stdout)).toMatch(/^\d+ passed, 0 failed$/);
  });

  it('prints what the page shows', () => {
    const page = readFileSync('docs/reviewing-policy-changes.md', 'utf8');
    const shown = /```console\n\$ npm run --silent policy -- (diff .+)\n([\s\S]*?)```/.exec(page);

    const { code, stdout } = policy(shown?.[1]?.split(' ') ?? []);

    expect(code).toBe(1);
    expect(stdout).toBe(shown?.[2]);
  });
});
