import { globMatches, splitArn } from '../arn-like.js';
import { type Glob, globFor } from './glob.js';
import { type PrincipalKind, SKELETONS, type Skeleton } from './principal-skeletons.js';

/**
 * Every principal a policy can be asked about, as finite automata over ARNs: IAM users, role
 * sessions and state machines, each read by a small machine (the ARN's shape) together with the
 * ArnLike patterns that matter, so that "which principals does a rule decide" is a regular
 * language and questions about all callers at once have exact answers. The answers need only a
 * finite alphabet: every character a pattern names, and one stand-in for each class of
 * characters none of them names (they all behave alike).
 */

const SPELT_BY_EVERY_ARN = 'arn aws iam sts states user assumed-role role stateMachine';

/**
 * The characters the automata read: every character the policy names (with its other case, as
 * rendered names are lower-cased), the characters IAM names may hold besides letters and digits,
 * the ARN's separators, and for each class of characters nobody names (letters of either case,
 * digits, characters only paths may hold) one that stands for all of them: no pattern or
 * template tells them apart. The stand-in letter is the one fewest reserved words hold.
 */
export function alphabetFor(texts: Iterable<string>): string[] {
  const chars = new Set<string>('_+=,.@-/:');
  // What every ARN of a principal spells, whatever the policy names.
  for (const text of [SPELT_BY_EVERY_ARN, ...texts]) {
    for (const char of text) {
      if (char === '*' || char === '?' || char.charCodeAt(0) >= 0x7f) continue;
      chars.add(char);
      chars.add(char.toLowerCase());
      chars.add(char.toUpperCase());
    }
  }
  const standIn = (candidates: string) => [...candidates].find((c) => !chars.has(c));
  const letter = standIn('qjkzxvwyfghbpmdcnlutrseiaoq');
  const digit = standIn('7094312568');
  const pathOnly = standIn('!"#$%&\'();<>[\\]^`{|}~');
  for (const char of [letter, letter?.toUpperCase(), digit, pathOnly]) {
    if (char !== undefined) chars.add(char);
  }
  // Letters first, so that examples built from the first characters found read as names.
  const rank = (c: string) => (/[a-z]/.test(c) ? 0 : /[A-Z]/.test(c) ? 1 : /\d/.test(c) ? 2 : 3);
  return [...chars].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1));
}

/** A pattern as the automata follow it: its six part globs, and what its constant parts say. */
interface TrackedPattern {
  readonly everyone: boolean;
  readonly parts: readonly Glob[];
  /** For a role session: whether the pattern could name the role's ARN (service iam, no region). */
  readonly namesRoles: boolean;
}

function track(pattern: string): TrackedPattern {
  if (pattern === '*') return { everyone: true, parts: [], namesRoles: false };
  const parts = (splitArn(pattern) ?? ['', '', '', '', '', '']).map(globFor);
  const [, , service, region] = parts;
  return {
    everyone: false,
    parts,
    namesRoles: globMatches(service?.source ?? '', 'iam') && globMatches(region?.source ?? '', ''),
  };
}

/**
 * One pattern's progress along an ARN: which of the parts read so far it matched (a bit per
 * part), where it stands in the current part, and for a session, where the role's ARN form
 * (`role/NAME`) stands or whether it matched.
 */
interface Progress {
  readonly partsMatched: number;
  readonly at: number;
  /** The role's ARN form: a glob state while it is read, then ROLE_MATCHED or ROLE_MISSED. */
  readonly role: number;
}

const ROLE_UNREAD = -1;
const ROLE_MATCHED = -2;
const ROLE_MISSED = -3;

const ALL_FIVE = 0b11111;
/** The parts a role's ARN shares with the session's: arn, partition and account. */
const SHARED_WITH_ROLE = 0b10011;

/**
 * Where an ARN read so far stands: its skeleton state, and the progress of each pattern that can
 * still match (by index, ascending); a pattern that no longer can is dropped, so states that
 * differ only in how a pattern failed are one, and reading a character costs only what is alive.
 */
