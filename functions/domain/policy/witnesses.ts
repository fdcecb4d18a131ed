import { compileArnLike } from '../arn-like.js';
import { SEARCH_LIMIT } from './decided.js';
import { mayMatchKind, PRINCIPAL_KINDS } from './principal-skeletons.js';
import { alphabetFor, PrincipalAutomaton } from './principal-space.js';

/**
 * Example principals for comparing two sets of patterns: one ARN for every combination of
 * patterns (at least one) that some principal matches together (a region of the principal space where every
 * principal is matched by the same patterns, so decided by the same rule in each version), found
 * by reading every principal at once through the pattern automata of principal-space.ts. Each
 * pattern that matches anything is in some region, so each pattern gets an example too.
 */
export interface Witnesses {
  readonly arns: readonly string[];
  /** False when a search gave up at its limit: some region may have no example. */
  readonly complete: boolean;
}

/** Which patterns a whole ARN's state matched, as a key: `1` for each that did, `0` otherwise. */
const regionAt = (automaton: PrincipalAutomaton, state: number) =>
  automaton
    .matches(state)
    .map((matched) => (matched ? '1' : '0'))
    .join('');

/** A pattern no principal of a kind a wildcard can describe matches: an account root, … */
const exactOnly = (pattern: string) => !PRINCIPAL_KINDS.some((kind) => mayMatchKind(pattern, kind));

/** An example ARN of each region the patterns cut the principals into; `texts` add characters. */
export function regionWitnesses(
  patterns: readonly string[],
  texts: readonly string[] = [],
): Witnesses {
  const unique = [...new Set(patterns)];
  const alphabet = alphabetFor([...unique, ...texts]);
  const arns: string[] = [];
  let complete = true;
  for (const kind of PRINCIPAL_KINDS) {
    if (!unique.some((pattern) => mayMatchKind(pattern, kind))) continue;
    const automaton = new PrincipalAutomaton(kind, unique, alphabet);
    const reached = automaton.explore([automaton.start], SEARCH_LIMIT);
    if (reached.size > SEARCH_LIMIT) complete = false;
    const regions = new Set<string>();
    for (const state of reached.keys()) {
      if (!automaton.complete(state)) continue;
      const region = regionAt(automaton, state);
      // A caller no pattern matches is no example of any.
      if (regions.has(region) || !region.includes('1')) continue;
      regions.add(region);
      arns.push(readable(automaton, PrincipalAutomaton.pathTo(reached, state), region));
    }
  }
  // A principal no wildcard can describe (an account root, a federated user) is matched only by
  // a pattern naming it exactly: that pattern is its example.
  arns.push(...unique.filter(exactOnly));
  return { arns, complete };
}

/**
 * A readable example ARN of each kind of principal `pattern` matches (the shortest, made
 * readable), or the pattern itself when only that ARN matches it.
 */
export function patternExamples(pattern: string): string[] {
  if (exactOnly(pattern)) return [pattern];
  const alphabet = alphabetFor([pattern]);
  const examples: string[] = [];
  for (const kind of PRINCIPAL_KINDS) {
    if (!mayMatchKind(pattern, kind)) continue;
    const automaton = new PrincipalAutomaton(kind, [pattern], alphabet);
    const hopeful = (state: number) => automaton.canStillMatch(state, 0);
    const reached = automaton.explore([automaton.start], SEARCH_LIMIT, undefined, hopeful);
    // States are reached breadth first: the first that matches ends the shortest example.
    for (const state of reached.keys()) {
      if (!automaton.complete(state) || !automaton.matches(state)[0]) continue;
      examples.push(readable(automaton, PrincipalAutomaton.pathTo(reached, state), '1'));
      break;
    }
  }
  return examples;
}

/**
 * Whether some principal matches both patterns (for a session: it or its role). Exact: read
 * through the two patterns' automaton, not guessed from their parts.
 */
export function shareACaller(a: string, b: string): boolean {
  if (a === '*' || b === '*') return true;
  if (exactOnly(a) || exactOnly(b)) {
    // A principal no wildcard of a kind describes (an account root, …) is its own ARN: the other
    // pattern shares it when it matches that ARN.
    return compileArnLike(a)(b) || compileArnLike(b)(a);
  }
  const kinds = PRINCIPAL_KINDS.filter((kind) => mayMatchKind(a, kind) && mayMatchKind(b, kind));
  const alphabet = alphabetFor([a, b]);
  return kinds.some((kind) => {
    const automaton = new PrincipalAutomaton(kind, [a, b], alphabet);
    const both = (state: number) =>
      automaton.canStillMatch(state, 0) && automaton.canStillMatch(state, 1);
    const reached = automaton.explore([automaton.start], SEARCH_LIMIT, undefined, both);
    if (reached.size > SEARCH_LIMIT) return true;
    for (const state of reached.keys()) {
      const [first, second] = automaton.matches(state);
      if (first && second) return true;
    }
    return false;
  });
}

/** The region (which patterns match) of a whole ARN, or undefined when it is not one. */
function regionOf(automaton: PrincipalAutomaton, arn: string): string | undefined {
  let state = automaton.start;
  for (const char of arn) {
    state = automaton.next(state, char);
    if (state === -1) return undefined;
  }
  return automaton.complete(state) ? regionAt(automaton, state) : undefined;
}

/**
 * The shortest ARN of a region reads like `…:assumed-role/etl-/aa`; a reviewer reads
 * `…:assumed-role/etl-example/example`. Each part is given a readable name where the ARN stays
 * in its region.
 */
function readable(automaton: PrincipalAutomaton, arn: string, region: string): string {
  const filler = automaton.alphabet[0] ?? 'a';
  const rewrites: ((part: string, i: number) => string)[] = [
    (part, i) => (i === 3 && /^[a-z]$/.test(part) ? 'us-east-1' : part),
    (part, i) => (i === 4 && /^0{12}$/.test(part) ? '111122223333' : part),
    (part) => part.replace(new RegExp(`(^|[-_/:])${filler}+(?=$|/)`, 'g'), '$1example'),
    (part) => part.replace(/([-_])(?=$|\/)/g, '$1example'),
    (part) => part.replace(/(^|\/)(?=[-_])/g, '$1example'),
  ];
  let best = arn;
  for (const rewrite of rewrites) {
    const parts = best.split(':');
    const candidate = parts.map((part, i) => (i >= 3 ? rewrite(part, i) : part)).join(':');
    if (candidate !== best && regionOf(automaton, candidate) === region) best = candidate;
  }
  return best;
}

/**
 * Principals like `arn` whose names differ in one place: one more character at each position of
 * its names. Two templates that render the same name for one principal (`${roleName}` and
 * `${sessionName}` when both are `a`) render different names for most of these.
 */
export function variantsOf(arn: string, chars: readonly string[] = ['x', '7', '=']): string[] {
  const resource =
    /^(arn:[^:]*:[^:]*:[^:]*:[^:]*:(?:user\/|assumed-role\/|stateMachine:))(.+)$/.exec(arn);
  if (!resource) return [];
  const [, prefix = '', names = ''] = resource;
  const variants: string[] = [];
  for (let at = 0; at <= names.length; at += 1) {
    for (const char of chars) {
      variants.push(`${prefix}${names.slice(0, at)}${char}${names.slice(at)}`);
    }
  }
  return variants;
}
