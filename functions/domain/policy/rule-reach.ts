import { principalFromStateMachineArn } from '../execution.js';
import { principalFromArn, type TemplateVariable } from '../identity.js';
import { RESERVED_WORDS } from '../names.js';
import type { DbUserTemplate } from './db-user-template.js';
import {
  alphabetFor,
  mayMatchKind,
  PRINCIPAL_KINDS,
  PrincipalAutomaton,
  type PrincipalKind,
  type Segment,
} from './principal-space.js';
import {
  mayOverlap,
  type ReachRule,
  sharingCandidates,
  straddleCandidates,
} from './reach-candidates.js';

/**
 * Exact answers about which principals each rule decides (matched by the rule, by no earlier
 * one), over every principal there could be: two rules that can issue the same database user to
 * different principals, and an allow rule that decides part of what a later deny rule names.
 * Templates and ArnLike patterns are regular, so both are questions about finite automata
 * (principal-space.ts), answered by a search that also yields an example for the warning.
 */

/** Two rules that issue the same database user to two different principals. */
export interface SharedDbUser {
  readonly rules: readonly [ReachRule, ReachRule];
  readonly dbUser: string;
  readonly cluster: string;
  /** A principal each rule issues that user to. */
  readonly principals: readonly [string, string];
}

/** An allow rule deciding some, but not all, of its principals among a later deny rule's. */
export interface AllowBeforeDeny {
  readonly allow: ReachRule;
  readonly deny: ReachRule;
  /** A principal the allow rule decides that the deny rule names. */
  readonly example: string;
  /** A principal the allow rule decides that the deny rule does not name. */
  readonly outside: string;
}

/** How many search states a single question may visit before it is given up as undecided. */
const SEARCH_LIMIT = 200_000;

const VARIABLE_KINDS: Readonly<Record<TemplateVariable, readonly PrincipalKind[]>> = {
  accountId: PRINCIPAL_KINDS,
  userName: ['iam-user'],
  roleName: ['assumed-role'],
  sessionName: ['assumed-role'],
  stateMachineName: ['state-machine'],
};

const WILDCARD = /[*?]/;

type Token = { readonly text: string } | { readonly variable: TemplateVariable };

function tokensOf(template: DbUserTemplate): Token[] {
  return template.source
    .split(/(\$\{[^}]*\})/)
    .filter((part) => part !== '')
    .map((part) =>
      part.startsWith('${')
        ? { variable: part.slice(2, -1) as TemplateVariable }
        : { text: part.toLowerCase() },
    );
}

/** The principals of one kind that one rule decides, with what a search needs of them. */
class Decided {
  /** States reachable from the start, each with the step that first reached it. */
  readonly reached: ReadonlyMap<number, { previous: number; char: string }>;
  /** States from which a decided principal's whole ARN can still be read. */
  readonly alive = new Set<number>();
  readonly #forward = new Map<number, ReadonlyMap<number, { previous: number; char: string }>>();

  constructor(
    readonly automaton: PrincipalAutomaton,
    readonly decides: (state: number) => boolean,
    readonly names?: (state: number) => boolean,
    /** Whether a state may still lead to a decided principal (false: no need to go on). */
    readonly hopeful: (state: number) => boolean = () => true,
  ) {
    const incoming = new Map<number, number[]>();
    this.reached = automaton.explore(
      [automaton.start],
      SEARCH_LIMIT,
      (state, next) => {
        const from = incoming.get(next);
        if (from) from.push(state);
        else incoming.set(next, [state]);
      },
      hopeful,
    );
    const pending = [...this.reached.keys()].filter(decides);
    for (const state of pending) this.alive.add(state);
    while (pending.length > 0) {
      const state = pending.pop() ?? 0;
      for (const previous of incoming.get(state) ?? []) {
        if (this.alive.has(previous)) continue;
        this.alive.add(previous);
        pending.push(previous);
      }
    }
  }

