import type { ExactChecks } from './exact-warnings.js';
import { sharingCandidates, straddleCandidates } from './reach-candidates.js';
import { shadowedRules } from './warnings/never-reached.js';
import { protectedRenderings } from './warnings/protected-rendering.js';
import type { RuleOutline } from './warnings/rule-outline.js';
import { unneededGroups } from './warnings/unneeded-groups.js';
import { unusedTargets } from './warnings/unused-targets.js';

/**
 * Things a policy may legally say that are almost certainly not what its author meant: a rule no
 * caller can reach because earlier rules already match everyone it names, two rules that can
 * issue the same db user to different principals, an allow rule deciding part of what a later
 * deny rule names, a template that can render a protected user, a target no rule names, and
 * groups no request could need because their rule can issue nothing.
 */
export function policyWarnings(
  rules: readonly RuleOutline[],
  protectedDbUsers: ReadonlySet<string>,
  targets: readonly string[] = [],
  exact?: ExactChecks,
): { warnings: string[]; exactChecksNeeded: boolean } {
  if (rules.length === 0) {
    return { warnings: ['no rules: every request is denied'], exactChecksNeeded: false };
  }
  const shadowed = shadowedRules(rules);
  // A deny rule never reached is reported as such; what takes its principals is said there.
  const unreached = new Set(shadowed.map(({ rule }) => rule.index));
  // The exact checks search automata: only where the quick tests leave something to find.
  const exactChecksNeeded =
    sharingCandidates(rules).length > 0 ||
    straddleCandidates(rules).some(([, deny]) => !unreached.has(deny.index));
  return {
    warnings: [
      ...shadowed.map(({ warning }) => warning),
      ...(exactChecksNeeded && exact ? exact(rules, protectedDbUsers, unreached) : []),
      ...protectedRenderings(rules, protectedDbUsers),
      ...unusedTargets(rules, targets),
      ...unneededGroups(rules, protectedDbUsers),
    ],
    exactChecksNeeded,
  };
}
