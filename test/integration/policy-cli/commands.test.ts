import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FAILING_CASES,
  INVALID,
  policy,
  projectWithLayerPolicy,
  WARNING_ONLY,
  write,
} from '#support/policy-cli.js';

// `npm run policy -- <command>`: what a reviewer sees and the exit codes scripts rely on.

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

  it('refuses, as the functions do, a caller a revocation in a revocations file covers', () => {
    const revocations = write(
      'revocations.json',
      JSON.stringify({
        'rv-expired': {
          reason: 'over',
          by: 'arn:aws:iam::123456789012:user/alice',
          at: '2026-01-01T00:00:00Z',
          until: '2026-01-02T00:00:00Z',
          principal: '*',
        },
        'rv-1': {
          reason: 'key leaked',
          by: 'arn:aws:iam::123456789012:user/alice',
          at: '2026-12-05T10:00:00Z',
          rule: 'etl-roles',
        },
      }),
    );
    const explainAs = (role: string) =>
      policy([
        'explain',
        '--principal',
        `arn:aws:sts::123456789012:assumed-role/${role}/run-1`,
        '--request',
        '{"target":"analytics"}',
        '--revocations',
        revocations,
        'local/policy.yaml',
      ]);

    const revoked = explainAs('etl-loader');
    const other = explainAs('AWSReservedSSO_Analyst_0123456789abcdef');

    expect(revoked.code).toBe(1);
    expect(revoked.stdout).toContain('DENIED  AccessDenied: revoked rv-1: key leaked');
    expect(other.code).toBe(0);
  });

  it('exits 2 naming the revocation a revocations file holds wrong', () => {
    const broken = write('broken-revocations.json', JSON.stringify({ 'rv-9': { reason: 'x' } }));

    const { code, stderr } = policy([
      'explain',
      '--principal',
      'arn:aws:iam::123456789012:user/mallory',
      '--revocations',
      broken,
      'local/policy.yaml',
    ]);

    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toMatch(/broken-revocations\.json: rv-9: /);
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
