import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { readPolicyFile } from '#adapters/policy-file.js';
import { decide } from '#domain/decide.js';
import { PolicyError } from '#domain/errors.js';
import { principalFromArn } from '#domain/identity.js';
import type { Policy } from '#domain/policy/model.js';
import { captureOutput } from '#support/lambda.js';

// What an operator sees at cold start: an invalid policy fails closed with one ERROR line per
// problem naming file, rule and field; a suspicious one loads with a WARN line.
const TARGETS = { analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' } };
const RULE = {
  name: 'etl',
  principals: ['arn:aws:iam::123456789012:role/etl-*'],
  targets: ['analytics'],
  dbUser: 'etl_${roleName}',
};
const directory = mkdtempSync(join(tmpdir(), 'policies-'));

function policyFile(name: string, content: unknown): string {
  const file = join(directory, `${name}.yaml`);
  writeFileSync(file, typeof content === 'string' ? content : stringify(content));
  return file;
}

async function load(file: string) {
  vi.resetModules();
  const output = captureOutput();
  const { loadPolicyOrFailClosed } = await import('#adapters/policy-file.js');
  const { logger } = await import('#commons/logger.js');
  const result = await loadPolicyOrFailClosed(file, logger);
  return { result, lines: output.logLines() };
}

describe('loadPolicyOrFailClosed', () => {
  beforeEach(() => {
    vi.restoreAllMocks();
  });

  it.each([
    [
      'duplicate rule names',
      { version: 1, targets: TARGETS, rules: [RULE, RULE] },
      '#1 etl',
      'rules[1].name',
    ],
    [
      'an unknown key in a rule',
      { version: 1, targets: TARGETS, rules: [{ ...RULE, admin: true }] },
      '#0 etl',
      'rules[0]',
    ],
    [
      'an invalid group name',
      { version: 1, targets: TARGETS, rules: [{ ...RULE, dbGroups: ['Admins'] }] },
      '#0 etl',
      'rules[0].dbGroups[0]',
    ],
    [
      'an invalid database',
      { version: 1, targets: TARGETS, rules: [{ ...RULE, databases: ['select'] }] },
      '#0 etl',
      'rules[0].databases[0]',
    ],
    [
      'maxDurationSeconds 600',
      { version: 1, targets: TARGETS, rules: [{ ...RULE, maxDurationSeconds: 600 }] },
      '#0 etl',
      'rules[0].maxDurationSeconds',
    ],
    [
      'maxDurationSeconds 7200',
      { version: 1, targets: TARGETS, rules: [{ ...RULE, maxDurationSeconds: 7200 }] },
      '#0 etl',
      'rules[0].maxDurationSeconds',
    ],
    [
      'an invalid target cluster',
      {
        version: 1,
        targets: { bad: { clusterIdentifier: 'Bad_Cluster', database: 'db' } },
        rules: [],
      },
      undefined,
      'targets.bad.clusterIdentifier',
    ],
  ])('fails closed on %s, logging file, rule and field', async (name, content, rule, field) => {
    const file = policyFile(name.replace(/\W+/g, '-'), content);

    const { result, lines } = await load(file);

    expect(result).toMatchObject({ code: 'PolicyError' });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        file,
        field,
        ...(rule && { rule }),
        problem: expect.any(String),
      }),
    );
  });

  it.each([
    ['not YAML', 'version: 1\nrules: [\n', '(yaml line 3)'],
    ['empty', '', '(yaml)'],
  ])('fails closed on a file that is %s', async (name, content, field) => {
    const file = policyFile(name, content);

    const { result, lines } = await load(file);

    expect(result).toMatchObject({ code: 'PolicyError' });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'ERROR', file, field }));
  });

  it('fails closed on a file it cannot read', async () => {
    const file = policyFile('unreadable', { version: 1, targets: TARGETS, rules: [RULE] });
    chmodSync(file, 0o000);
    const readable = process.getuid?.() === 0; // root reads anything: use a directory instead
    const target = readable ? directory : file;

    const { result, lines } = await load(target);

    expect(result).toMatchObject({ code: 'PolicyError' });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        file: target,
        field: '(file)',
        problem: expect.stringMatching(/cannot be read/),
      }),
    );
  });

  it.each([
    [
      'an empty rules list',
      { version: 1, targets: TARGETS, rules: [] },
      /no rules: every request is denied/,
    ],
    [
      'a "*" rule before a specific one',
      {
        version: 1,
        targets: TARGETS,
        rules: [{ name: 'all', principals: ['*'], effect: 'deny' }, RULE],
      },
      /rules\[1\] \(etl\) is never reached/,
    ],
    [
      'two rules issuing one db user',
      {
        version: 1,
        targets: TARGETS,
        rules: [
          RULE,
          {
            ...RULE,
            name: 'people',
            principals: ['arn:aws:iam::123456789012:user/*'],
            dbUser: 'etl_${userName}',
          },
        ],
      },
      /^rules\[0\] \(etl\) and rules\[1\] \(people\) can both issue db user "etl_etl-" on cluster examplecluster/,
    ],
    [
      'an allow rule deciding part of a later deny',
      {
        version: 1,
        targets: TARGETS,
        rules: [
          RULE,
          {
            name: 'no-contractors',
            principals: ['arn:aws:iam::123456789012:role/*-contractor'],
            effect: 'deny',
          },
        ],
      },
      /^rules\[0\] \(etl\) decides part of what the later deny rule rules\[1\] \(no-contractors\) names/,
    ],
  ])('loads %s with a warning', async (name, content, warning) => {
    const file = policyFile(name.replace(/\W+/g, '-'), content);

    const { result, lines } = await load(file);

    expect(result).toHaveProperty('ruleFor');
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'WARN', file, warning: expect.stringMatching(warning) }),
    );
  });

  it('loads a rule that matches nobody, without complaint: it simply never decides', async () => {
    const file = policyFile('matches-nobody', {
      version: 1,
      targets: TARGETS,
      rules: [{ ...RULE, principals: ['arn:aws:iam::999999999999:role/nobody'] }],
    });

    const { result, lines } = await load(file);

    expect(result).toHaveProperty('ruleFor');
    expect(lines.filter((line) => line.level !== 'INFO')).toEqual([]);
  });
});