  /** States reachable from `state`, with their first steps (cached). */
  from(state: number): ReadonlyMap<number, { previous: number; char: string }> {
    if (state === this.automaton.start) return this.reached;
    let reached = this.#forward.get(state);
    if (reached === undefined) {
      reached = this.automaton.explore([state], SEARCH_LIMIT, undefined, this.hopeful);
      this.#forward.set(state, reached);
    }
    return reached;
  }

  /** A whole ARN of a decided principal that goes through `state` after `prefix`. */
  completion(
    state: number,
    matching: (state: number) => boolean = this.decides,
  ): string | undefined {
    const reached = this.from(state);
    for (const end of reached.keys()) {
      if (matching(end)) return PrincipalAutomaton.pathTo(reached, end);
    }
    return undefined;
  }
}

/** A trie of names never issued, for telling where a name being spelt stands. */
class ExcludedNames {
  readonly #children: Map<string, number>[] = [new Map()];
  readonly #ends = new Set<number>();

  constructor(names: Iterable<string>) {
    for (const name of names) {
      let node = 0;
      for (const char of name) {
        let next = this.#children[node]?.get(char);
        if (next === undefined) {
          next = this.#children.length;
          this.#children.push(new Map());
          this.#children[node]?.set(char, next);
        }
        node = next;
      }
      this.#ends.add(node);
    }
  }

  /** -1 once the name has left every excluded name behind. */
  next(node: number, char: string): number {
    return node === -1 ? -1 : (this.#children[node]?.get(char) ?? -1);
  }

  excludes(node: number): boolean {
    return this.#ends.has(node);
  }
}

const NAME_START = /^[a-z]$/;
const NAME_REST = /^[a-z0-9_+.@-]$/;
const SYSTEM_PREFIX = 'rdsdb';

/**
 * Where a rendered name stands as it is spelt: whether it is still a valid user name, how much of
 * "rdsdb" (the system users) it has begun with, and where it is among the excluded names.
 */
interface NameState {
  readonly length: number;
  readonly system: number;
  readonly excluded: number;
}

/** One side of the search: a rule spelling the db users it renders, one principal at a time. */
interface SideState {
  /** Which kind of principal (index into the side's kinds); -1 for a fixed db user. */
  readonly kind: number;
  readonly token: number;
  readonly offset: number;
  /** Inside a variable: the automaton state reached, and where the variable began. */
  readonly state: number;
  readonly began: number;
  /** The variables spelt so far: segment order, first and last state. */
  readonly spans: readonly (readonly [number, number, number])[];
  readonly done: boolean;
}

const sideKey = (s: SideState) =>
  `${s.kind}/${s.token}/${s.offset}/${s.state}/${s.began}/${s.spans.map((span) => span.join('.')).join(',')}/${s.done ? 1 : 0}`;

type Move =
  | { readonly side: 0 | 1; readonly char?: string; readonly variable?: number }
  | { readonly side: 2; readonly chars: readonly [string, string]; readonly output: string };

/** A rule as one side of the search for a shared db user. */
class Speller {
  readonly tokens: readonly Token[];
  readonly kinds: readonly PrincipalKind[];
  readonly #decided: Decided[];
  readonly #segments: Segment[][];

