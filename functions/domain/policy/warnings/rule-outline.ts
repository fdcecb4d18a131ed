import type { ReachRule } from '../reach-candidates.js';

/** What the warnings look at in a rule: its place, its patterns and, for an allow rule, its dbUser. */
export interface RuleOutline extends ReachRule {
  /** The targets an allow rule names. */
  readonly targets?: readonly string[];
  /** The groups an allow rule may issue. */
  readonly dbGroups?: readonly string[];
}

/** How a warning names a rule: its place and its name. */
export const label = (rule: ReachRule) => `rules[${rule.index}] (${rule.name})`;
