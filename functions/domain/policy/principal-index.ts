import { type ArnMatcher, compileArnLike } from '../arn-like.js';
import type { Principal } from '../identity.js';
import { PatternIndex } from './pattern-index.js';

/**
 * Finds the first rule (lowest index) whose principal patterns match a principal, without trying
 * every rule: exact ARNs are looked up in a map, and a wildcard pattern is tried only on ARNs that
 * start as it does (see PatternIndex). Built once when the policy loads, a decision costs a few
 * map lookups however many rules there are.
 */
export type PrincipalIndex = (principal: Principal) => number | undefined;

interface Candidate {
  readonly rule: number;
  readonly matches: ArnMatcher;
}

const WILDCARD = /[*?]/;

/** `principals[i]` are the (already validated) patterns of rule `i`. */
export function indexPrincipals(principals: readonly (readonly string[])[]): PrincipalIndex {
  const exact = new Map<string, number>();
  const patterns = new PatternIndex<Candidate>();
  let everyone = Number.POSITIVE_INFINITY;

  principals.forEach((rulePatterns, rule) => {
    for (const pattern of rulePatterns) {
      if (!exact.has(pattern)) exact.set(pattern, rule);
      if (pattern === '*') everyone = Math.min(everyone, rule);
      if (pattern === '*' || !WILDCARD.test(pattern)) continue;
      patterns.add(pattern, { rule, matches: compileArnLike(pattern) });
    }
  });

  /** The lowest rule before `first` among `candidates` (in rule order) that matches `arn`. */
  const earliest = (candidates: readonly Candidate[], arn: string, first: number) => {
    for (const { rule, matches } of candidates) {
      if (rule >= first) break;
      if (matches(arn)) return rule;
    }
    return first;
  };

  return (principal) => {
    // Anything but an IAM user, a role session or a state machine matches only by exact ARN.
    if (principal.kind === 'other') return exact.get(principal.arn);
    let first = everyone;
    for (const arn of principal.matchArns) {
      first = Math.min(first, exact.get(arn) ?? first);
      patterns.forEachCandidate(arn, (bucket) => {
        first = earliest(bucket, arn, first);
      });
    }
    return Number.isFinite(first) ? first : undefined;
  };
}
