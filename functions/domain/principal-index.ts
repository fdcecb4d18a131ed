import { type ArnMatcher, compileArnLike } from './arn-like.js';
import type { Principal } from './identity.js';

/**
 * Finds the first rule (lowest index) whose principal patterns match a principal, without trying
 * every rule: exact ARNs are looked up in a map, and a wildcard pattern is only tried on ARNs
 * that start with its literal prefix (the text before its first `*` or `?`). Built once when the
 * policy loads; a decision costs a few map lookups whatever the number of rules.
 */
export type PrincipalIndex = (principal: Principal) => number | undefined;

interface Candidate {
  readonly rule: number;
  readonly matches: ArnMatcher;
}

/** `principals[i]` are the (already validated) patterns of rule `i`. */
export function indexPrincipals(principals: readonly (readonly string[])[]): PrincipalIndex {
  const exact = new Map<string, number>();
  const byPrefix = new Map<string, Candidate[]>();
  let everyone: number | undefined;

  principals.forEach((patterns, rule) => {
    for (const pattern of patterns) {
      if (!exact.has(pattern)) exact.set(pattern, rule);
      if (pattern === '*') everyone ??= rule;
      const wildcard = pattern.search(/[*?]/);
      if (pattern === '*' || wildcard === -1) continue;
      const prefix = pattern.slice(0, wildcard);
      const bucket = byPrefix.get(prefix) ?? [];
      bucket.push({ rule, matches: compileArnLike(pattern) });
      byPrefix.set(prefix, bucket);
    }
  });
  const prefixLengths = [...new Set([...byPrefix.keys()].map((prefix) => prefix.length))];

  return (principal) => {
    // Anything but an IAM user, a role session or a state machine matches only by exact ARN.
    if (principal.kind === 'other') return exact.get(principal.arn);
    let first = everyone ?? Number.POSITIVE_INFINITY;
    for (const arn of principal.matchArns) {
      first = Math.min(first, exact.get(arn) ?? first);
      for (const length of prefixLengths) {
        if (length > arn.length) continue;
        for (const { rule, matches } of byPrefix.get(arn.slice(0, length)) ?? []) {
          if (rule >= first) break;
          if (matches(arn)) first = rule;
        }
      }
    }
    return Number.isFinite(first) ? first : undefined;
  };
}
