import { type ArnMatcher, compileArnLike } from './arn-like.js';
import type { Principal } from './identity.js';

/**
 * Finds the first rule (lowest index) whose principal patterns match a principal, without trying
 * every rule. Exact ARNs are looked up in a map; a wildcard pattern is filed under its service and
 * the literal start of its resource (`arn:aws:iam::*:role/etl-*` under `iam:role/etl-`) and only
 * tried on ARNs whose service and resource start that way. Built once when the policy loads, a
 * decision costs a few map lookups however many rules there are.
 */
export type PrincipalIndex = (principal: Principal) => number | undefined;

interface Candidate {
  readonly rule: number;
  readonly matches: ArnMatcher;
}

const WILDCARD = /[*?]/;

/** `service:resource` of an ARN or pattern: what candidates are filed and looked up by. */
function serviceAndResource(arn: string): string {
  // arn:partition:service:region:account:resource — the colons after the 2nd and 5th part.
  const afterPartition = arn.indexOf(':', arn.indexOf(':') + 1);
  const afterService = arn.indexOf(':', afterPartition + 1);
  const afterAccount = arn.indexOf(':', arn.indexOf(':', afterService + 1) + 1);
  if (afterPartition === -1 || afterService === -1 || afterAccount === -1) return ':';
  return `${arn.slice(afterPartition + 1, afterService)}:${arn.slice(afterAccount + 1)}`;
}

/** `principals[i]` are the (already validated) patterns of rule `i`. */
export function indexPrincipals(principals: readonly (readonly string[])[]): PrincipalIndex {
  const exact = new Map<string, number>();
  const filed = new Map<string, Candidate[]>();
  const prefixLengths = new Set<number>();
  // Patterns with a wildcard service ("arn:aws:*:…") cannot be filed; they are always tried.
  const unfiled: Candidate[] = [];
  let everyone = Number.POSITIVE_INFINITY;

  principals.forEach((patterns, rule) => {
    for (const pattern of patterns) {
      if (!exact.has(pattern)) exact.set(pattern, rule);
      if (pattern === '*') everyone = Math.min(everyone, rule);
      if (pattern === '*' || !WILDCARD.test(pattern)) continue;
      const candidate = { rule, matches: compileArnLike(pattern) };
      const key = serviceAndResource(pattern);
      const cut = key.search(WILDCARD);
      if (cut !== -1 && cut < key.indexOf(':')) {
        unfiled.push(candidate);
        continue;
      }
      const prefix = cut === -1 ? key : key.slice(0, cut);
      const bucket = filed.get(prefix);
      if (bucket) bucket.push(candidate);
      else filed.set(prefix, [candidate]);
      prefixLengths.add(prefix.length);
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
      const key = serviceAndResource(arn);
      for (const length of prefixLengths) {
        first = earliest(filed.get(key.slice(0, length)) ?? [], arn, first);
      }
      first = earliest(unfiled, arn, first);
    }
    return Number.isFinite(first) ? first : undefined;
  };
}
