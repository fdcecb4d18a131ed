import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { readPolicyFile } from '../../../functions/adapters/policy-file.js';
import { PolicyError } from '../../../functions/domain/errors.js';
import type { Policy } from '../../../functions/domain/policy.js';
import { captureOutput } from '../../support/lambda.js';

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
  const { loadPolicyOrFailClosed } = await import('../../../functions/adapters/policy-file.js');
  const { logger } = await import('../../../functions/commons/logger.js');
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
  it('loads the example policy of the layer', async () => {
    const { policy } = await readPolicyFile('layers/policy/policy/policy.yaml');

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

describe('the parsed form beside the policy', () => {
  const document = { version: 1, targets: TARGETS, rules: [RULE] };

  async function withParsedForm(name: string, yaml: string, form: string | undefined) {
    const { parsedFormOf } = await import('../../../functions/adapters/policy-file.js');
    const file = policyFile(name, yaml);
    if (form !== undefined) writeFileSync(parsedFormOf(file), form);
    return file;
  }

  it('is used while it was made from the YAML beside it', async () => {
    const { parsedPolicyForm } = await import('../../../functions/adapters/policy-file.js');
    const yaml = stringify(document);
    // The form says something the YAML does not: what loads shows which one was read.
    const form = (await parsedPolicyForm(yaml, 'p.yaml'))?.replace('"etl"', '"etl-from-form"');
    const file = await withParsedForm('form-current', yaml, form);

    const { policy, parsedFormUnused } = await readPolicyFile(file);

    expect(policy.rules.map((rule) => rule.name)).toEqual(['etl-from-form']);
    expect(parsedFormUnused).toBeUndefined();
  });

  it.each([
    ['made from another version of the YAML', 'made from another version'],
    ['not JSON', 'unreadable'],
    ['JSON of something else', 'not a parsed policy'],
  ])('is ignored, with a warning, when it is %s', async (kind, reason) => {
    const { parsedPolicyForm } = await import('../../../functions/adapters/policy-file.js');
    const yaml = stringify(document);
    const forms: Record<string, string | undefined> = {
      'made from another version of the YAML': await parsedPolicyForm(
        stringify({ ...document, rules: [{ ...RULE, name: 'old' }] }),
        'p.yaml',
      ),
      'not JSON': '{"format":',
      'JSON of something else': '{"version":1}',
    };
    const file = await withParsedForm(`form-${reason.replace(/ /g, '-')}`, yaml, forms[kind]);

    const { result, lines } = await load(file);

    expect((result as Policy).rules.map((rule) => rule.name)).toEqual(['etl']);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'Access policy read from YAML: its parsed form was not used',
        reason,
      }),
    );
  });

  it('fails closed on an invalid document with the same problems as the YAML would give', async () => {
    const { parsedPolicyForm } = await import('../../../functions/adapters/policy-file.js');
    const invalid = stringify({ ...document, rules: [{ ...RULE, dbGroups: ['Admins'] }] });
    const fromYaml = await readPolicyFile(policyFile('invalid-yaml-only', invalid)).catch(
      (error: unknown) => error,
    );
    const file = await withParsedForm(
      'invalid-with-form',
      invalid,
      await parsedPolicyForm(invalid, 'p.yaml'),
    );

    const fromForm = await readPolicyFile(file).catch((error: unknown) => error);

    expect(fromForm).toBeInstanceOf(PolicyError);
    expect((fromForm as PolicyError).problems).toEqual((fromYaml as PolicyError).problems);
    expect((fromForm as PolicyError).problems).toHaveLength(1);
  });

  it('is not made from YAML that does not parse', async () => {
    const { parsedPolicyForm } = await import('../../../functions/adapters/policy-file.js');

    expect(await parsedPolicyForm('rules: [unclosed', 'p.yaml')).toBeUndefined();
  });
});
