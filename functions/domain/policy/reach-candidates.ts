import { canStartWith, globMatches, splitArn } from '../arn-like.js';
import type { DbUserTemplate } from './db-user-template.js';

/**
 * The quick tests before the exact checks of rule-reach.ts: which pairs of rules could share a
 * db user, and which patterns could match one principal. They may say yes wrongly, never no, so
 * the search runs only where it could find something (and its code loads only then).
 */

/** What the checks read of a rule. */
export interface ReachRule {
  readonly index: number;
  readonly name: string;
  readonly effect: 'allow' | 'deny';
  readonly principals: readonly string[];
  readonly dbUser?: DbUserTemplate;
  /** The clusters and workgroups its targets name: database users are theirs. */
  readonly clusters?: readonly string[];
}

const WILDCARD = /[*?]/;

/** Whether some string matches both globs. */
function globsIntersect(a: string, b: string): boolean {
  if (!WILDCARD.test(a)) return globMatches(b, a);
  if (!WILDCARD.test(b)) return globMatches(a, b);
  const chars = [...new Set([...a, ...b].filter((c) => c !== '*' && c !== '?')), '\u0000'];
  const seen = new Set<string>();
  const pending: [number, number][] = [[0, 0]];
  const closure = (glob: string, at: number) => {
    let position = at;
    while (glob[position] === '*') position += 1;
    return position;
  };
  while (pending.length > 0) {
    const [i = 0, j = 0] = pending.pop() ?? [];
    const key = `${i},${j}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (closure(a, i) === a.length && closure(b, j) === b.length) return true;
    for (const char of chars) {
      const nextA = stepGlob(a, i, char);
      const nextB = stepGlob(b, j, char);
      for (const x of nextA) for (const y of nextB) pending.push([x, y]);
    }
  }
  return false;
}

/** The positions glob `source` can be at after reading `char` from position `at`. */
function stepGlob(source: string, at: number, char: string): number[] {
  const next: number[] = [];
  for (let position = at; position <= source.length; position += 1) {
    const token = source[position];
    if (token === '*') next.push(position);
    else if (token === '?' || token === char) next.push(position + 1);
    if (token !== '*') break;
  }
  return next;
}

/**
 * Whether two patterns could match one principal: the same ARN, or a session and its role's
 * ARN. A quick test that keeps the automata to the patterns that matter; it may say yes wrongly,
 * never no.
 */
export function mayOverlap(a: string, b: string): boolean {
  if (a === '*' || b === '*') return true;
  const x = splitArn(a);
  const y = splitArn(b);
  if (x === undefined || y === undefined) return a === b;
  const intersect = (part: number) => globsIntersect(x[part] ?? '', y[part] ?? '');
  if (!intersect(0) || !intersect(1) || !intersect(4)) return false;
  if (intersect(2) && intersect(3) && intersect(5)) return true;
  const session = (p: string[]) =>
    globMatches(p[2] ?? '', 'sts') &&
    globMatches(p[3] ?? '', '') &&
    canStartWith(p[5] ?? '', 'assumed-role/');
  const role = (p: string[]) =>
    globMatches(p[2] ?? '', 'iam') &&
    globMatches(p[3] ?? '', '') &&
    canStartWith(p[5] ?? '', 'role/');
  return (session(x) && role(y)) || (session(y) && role(x));
}

/**
 * The pairs of allow rules whose db users could be equal, found without comparing every rule
 * with every other: fixed names meet only their equals, a template meets fixed names that begin
 * and end as it does, and templates meet templates whose fixed starts and ends agree.
 */
export function candidatePairs(rules: readonly ReachRule[]): [ReachRule, ReachRule][] {
  const pairs: [ReachRule, ReachRule][] = [];
  const fixed = new Map<string, ReachRule[]>();
  const templated: ReachRule[] = [];
  for (const rule of rules) {
    const template = rule.dbUser as DbUserTemplate;
    if (template.variables.size === 0) {
      const name = template.source.toLowerCase();
      const owners = fixed.get(name);
      if (owners === undefined) fixed.set(name, [rule]);
      else {
        for (const other of owners) pairs.push([other, rule]);
        owners.push(rule);
      }
    } else {
      templated.push(rule);
    }
  }
  const ends = (rule: ReachRule) => {
    const source = (rule.dbUser as DbUserTemplate).source.toLowerCase();
    return {
      start: source.slice(0, source.indexOf('${')),
      end: source.slice(source.lastIndexOf('}') + 1),
    };
  };
  const agree = (a: string, b: string, atEnd: boolean) =>
    atEnd ? a.endsWith(b) || b.endsWith(a) : a.startsWith(b) || b.startsWith(a);
  const fixedNames = [...fixed.keys()];
  for (const [i, rule] of templated.entries()) {
    const { start, end } = ends(rule);
    for (const name of fixedNames) {
      if (!name.startsWith(start) || !name.endsWith(end)) continue;
      for (const other of fixed.get(name) ?? []) {
        pairs.push(other.index < rule.index ? [other, rule] : [rule, other]);
      }
    }
    for (const other of templated.slice(i + 1)) {
      const theirs = ends(other);
      if (agree(start, theirs.start, false) && agree(end, theirs.end, true)) {
        pairs.push([rule, other]);
      }
    }
  }
  return pairs.sort((x, y) => x[0].index - y[0].index || x[1].index - y[1].index);
}

/** The allow rules whose db users could meet another rule's on a cluster they share. */
export function sharingCandidates(rules: readonly ReachRule[]): [ReachRule, ReachRule][] {
  const allows = rules.filter(
    (rule) => rule.effect === 'allow' && rule.dbUser !== undefined && rule.dbUser.source !== '',
  );
  return candidatePairs(allows).filter(([a, b]) =>
    (a.clusters ?? []).some((cluster) => (b.clusters ?? []).includes(cluster)),
  );
}

/** The (allow, later deny) pairs whose patterns could match one principal. */
export function straddleCandidates(rules: readonly ReachRule[]): [ReachRule, ReachRule][] {
  const pairs: [ReachRule, ReachRule][] = [];
  for (const deny of rules) {
    // "*" is everyone else: an allow rule before it is the usual exception, not a mistake.
    if (deny.effect !== 'deny' || deny.principals.includes('*')) continue;
    for (const allow of rules) {
      if (allow.effect !== 'allow' || allow.index > deny.index) continue;
      if (allow.principals.some((a) => deny.principals.some((d) => mayOverlap(a, d)))) {
        pairs.push([allow, deny]);
      }
    }
  }
  return pairs;
}
