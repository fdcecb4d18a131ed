import { splitArn } from '../../arn-like.js';
import { principalFromArn } from '../../identity.js';
import { partsCover } from '../arn-coverage.js';
import { PatternIndex } from '../pattern-index.js';
import { label, type RuleOutline } from './rule-outline.js';

interface Filed {
  readonly parts: readonly string[];
  readonly rule: RuleOutline;
}

const WILDCARD = /[*?]/;
const ROLE_ARN = /^arn:[^:]+:iam::[^:]*:role\//;
const SESSION_ARN = /^arn:([^:]+):sts::([^:]+):assumed-role\/([^/]+)\/.+$/;

/**
 * The patterns of the rules seen so far, so that finding the ones that can cover a pattern takes
 * a few lookups, not a pass over every rule (see PatternIndex).
 */
class EarlierPatterns {
  readonly #everyone: RuleOutline[] = [];
  readonly #exact = new Map<string, RuleOutline[]>();
  readonly #patterns = new PatternIndex<Filed>();

  add(rule: RuleOutline): void {
    for (const pattern of rule.principals) {
      if (pattern === '*') {
        this.#everyone.push(rule);
        continue;
      }
      const exact = this.#exact.get(pattern);
      if (exact) exact.push(rule);
      else this.#exact.set(pattern, [rule]);
      // A pattern without wildcards covers only itself, found above; so does one that is no
      // ARN pattern (the policy is then invalid).
      if (!WILDCARD.test(pattern)) continue;
      const parts = splitArn(pattern);
      if (parts !== undefined) this.#patterns.add(pattern, { parts, rule });
    }
  }

  /** The rules with a pattern that matches every principal `pattern` matches. */
  covering(pattern: string): RuleOutline[] {
    // Account roots, federated users and other ARNs only ever match a rule naming them exactly;
    // a role's ARN stands for its sessions, so patterns covering it cover them.
    if (
      !WILDCARD.test(pattern) &&
      !ROLE_ARN.test(pattern) &&
      principalFromArn(pattern).kind === 'other'
    ) {
      return this.#exact.get(pattern) ?? [];
    }
    const found = [...this.#everyone];
    this.#collect(pattern, found);
    // A rule naming a role session pattern is also reached through the role's own ARN.
    const session = SESSION_ARN.exec(pattern);
    if (session) this.#collect(`arn:${session[1]}:iam::${session[2]}:role/${session[3]}`, found);
    return found;
  }

  #collect(pattern: string, found: RuleOutline[]): void {
    found.push(...(this.#exact.get(pattern) ?? []));
    const parts = splitArn(pattern);
    if (parts === undefined) return;
    this.#patterns.forEachCandidate(pattern, (bucket) => {
      for (const filed of bucket) if (partsCover(filed.parts, parts)) found.push(filed.rule);
    });
  }
}

export function shadowedRules(
  rules: readonly RuleOutline[],
): { rule: RuleOutline; warning: string }[] {
  const warnings: { rule: RuleOutline; warning: string }[] = [];
  const earlier = new EarlierPatterns();
  for (const rule of rules) {
    const covering = rule.principals.map((pattern) => earlier.covering(pattern));
    earlier.add(rule);
    if (covering.length === 0 || covering.some((found) => found.length === 0)) continue;
    const by = [...new Set(covering.flat())].sort((x, y) => x.index - y.index).map(label);
    warnings.push({
      rule,
      warning: `${label(rule)} is never reached: ${by.join(', ')} already ${by.length === 1 ? 'matches' : 'match'} every principal it names`,
    });
  }
  return warnings;
}