interface State {
  readonly skeleton: number;
  readonly alive: readonly number[];
  readonly progress: readonly Progress[];
}

/**
 * The principals of one kind, read together with a list of patterns: a deterministic automaton
 * whose states say, at the end of an ARN, which patterns matched it. States are numbered as they
 * are first reached; transitions are worked out on first use.
 */
export class PrincipalAutomaton {
  readonly #skeleton: Skeleton;
  readonly #patterns: readonly TrackedPattern[];
  readonly #ids = new Map<string, number>();
  readonly #states: State[] = [];
  readonly #transitions: Map<string, number>[] = [];
  readonly #matches: (readonly boolean[] | undefined)[] = [];
  readonly start: number;

  constructor(
    readonly kind: PrincipalKind,
    patterns: readonly string[],
    readonly alphabet: readonly string[],
  ) {
    this.#skeleton = SKELETONS[kind];
    this.#patterns = patterns.map(track);
    this.start = this.#id(
      0,
      this.#patterns.map((_, i) => i),
      this.#patterns.map((pattern) => ({
        partsMatched: 0,
        at: pattern.parts[0]?.initial ?? 0,
        role: ROLE_UNREAD,
      })),
    );
  }

  get skeleton(): Skeleton {
    return this.#skeleton;
  }

  #id(skeleton: number, alive: readonly number[], progress: readonly Progress[]): number {
    const key = `${skeleton}#${progress.map((p, k) => `${alive[k]}=${p.partsMatched}:${p.at}:${p.role}`).join(';')}`;
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#states.length;
      this.#ids.set(key, id);
      this.#states.push({ skeleton, alive, progress });
      this.#transitions.push(new Map());
      this.#matches.push(undefined);
    }
    return id;
  }

  skeletonOf(state: number): number {
    return this.#states[state]?.skeleton ?? -1;
  }

  /** The state after reading `char`, or -1 when no ARN of this kind goes on that way. */
  next(state: number, char: string): number {
    const known = this.#transitions[state]?.get(char);
    if (known !== undefined) return known;
    const current = this.#states[state];
    const edge = current && this.#skeleton.next(current.skeleton, char);
    let next = -1;
    if (current && edge) {
      const part = this.#skeleton.part(current.skeleton);
      const entersRole = edge.to === this.#skeleton.roleStart;
      const readsRole = this.#skeleton.roleSpan.has(current.skeleton);
      const alive: number[] = [];
      const progressed: Progress[] = [];
      current.progress.forEach((progress, k) => {
        const i = current.alive[k] ?? 0;
        const pattern = this.#patterns[i];
        if (pattern === undefined) return;
        // `*` has no parts: its progress stays as it starts, and it can always match.
        const glob = pattern.parts[part];
        let { partsMatched, at, role } = progress;
        if (edge.separator) {
          if (glob?.accepts(at)) partsMatched |= 1 << part;
          at = pattern.parts[part + 1]?.initial ?? 0;
        } else {
          at = glob?.step(at, char) ?? 0;
        }
        const resource = pattern.parts[5];
        if (entersRole && resource) role = resource.read(resource.initial, 'role/');
        else if (readsRole && resource && char !== '/') role = resource.step(role, char);
        else if (readsRole && char === '/') {
          role = resource?.accepts(role) ? ROLE_MATCHED : ROLE_MISSED;
        }
        const after = { partsMatched, at, role };
        if (!this.#canMatch(edge.to, pattern, after)) return;
        alive.push(i);
        progressed.push(after);
      });
      next = this.#id(edge.to, alive, progressed);
    }
    this.#transitions[state]?.set(char, next);
    return next;
  }

  /** Whether the ARN read so far is a whole principal of this kind. */
  complete(state: number): boolean {
    return this.#skeleton.accepting.has(this.skeletonOf(state));
  }

  /** Whether pattern `i` can still match some ARN that goes on from `state`. */
  canStillMatch(state: number, i: number): boolean {
    const current = this.#states[state];
    const pattern = this.#patterns[i];
    const progress = current?.progress[current.alive.indexOf(i)];
    return current !== undefined && pattern !== undefined && progress !== undefined
      ? this.#canMatch(current.skeleton, pattern, progress)
      : false;
  }

  /** Whether a pattern with this progress, in this skeleton state, can still match some ARN. */
  #canMatch(skeleton: number, pattern: TrackedPattern, progress: Progress): boolean {
    if (pattern.everyone) return true;
    const part = this.#skeleton.part(skeleton);
    const { partsMatched, at, role } = progress;
    const done = (1 << part) - 1;
    const itself = (partsMatched & done) === done && !pattern.parts[part]?.dead(at);
    if (itself) return true;
    if (this.kind !== 'assumed-role' || !pattern.namesRoles || role === ROLE_MISSED) return false;
    const shared = SHARED_WITH_ROLE & done;
    const inRole = role >= 0 && part === 5 && pattern.parts[5]?.dead(role);
    const inShared = (part <= 1 || part === 4) && pattern.parts[part]?.dead(at);
    return (partsMatched & shared) === shared && !inRole && !inShared;
  }

  /** At the end of a whole ARN, whether each pattern matched it (for a session: it or its role). */
  matches(state: number): readonly boolean[] {
    const known = this.#matches[state];
    if (known !== undefined) return known;
    const current = this.#states[state];
    const complete = this.complete(state);
    const result = this.#patterns.map(() => false);
    current?.progress.forEach(({ partsMatched, at, role }, k) => {
      const i = current.alive[k] ?? 0;
      const pattern = this.#patterns[i];
      if (!complete || pattern === undefined) return;
      const itself =
        pattern.everyone || (partsMatched === ALL_FIVE && (pattern.parts[5]?.accepts(at) ?? false));
      const asRole =
        this.kind === 'assumed-role' &&
        pattern.namesRoles &&
        (partsMatched & SHARED_WITH_ROLE) === SHARED_WITH_ROLE &&
        role === ROLE_MATCHED;
      result[i] = itself || asRole;
    });
    this.#matches[state] = result;
    return result;
  }

  /** The characters a state can read (the ARN's shape allows), and where each leads. */
  edges(state: number): [string, number][] {
    const edges: [string, number][] = [];
    for (const char of this.#skeleton.readable(this.skeletonOf(state), this.alphabet)) {
      const next = this.next(state, char);
      if (next !== -1) edges.push([char, next]);
    }
    return edges;
  }

  /**
   * Every state reachable from `from` (default: the start), with how each was first reached;
   * `onEdge` sees every edge on the way.
   */
  explore(
    from: readonly number[] = [this.start],
    limit = Number.POSITIVE_INFINITY,
    onEdge?: (state: number, next: number) => void,
    /** States not worth going on from (they are reached, not followed). */
    follow: (state: number) => boolean = () => true,
  ): Map<number, { readonly previous: number; readonly char: string }> {
    const reached = new Map<number, { previous: number; char: string }>();
    for (const state of from) reached.set(state, { previous: -1, char: '' });
    const queue = [...from];
    for (let head = 0; head < queue.length && reached.size <= limit; head += 1) {
      const state = queue[head] ?? 0;
      if (!follow(state)) continue;
      for (const [char, next] of this.edges(state)) {
        onEdge?.(state, next);
        if (reached.has(next)) continue;
        reached.set(next, { previous: state, char });
        queue.push(next);
      }
    }
    return reached;
  }

  /** The characters that lead from a state in `from` to `to`, along the first path found. */
  static pathTo(
    reached: ReadonlyMap<number, { readonly previous: number; readonly char: string }>,
    to: number,
  ): string {
    const chars: string[] = [];
    for (let at = to; ; ) {
      const step = reached.get(at);
      if (step === undefined || step.previous === -1) break;
      chars.push(step.char);
      at = step.previous;
    }
    return chars.reverse().join('');
  }
}