  constructor(
    readonly rule: ReachRule,
    decided: (rule: ReachRule, kind: PrincipalKind) => Decided,
    readonly decidesAnything: boolean,
  ) {
    this.tokens = rule.dbUser ? tokensOf(rule.dbUser) : [];
    const variables = this.tokens.flatMap((token) => ('variable' in token ? [token.variable] : []));
    this.kinds =
      variables.length === 0
        ? []
        : PRINCIPAL_KINDS.filter((kind) =>
            variables.every((variable) => VARIABLE_KINDS[variable].includes(kind)),
          );
    this.#decided = this.kinds.map((kind) => decided(rule, kind));
    this.#segments = this.kinds.map((kind) =>
      variables.map(
        (variable) =>
          this.#decided[this.kinds.indexOf(kind)]?.automaton.skeleton.segments.find(
            (segment) => segment.variable === variable,
          ) as Segment,
      ),
    );
  }

  initial(): SideState[] {
    if (this.kinds.length === 0) {
      return this.decidesAnything
        ? [{ kind: -1, token: 0, offset: 0, state: -1, began: -1, spans: [], done: false }]
        : [];
    }
    return this.kinds.map((_, kind) => ({
      kind,
      token: 0,
      offset: 0,
      state: -1,
      began: -1,
      spans: [],
      done: false,
    }));
  }

  #variableIndex(token: number): number {
    return this.tokens.slice(0, token).filter((t) => 'variable' in t).length;
  }

  /** Moves that spell nothing: entering and leaving a variable, finishing. */
  silent(state: SideState): SideState[] {
    if (state.done) return [];
    const token = this.tokens[state.token];
    if (token === undefined) return this.#verified(state) ? [{ ...state, done: true }] : [];
    if (!('variable' in token)) return [];
    const decided = this.#decided[state.kind];
    const segment = this.#segments[state.kind]?.[this.#variableIndex(state.token)];
    if (!decided || !segment) return [];
    if (state.state === -1) {
      return [...decided.reached.keys()]
        .filter((s) => decided.alive.has(s) && segment.starts.has(decided.automaton.skeletonOf(s)))
        .map((s) => ({ ...state, state: s, began: s }));
    }
    const skeleton = decided.automaton.skeletonOf(state.state);
    if (!segment.ends.has(skeleton)) return [];
    return [
      {
        ...state,
        token: state.token + 1,
        state: -1,
        began: -1,
        spans: [...state.spans, [segment.order, state.began, state.state] as const],
      },
    ];
  }

  /** Moves that spell `output`, each with the ARN character read for it (or none). */
  spelling(state: SideState, output: string): { next: SideState; input?: string }[] {
    if (state.done) return [];
    const token = this.tokens[state.token];
    if (token === undefined) return [];
    if ('text' in token) {
      if (token.text[state.offset] !== output) return [];
      const end = state.offset + 1 === token.text.length;
      return [
        {
          next: {
            ...state,
            token: end ? state.token + 1 : state.token,
            offset: end ? 0 : state.offset + 1,
          },
        },
      ];
    }
    if (state.state === -1) return [];
    const decided = this.#decided[state.kind];
    const segment = this.#segments[state.kind]?.[this.#variableIndex(state.token)];
    if (!decided || !segment) return [];
    const inputs = output === output.toUpperCase() ? [output] : [output, output.toUpperCase()];
    return inputs.flatMap((input) => {
      if (!segment.allows(input)) return [];
      const next = decided.automaton.next(state.state, input);
      return next === -1 || !decided.alive.has(next)
        ? []
        : [{ next: { ...state, state: next }, input }];
    });
  }

  /** The variables, put back in ARN order, must be one ARN of a principal the rule decides. */
  #verified(state: SideState): boolean {
    if (state.kind === -1) return true;
    return this.#arn(state, [], false) !== undefined;
  }

  /**
   * The ARN the spans make with `spelt` (each variable's characters), or undefined when they
   * make none; `build` false only asks whether they do (the ARN is then left empty).
   */
  #arn(state: SideState, spelt: readonly string[], build = true): string | undefined {
    const decided = this.#decided[state.kind];
    const segments = this.#segments[state.kind];
    if (!decided || !segments) return undefined;
    const spans = state.spans
      .map(([order, first, last], i) => ({ order, first, last, text: spelt[i] ?? '' }))
      .sort((a, b) => a.order - b.order);
    let arn = build
      ? PrincipalAutomaton.pathTo(decided.reached, spans[0]?.first ?? decided.automaton.start)
      : '';
    for (let i = 0; i < spans.length; i += 1) {
      const span = spans[i];
      if (span === undefined) return undefined;
      arn += span.text;
      const segment = segments.find((s) => s.order === span.order);
      const following = spans[i + 1];
      if (segment?.terminator === undefined) {
        if (following !== undefined || !decided.decides(span.last)) return undefined;
        continue;
      }
      const after = decided.automaton.next(span.last, segment.terminator);
      if (after === -1) return undefined;
      arn += segment.terminator;
      if (following === undefined) {
        if (!decided.alive.has(after)) return undefined;
        if (build) arn += decided.completion(after) ?? '';
      } else {
        const reached = decided.from(after);
        if (!reached.has(following.first)) return undefined;
        if (build) arn += PrincipalAutomaton.pathTo(reached, following.first);
      }
    }
    return arn;
  }

  /** A principal whose ARN spells what `moves` (this side's variable characters) spelt. */
  principal(state: SideState, inputs: readonly { variable: number; char: string }[]): string {
    if (state.kind === -1) return this.#anyPrincipal?.() ?? '';
    const spelt = state.spans.map((_, i) =>
      inputs
        .filter((input) => input.variable === i)
        .map((input) => input.char)
        .join(''),
    );
    return this.#arn(state, spelt) ?? '';
  }

  #anyPrincipal: (() => string | undefined) | undefined;

  /** How a fixed db user's side names a principal it is issued to. */
  withAnyPrincipal(find: () => string | undefined): this {
    this.#anyPrincipal = find;
    return this;
  }
}

