import { chmodSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { directory, load, policyFile, RULE, TARGETS } from '#support/policy-files.js';

// What an operator sees at cold start: an invalid policy fails closed with one ERROR line per
// problem naming file, rule and field; a suspicious one loads with a WARN line.
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
