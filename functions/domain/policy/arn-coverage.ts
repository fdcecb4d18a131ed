import { globMatches, splitArn } from '../arn-like.js';

/**
 * Whether ArnLike pattern `a` matches every ARN that pattern `b` matches, compared part by part
 * as ArnLike matches. Exact for single patterns; a pattern covered only by the union of several
 * others is not reported.
 */
export function patternCovers(a: string, b: string): boolean {
  if (a === '*') return true;
  if (b === '*') return false;
  const aParts = splitArn(a);
  const bParts = splitArn(b);
  if (aParts === undefined || bParts === undefined) return a === b;
  return partsCover(aParts, bParts);
}

/** `patternCovers` for two ARN patterns already split into their six parts. */
export function partsCover(aParts: readonly string[], bParts: readonly string[]): boolean {
  for (let i = 0; i < aParts.length; i += 1) {
    if (!globCovers(aParts[i] ?? '', bParts[i] ?? '')) return false;
  }
  return true;
}

/** The states of a glob after `*`s that can match nothing. */
function closure(glob: string, states: Iterable<number>): Set<number> {
  const reached = new Set(states);
  for (const state of reached) if (glob[state] === '*') reached.add(state + 1);
  return reached;
}

/** The states of a glob after reading `char` from `states`. */
function step(glob: string, states: Iterable<number>, char: string): Set<number> {
  const next: number[] = [];
  for (const state of states) {
    const token = glob[state];
    if (token === '*') next.push(state);
    else if (token === '?' || token === char) next.push(state + 1);
  }
  return closure(glob, next);
}

/**
 * Whether glob `a` (`*`, `?`) matches every string glob `b` matches: no string reaches the end
 * of `b` while leaving `a` short of its end. Explores `b`'s states paired with the set of states
 * `a` can be in, over the characters either names plus one that neither does.
 */
export function globCovers(a: string, b: string): boolean {
  if (a === b || a === '*') return true;
  const aWild = firstWildcard(a);
  const bWild = firstWildcard(b);
  // A literal matches one string, so it covers only that same literal.
  if (aWild === -1) return false;
  if (bWild === -1) return globMatches(a, b);
  // Every string b matches starts with b's literal start and ends with its literal end, and
  // nothing else is certain of them: a's literal start and end must lie within those.
  if (!b.startsWith(a.slice(0, aWild)) || aWild > bWild) return false;
  const aTail = a.length - 1 - lastWildcard(a);
  const bTail = b.length - 1 - lastWildcard(b);
  if (aTail > bTail || !b.endsWith(a.slice(a.length - aTail))) return false;
  return automatonCovers(a, b);
}

const firstWildcard = (glob: string) => glob.search(/[*?]/);

function lastWildcard(glob: string): number {
  return Math.max(glob.lastIndexOf('*'), glob.lastIndexOf('?'));
}

function automatonCovers(a: string, b: string): boolean {
  const other = '\u0000';
  const alphabet = [...new Set([...a, ...b].filter((c) => c !== '*' && c !== '?')), other];
  const pending: [number, Set<number>][] = [];
  const seen = new Set<string>();
  const visit = (bStates: Set<number>, aStates: Set<number>) => {
    for (const bState of bStates) {
      const key = `${bState}|${[...aStates].sort((x, y) => x - y).join(',')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      pending.push([bState, aStates]);
    }
  };
  visit(closure(b, [0]), closure(a, [0]));
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [bState, aStates] = next;
    if (bState === b.length && !aStates.has(a.length)) return false;
    for (const char of alphabet) {
      const bNext = step(b, [bState], char);
      if (bNext.size > 0) visit(bNext, step(a, aStates, char));
    }
  }
  return true;
}
