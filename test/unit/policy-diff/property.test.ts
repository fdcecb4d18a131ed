import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '#domain/decide.js';
import type { Policy } from '#domain/policy/model.js';
import { targetPlace } from '#scripts/policy/access.js';
import { diffPolicies } from '#scripts/policy/diff.js';
import { principalOf } from '#scripts/policy/explain.js';
import { caller, policyPair, versionFrom } from '#support/policy-pairs.js';

// What `policy diff` promises a reviewer: every caller whose login changes between two versions
// is reported, no other caller is, and the examples the patterns yield find a change whenever
// there is one for anybody, and each kind of change (gained, lost, changed) there is.

const TARGETS = ['analytics', 'lake'];
const DATABASES = ['exampledb', 'dev', 'sales'];
const DURATIONS = [900, 1800, 3600];

/**
 * Everything a version issues to a caller, asked one fully named request at a time: each
 * target, database and duration. Two versions treat the caller alike when these are equal
 * wherever either issues.
 */
function issued(policy: Policy, arn: string): string[] {
  const principal = principalOf(arn);
  return TARGETS.flatMap((target) =>
    DATABASES.flatMap((database) =>
      DURATIONS.map((durationSeconds) => {
        const decision = decide(policy, principal, { target, database, durationSeconds });
        if (decision.decision === 'denied') return 'denied';
        const { grant } = decision;
        return JSON.stringify([
          grant.rule,
          grant.dbUser,
          [...grant.dbGroups].sort(),
          grant.autoCreate,
          targetPlace(grant.target),
        ]);
      }),
    ),
  );
}

const differs = (base: Policy, head: Policy, arn: string) =>
  JSON.stringify(issued(base, arn)) !== JSON.stringify(issued(head, arn));

describe('npm run policy -- diff, for generated policy edits and callers', () => {
  it('reports exactly the callers whose logins differ, and its examples find any difference', () => {
    fc.assert(
      fc.property(policyPair, fc.uniqueArray(caller, { maxLength: 8 }), ([a, b], callers) => {
        const [base, head] = [versionFrom(a, 'base'), versionFrom(b, 'head')];
        const given = callers.map((principal) => ({ principal, origin: 'principals' as const }));

        const { changes } = diffPolicies(base, head, given);

        const theirs = changes.filter((change) => change.origin === 'principals');
        const reported = theirs.map((change) => change.principal);
        const changed = callers.filter((arn) => differs(base.policy, head.policy, arn));
        expect(reported.sort()).toEqual(changed.sort());
        // Each kind of change a given caller shows, an example shows too.
        const kinds = (list: readonly { category: string }[]) =>
          [...new Set(list.map((change) => change.category))].sort();
        const examples = diffPolicies(base, head, []).changes;
        expect(kinds(examples)).toEqual(expect.arrayContaining(kinds(theirs)));
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
