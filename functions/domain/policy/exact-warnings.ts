import type { ReachRule } from './reach-candidates.js';
import { RuleReach } from './rule-reach.js';

const label = (rule: ReachRule) => `rules[${rule.index}] (${rule.name})`;

/**
 * The exact checks' warnings: rules issuing one db user to different principals, and allow
 * rules deciding part of what a later deny rule names (unless that rule is never reached, which
 * is reported as such).
 */
export function exactWarnings(
  rules: readonly ReachRule[],
  protectedDbUsers: Iterable<string>,
  unreached: ReadonlySet<number>,
): string[] {
  const reach = new RuleReach(rules, protectedDbUsers);
  return [
    ...reach
      .sharedDbUsers()
      .map(
        ({ rules: [a, b], dbUser, cluster, principals }) =>
          `${label(a)} and ${label(b)} can both issue db user "${dbUser}" on ${cluster}, to different principals: ${principals[0]} (by ${label(a)}) and ${principals[1]} (by ${label(b)})`,
      ),
    ...reach
      .allowsBeforeDenies()
      .filter(({ deny }) => !unreached.has(deny.index))
      .map(
        ({ allow, deny, example }) =>
          `${label(allow)} decides part of what the later deny rule ${label(deny)} names, so that rule never refuses it: ${label(allow)} decides ${example}`,
      ),
  ];
}

/** How the exact checks are given to a policy review (loaded only where a policy needs them). */
export type ExactChecks = typeof exactWarnings;
