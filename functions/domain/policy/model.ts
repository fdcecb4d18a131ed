import type { PolicyProblem } from '../errors.js';
import type { Principal } from '../identity.js';
import type { Target } from '../targets.js';
import type { DbUserTemplate } from './db-user-template.js';

/** The shortest and longest life of an issued credential, in seconds. */
export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 3600;

interface RuleBase {
  readonly name: string;
  readonly index: number;
}

export interface DenyRule extends RuleBase {
  readonly effect: 'deny';
}

export interface AllowRule extends RuleBase {
  readonly effect: 'allow';
  readonly targets: ReadonlyMap<string, Target>;
  /** Databases the caller may ask for; undefined means each target's own database only. */
  readonly databases?: readonly string[];
  readonly dbUser: DbUserTemplate;
  readonly dbGroups: readonly string[];
  readonly autoCreate: boolean;
  readonly maxDurationSeconds: number;
}

export type Rule = AllowRule | DenyRule;

/** A validated, compiled access policy. */
export interface Policy {
  readonly targets: ReadonlyMap<string, Target>;
  readonly rules: readonly Rule[];
  /** Users never issued whatever a rule renders (lower case); system users are always added. */
  readonly protectedDbUsers: ReadonlySet<string>;
  /** Things that are valid but almost certainly not what the author meant. */
  readonly warnings: readonly string[];
  /** The first rule whose principals match, or undefined (which means deny). */
  ruleFor(principal: Principal): Rule | undefined;
}

/** What a review of a policy finds: the compiled policy when it is valid, and what is wrong. */
export interface PolicyReview {
  readonly policy: Policy | undefined;
  readonly problems: readonly PolicyProblem[];
  readonly warnings: readonly string[];
  /**
   * Whether the exact checks (rule-reach.ts) have something to search in this policy, when they
   * were not given: then their warnings are missing from `warnings`.
   */
  readonly exactChecksPending?: boolean;
}
