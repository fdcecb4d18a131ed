import { describe, expect, it } from 'vitest';
import type { Access } from '#scripts/policy/access.js';
import { categoryOf, compareAccess } from '#scripts/policy/changes.js';

// How one caller's access before and after a change is filed for a reviewer.

const ISSUED: Access = {
  decision: 'issued',
  rule: 'etl-roles',
  dbUser: 'etl_loader',
  dbGroups: ['etl_rw'],
  targets: { analytics: { databases: ['exampledb'], at: 'cluster examplecluster' } },
  maxDurationSeconds: 3600,
  autoCreate: false,
};
const DENIED: Access = { decision: 'denied', code: 'AccessDenied', reason: 'a deny rule matches' };

const filed = (before: Access, after: Access) => {
  const aspects = compareAccess(before, after);
  return {
    category: categoryOf(aspects),
    aspects: aspects.map((a) => `${a.category} ${a.text} @${a.field}`),
  };
};

describe('compareAccess', () => {
  it('files nothing when both refuse, whatever the reasons', () => {
    expect(filed(DENIED, { ...DENIED, reason: 'no rule matches the principal' })).toEqual({
      category: undefined,
      aspects: [],
    });
  });

  it('files a login granted or refused as gained or lost, the refusal at the field it names', () => {
    expect(filed(DENIED, ISSUED).category).toBe('gained');
    expect(
      filed(ISSUED, { ...DENIED, rule: 'etl-roles', reason: 'protected database user' }).aspects,
    ).toEqual(['lost denied: protected database user @protectedDbUsers']);
    expect(
      filed(ISSUED, { ...DENIED, rule: 'etl-roles', reason: 'rendered dbUser "7x" must be …' })
        .aspects,
    ).toEqual(['lost denied: rendered dbUser "7x" must be … @dbUser']);
  });

  it('files more targets, databases, groups, time or a created user as gained', () => {
    const more: Access = {
      ...ISSUED,
      dbGroups: ['etl_rw', 'etl_admin'],
      targets: {
        analytics: { databases: ['exampledb', 'sales'], at: 'cluster examplecluster' },
        lake: { databases: ['dev'], at: 'workgroup lake-wg' },
      },
      autoCreate: true,
    };

    expect(filed(ISSUED, more)).toEqual({
      category: 'gained',
      aspects: [
        'gained database sales on analytics @databases',
        'gained target lake: workgroup lake-wg, dev @targets',
        'gained group etl_admin @dbGroups',
        'gained db user created on first use @autoCreate',
      ],
    });
    expect(filed(more, ISSUED).category).toBe('lost');
  });

  it('files a shorter credential as lost and a longer one as gained', () => {
    expect(filed(ISSUED, { ...ISSUED, maxDurationSeconds: 900 }).aspects).toEqual([
      'lost up to 900 s (was 3600 s) @maxDurationSeconds',
    ]);
    expect(filed({ ...ISSUED, maxDurationSeconds: 900 }, ISSUED).category).toBe('gained');
  });

  it('files another db user, or another rule with the same reach, as changed', () => {
    expect(filed(ISSUED, { ...ISSUED, dbUser: 'etl2_loader' }).aspects).toEqual([
      'changed db user etl_loader → etl2_loader @dbUser',
    ]);
    expect(filed(ISSUED, { ...ISSUED, rule: 'loaders' }).aspects).toEqual([
      'changed rule etl-roles → loaders, same access @principals',
    ]);
  });

  it('files a target sent to another cluster as gained, at the target', () => {
    const moved: Access = {
      ...ISSUED,
      targets: { analytics: { databases: ['exampledb'], at: 'cluster finance-dwh in eu-west-1' } },
    };

    expect(filed(ISSUED, moved).aspects).toEqual([
      'gained target analytics now cluster finance-dwh in eu-west-1 (was cluster examplecluster) @targets.analytics',
    ]);
  });
});
