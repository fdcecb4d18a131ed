import { describe, expect, it } from 'vitest';
import { type Change, diffPolicies, type Version } from '#scripts/policy/diff.js';
import { versionOf } from '#scripts/policy/diff-inputs.js';

// The changes `policy diff` finds with no caller named: those its examples of the patterns show,
// including the ones only a few callers' names reveal.

const TARGETS = `targets:
  analytics: { clusterIdentifier: examplecluster, database: exampledb }
  lake: { workgroupName: lake-wg, database: dev }
`;

const version = (label: string, text: string): Version =>
  versionOf({ label, text: `version: 1\n${TARGETS}${text}` });

function examplesOnly(base: string, head: string): Change[] {
  return [...diffPolicies(version('base.yaml', base), version('head.yaml', head), []).changes];
}

const RULE = (dbUser: string, extra = '') => `rules:
  - name: services
    principals: ["arn:aws:iam::123456789012:user/services/*"]
    targets: [analytics]
    dbUser: "${dbUser}"
    dbGroups: [reporting_ro]
${extra}`;

describe('policy diff, from examples of the patterns alone', () => {
  it('finds the one caller a newly protected name refuses, with the line that protects it', () => {
    const base = RULE('svc_${userName}');
    const head = `protectedDbUsers: [svc_payroll]\n${base}`;

    const lost = examplesOnly(base, head).filter((change) => change.category === 'lost');

    expect(lost.map((change) => change.principal)).toEqual([
      'arn:aws:iam::123456789012:user/services/payroll',
    ]);
    expect(lost[0]?.aspects[0]).toMatchObject({
      text: 'denied: protected database user',
      head: { rule: 'services', line: 5 },
    });
  });

  it('finds callers whose names only the new template makes valid db users', () => {
    // A user name starting with a digit is no db user name; prefixed, it is one.
    const changes = examplesOnly(RULE('${userName}'), RULE('svc_${userName}'));

    expect(changes.map((change) => change.category).sort()).toEqual(['changed', 'gained']);
    const gained = changes.find((change) => change.category === 'gained');
    expect(gained?.principal).toMatch(/:user\/services\/[=7]/);
    expect(gained?.before).toMatchObject({ decision: 'denied', code: 'AccessDenied' });
  });

  it('sees a database a rule allows only when asked for by name', () => {
    const changes = examplesOnly(
      RULE('svc', '    databases: [exampledb]\n'),
      RULE('svc', '    databases: [exampledb, sales]\n'),
    );

    expect(changes).toHaveLength(1);
    expect(changes[0]?.aspects.map((aspect) => aspect.text)).toEqual([
      'database sales on analytics',
    ]);
  });

  it('counts a target sent to another cluster as a gain, at the target’s line', () => {
    const base = RULE('svc');
    const head = { label: 'head.yaml', text: '' };
    head.text = `version: 1\n${TARGETS.replace('examplecluster', 'payroll-dwh')}${base}`;

    const changes = [...diffPolicies(version('base.yaml', base), versionOf(head), []).changes];

    expect(changes).toHaveLength(1);
    expect(changes[0]?.category).toBe('gained');
    expect(changes[0]?.aspects[0]).toMatchObject({
      text: 'target analytics now cluster payroll-dwh (was cluster examplecluster)',
      head: { rule: 'services', line: 3 },
    });
  });

  it('files a caller who gains one group and loses another under gained, listing both', () => {
    const changes = examplesOnly(
      RULE('svc'),
      RULE('svc').replace('dbGroups: [reporting_ro]', 'dbGroups: [reporting_rw]'),
    );

    expect(changes).toHaveLength(1);
    expect(changes[0]?.category).toBe('gained');
    expect(changes[0]?.aspects.map((aspect) => `${aspect.category} ${aspect.text}`)).toEqual([
      'gained group reporting_rw',
      'lost group reporting_ro',
    ]);
  });

  it('reports examples with the very same change once, counting the others', () => {
    const changes = examplesOnly(RULE('svc_${userName}'), RULE('svc2_${userName}'));

    expect(changes).toHaveLength(1);
    expect(changes[0]?.aspects.map((aspect) => aspect.text)).toEqual([
      'db user svc_example → svc2_example',
    ]);
    expect(changes[0]?.alike).toContain('arn:aws:iam::123456789012:user/services/examplex');
  });

  it('finds a change to a rule where an earlier, unchanged rule decides its obvious examples', () => {
    // Every readable example of role/* holds an "e", which the first rule takes.
    const rules = (dbUser: string) => `rules:
  - name: e-roles
    principals: ["arn:aws:iam::123456789012:role/*e*"]
    targets: [analytics]
    dbUser: first
  - name: other-roles
    principals: ["arn:aws:iam::123456789012:role/*"]
    targets: [analytics]
    dbUser: ${dbUser}
`;

    const changes = examplesOnly(rules('second'), rules('third'));

    expect(changes.map((change) => change.aspects[0]?.text)).toEqual(['db user second → third']);
    expect(changes[0]?.principal).not.toMatch(/assumed-role\/[^/]*e/);
  });
});