/** The policy's rules, and the principals each decides. */
export class RuleReach {
  readonly #rules: readonly ReachRule[];
  readonly #alphabet: string[];
  readonly #decided = new Map<string, Decided>();
  readonly #excluded: ExcludedNames;
  /** Principals that only an exact pattern matches (account roots, …): the rule that decides each. */
  readonly #others = new Map<string, number>();

  constructor(rules: readonly ReachRule[], protectedDbUsers: Iterable<string> = []) {
    this.#rules = rules;
    this.#alphabet = alphabetFor([
      ...rules.flatMap((rule) => rule.principals),
      ...rules.flatMap((rule) => (rule.dbUser ? [rule.dbUser.source] : [])),
    ]);
    this.#excluded = new ExcludedNames([
      ...[...RESERVED_WORDS].map((word) => word.toLowerCase()),
      'public',
      ...protectedDbUsers,
    ]);
    for (const rule of rules) {
      for (const pattern of rule.principals) {
        if (pattern === '*' || WILDCARD.test(pattern) || this.#others.has(pattern)) continue;
        const other =
          principalFromArn(pattern).kind === 'other' &&
          principalFromStateMachineArn(pattern).kind !== 'state-machine';
        if (other) this.#others.set(pattern, rule.index);
      }
    }
  }

  /** The patterns that can change what `rule` decides: its own, and earlier ones that overlap. */
  #tracked(rule: ReachRule, also: readonly string[] = []) {
    const earlier = this.#rules
      .filter((r) => r.index < rule.index)
      .flatMap((r) => r.principals)
      .filter((p) => rule.principals.some((own) => mayOverlap(own, p)));
    return { own: rule.principals, earlier, also };
  }

  decided(rule: ReachRule, kind: PrincipalKind, also?: ReachRule): Decided {
    const key = `${rule.index}|${kind}|${also?.index ?? ''}`;
    let found = this.#decided.get(key);
    if (found === undefined) {
      const { own, earlier } = this.#tracked(rule);
      const extra = also?.principals ?? [];
      const automaton = new PrincipalAutomaton(
        kind,
        [...own, ...earlier, ...extra],
        this.#alphabet,
      );
      const decides = (state: number) => {
        if (!automaton.complete(state)) return false;
        const matched = automaton.matches(state);
        return (
          matched.slice(0, own.length).some(Boolean) &&
          !matched.slice(own.length, own.length + earlier.length).some(Boolean)
        );
      };
      const names = (state: number) =>
        automaton
          .matches(state)
          .slice(own.length + earlier.length)
          .some(Boolean);
      // A rule none of whose patterns can match this kind decides none of it: nothing to explore.
      const possible = own.some((pattern) => mayMatchKind(pattern, kind));
      const hopeful = (state: number) =>
        possible && own.some((_, i) => automaton.canStillMatch(state, i));
      found = new Decided(automaton, decides, names, hopeful);
      this.#decided.set(key, found);
    }
    return found;
  }

  /** A principal `rule` decides, when it decides any. */
  examplePrincipal(rule: ReachRule): string | undefined {
    for (const [arn, index] of this.#others) if (index === rule.index) return arn;
    for (const kind of PRINCIPAL_KINDS) {
      const decided = this.decided(rule, kind);
      const found = decided.completion(decided.automaton.start);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Pairs of rules sharing a cluster that can issue one database user to two principals. */
  sharedDbUsers(): SharedDbUser[] {
    const found: SharedDbUser[] = [];
    for (const [a, b] of sharingCandidates(this.#rules)) {
      const cluster = (a.clusters ?? []).find((c) => (b.clusters ?? []).includes(c));
      if (cluster === undefined) continue;
      const shared = this.#sharedName(a, b);
      if (shared !== undefined) found.push({ rules: [a, b], cluster, ...shared });
    }
    return found;
  }

  #speller(rule: ReachRule): Speller {
    const example = () => this.examplePrincipal(rule);
    const fixed = rule.dbUser?.variables.size === 0;
    return new Speller(
      rule,
      (r, kind) => this.decided(r, kind),
      fixed ? example() !== undefined : true,
    ).withAnyPrincipal(example);
  }

  /** A name both rules issue and the principals they issue it to, by a breadth-first search. */
  #sharedName(
    a: ReachRule,
    b: ReachRule,
  ): { dbUser: string; principals: [string, string] } | undefined {
    const sides = [this.#speller(a), this.#speller(b)] as const;
    const start = (name: NameState, left: SideState, right: SideState) => ({ name, left, right });
    type Node = ReturnType<typeof start>;
    const key = ({ name, left, right }: Node) =>
      `${name.length}.${name.system}.${name.excluded}|${sideKey(left)}|${sideKey(right)}`;
    const parents = new Map<string, { previous: string; move: Move } | null>();
    const nodes = new Map<string, Node>();
    const queue: Node[] = [];
    for (const left of sides[0].initial()) {
      for (const right of sides[1].initial()) {
        const node = start({ length: 0, system: 0, excluded: 0 }, left, right);
        nodes.set(key(node), node);
        parents.set(key(node), null);
        queue.push(node);
      }
    }
    const visit = (node: Node, from: Node, move: Move, front: boolean) => {
      const id = key(node);
      if (parents.has(id)) return;
      parents.set(id, { previous: key(from), move });
      nodes.set(id, node);
      if (front) queue.unshift(node);
      else queue.push(node);
    };
    const outputs = [...new Set(this.#alphabet.map((c) => c.toLowerCase()))];
    while (queue.length > 0 && parents.size < SEARCH_LIMIT) {
      const node = queue.shift() as Node;
      const { name, left, right } = node;
      if (
        left.done &&
        right.done &&
        name.length > 0 &&
        name.length <= 64 &&
        name.system < SYSTEM_PREFIX.length &&
        !this.#excluded.excludes(name.excluded)
      ) {
        return this.#witness(sides, key(node), parents, nodes);
      }
      // Pushed to the front in reverse, so the first choice (the shortest ARN) is tried first.
      for (const next of sides[0].silent(left).reverse()) {
        visit({ ...node, left: next }, node, { side: 0 }, true);
      }
      for (const next of sides[1].silent(right).reverse()) {
        visit({ ...node, right: next }, node, { side: 1 }, true);
      }
      if (name.length >= 64) continue;
      for (const output of outputs) {
        if (!(name.length === 0 ? NAME_START : NAME_REST).test(output)) continue;
        const lefts = sides[0].spelling(left, output);
        if (lefts.length === 0) continue;
        const rights = sides[1].spelling(right, output);
        const spelt: NameState = {
          length: name.length + 1,
          system:
            name.system === name.length && SYSTEM_PREFIX[name.length] === output
              ? name.system + 1
              : name.system === SYSTEM_PREFIX.length
                ? name.system
                : -1,
          excluded: this.#excluded.next(name.excluded, output),
        };
        for (const l of lefts) {
          for (const r of rights) {
            visit(
              { name: spelt, left: l.next, right: r.next },
              node,
              { side: 2, chars: [l.input ?? '', r.input ?? ''], output },
              false,
            );
          }
        }
      }
    }
    return undefined;
  }

  #witness(
    sides: readonly [Speller, Speller],
    end: string,
    parents: ReadonlyMap<string, { previous: string; move: Move } | null>,
    nodes: ReadonlyMap<string, { left: SideState; right: SideState }>,
  ): { dbUser: string; principals: [string, string] } {
    const moves: { move: Move; before: { left: SideState; right: SideState } }[] = [];
    for (let at = end; ; ) {
      const parent = parents.get(at);
      if (!parent) break;
      moves.push({ move: parent.move, before: nodes.get(parent.previous) as never });
      at = parent.previous;
    }
    moves.reverse();
    const inputs: { variable: number; char: string }[][] = [[], []];
    let dbUser = '';
    for (const { move, before } of moves) {
      if (move.side !== 2) continue;
      dbUser += move.output;
      for (const side of [0, 1] as const) {
        const state = side === 0 ? before.left : before.right;
        const char = move.chars[side];
        if (char) inputs[side]?.push({ variable: state.spans.length, char });
      }
    }
    const last = nodes.get(end) as { left: SideState; right: SideState };
    return {
      dbUser,
      principals: [
        sides[0].principal(last.left, inputs[0] ?? []),
        sides[1].principal(last.right, inputs[1] ?? []),
      ],
    };
  }

  /** Allow rules that decide some, not all, of their principals among a later deny rule's. */
  allowsBeforeDenies(): AllowBeforeDeny[] {
    const found: AllowBeforeDeny[] = [];
    for (const [allow, deny] of straddleCandidates(this.#rules)) {
      const result = this.#straddles(allow, deny);
      if (result) found.push({ allow, deny, ...result });
    }
    return found;
  }

  #straddles(allow: ReachRule, deny: ReachRule): { example: string; outside: string } | undefined {
    let example: string | undefined;
    let outside: string | undefined;
    for (const [arn, index] of this.#others) {
      if (index === allow.index && deny.principals.includes(arn)) example ??= arn;
    }
    for (const kind of PRINCIPAL_KINDS) {
      const decided = this.decided(allow, kind, deny);
      const named = decided.names ?? (() => false);
      const start = decided.automaton.start;
      example ??= decided.completion(start, (s) => decided.decides(s) && named(s));
      outside ??= decided.completion(start, (s) => decided.decides(s) && !named(s));
    }
    return example !== undefined && outside !== undefined ? { example, outside } : undefined;
  }
}

const label = (rule: ReachRule) => `rules[${rule.index}] (${rule.name})`;

/**
 * The exact checks' warnings: rules issuing one db user to different principals, and allow
 * rules deciding part of what a later deny rule names (unless that rule is never reached, which
 * is reported as such).
 */
export function exactWarnings(
  rules: readonly ReachRule[],
  protectedDbUsers: Iterable<string>,
  unreached: ReadonlySet<number>,
): string[] {
  const reach = new RuleReach(rules, protectedDbUsers);
  return [
    ...reach
      .sharedDbUsers()
      .map(
        ({ rules: [a, b], dbUser, cluster, principals }) =>
          `${label(a)} and ${label(b)} can both issue db user "${dbUser}" on ${cluster}, to different principals: ${principals[0]} (by ${label(a)}) and ${principals[1]} (by ${label(b)})`,
      ),
    ...reach
      .allowsBeforeDenies()
      .filter(({ deny }) => !unreached.has(deny.index))
      .map(
        ({ allow, deny, example }) =>
          `${label(allow)} decides part of what the later deny rule ${label(deny)} names, so that rule never refuses it: ${label(allow)} decides ${example}`,
      ),
  ];
}

/** How the exact checks are given to a policy review (loaded only where a policy needs them). */
export type ExactChecks = typeof exactWarnings;