describe('readPolicyFile', () => {
  it('loads the local stack’s policy', async () => {
    const policy = await readPolicyFile('local/policy.yaml');

    expect(policy.rules.map((rule) => rule.name)).toEqual([
      'etl-roles',
      'reporting-services',
      'sso-analysts',
      'etl-workflows',
      'nobody-else',
    ]);
    expect(policy.warnings).toEqual([]);
  });

  it('fails closed on a file that does not exist, naming it', async () => {
    await expect(readPolicyFile('test/fixtures/policies/missing.yaml')).rejects.toThrow(
      PolicyError,
    );
    try {
      await readPolicyFile('test/fixtures/policies/missing.yaml');
    } catch (error) {
      expect(error).toMatchObject({
        file: 'test/fixtures/policies/missing.yaml',
        problems: [{ field: '(file)', problem: 'cannot be read (ENOENT)' }],
      });
    }
  });

  it('rejects a rule using ${sessionName} without trustSessionName, naming file, rule and field', async () => {
    let error: unknown;
    try {
      await readPolicyFile('test/fixtures/policies/invalid-session-name.yaml');
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).problems).toEqual([
      {
        field: 'rules[1].dbUser',
        rule: '#1 sso-analysts',
        problem: expect.stringMatching(/\$\{sessionName\}.*trustSessionName: true/),
      },
    ]);
    expect((error as PolicyError).file).toBe('test/fixtures/policies/invalid-session-name.yaml');
  });
});

describe('readPolicyFile, beside other files', () => {
  const document = { version: 1, targets: TARGETS, rules: [RULE] };
  const yaml = stringify(document);
  // A document that would issue a powerful user to everyone, in every form a file might take.
  const permissive = {
    version: 1,
    targets: TARGETS,
    rules: [{ name: 'everyone', principals: ['*'], targets: ['analytics'], dbUser: 'dbowner' }],
  };
  const contents = [
    JSON.stringify(permissive),
    stringify(permissive),
    JSON.stringify({
      format: 'redshift-credential-vendor/parsed-policy/1',
      sourceSha256: createHash('sha256').update(yaml).digest('hex'),
      document: permissive,
    }),
    'rules: [unclosed',
    '',
  ];
  const names = [
    'policy.parsed.json',
    'policy.json',
    'policy.yml',
    'policy.yaml.bak',
    '.policy.yaml',
    'policy.test.yaml',
    'index.mjs',
  ];
  const principals = [
    'arn:aws:sts::123456789012:assumed-role/etl-loader/run-1',
    'arn:aws:iam::123456789012:user/mallory',
    'arn:aws:sts::210987654321:assumed-role/etl-loader/run-1',
  ];
  const decisions = (policy: Policy) =>
    principals.map((arn) => decide(policy, principalFromArn(arn), {}));

  it('decides from the policy file alone: no file placed beside it changes a decision', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'policy-folder-'));
    const file = join(folder, 'policy.yaml');
    writeFileSync(file, yaml);
    const alone = decisions(await readPolicyFile(file));

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...names), fc.stringMatching(/^[a-z][a-z.]{0,11}$/)),
        fc.constantFrom(...contents),
        async (name, content) => {
          fc.pre(name !== 'policy.yaml');
          const beside = join(folder, name);
          writeFileSync(beside, content);
          try {
            expect(decisions(await readPolicyFile(file))).toEqual(alone);
          } finally {
            rmSync(beside, { force: true });
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(alone.map(({ decision }) => decision)).toEqual(['issued', 'denied', 'denied']);
  });

  it('reads a policy written as JSON with the same validation as the YAML', async () => {
    const invalid = { ...document, rules: [{ ...RULE, dbGroups: ['Admins'] }] };
    const fromYaml = await readPolicyFile(policyFile('invalid-groups', invalid)).catch(
      (error: unknown) => error,
    );
    const json = join(directory, 'invalid-groups.json');
    writeFileSync(json, JSON.stringify(invalid));

    const fromJson = await readPolicyFile(json).catch((error: unknown) => error);

    expect(fromJson).toBeInstanceOf(PolicyError);
    expect((fromJson as PolicyError).problems).toEqual((fromYaml as PolicyError).problems);
    expect((fromJson as PolicyError).problems).toHaveLength(1);
  });
});
