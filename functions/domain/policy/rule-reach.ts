import { principalFromStateMachineArn } from '../execution.js';
import { principalFromArn } from '../identity.js';
import { RESERVED_WORDS } from '../names.js';
import { Decided, SEARCH_LIMIT } from './decided.js';
import {
  ExcludedNames,
  NAME_REST,
  NAME_START,
  type NameState,
  SYSTEM_PREFIX,
} from './excluded-names.js';
import { mayMatchKind, PRINCIPAL_KINDS, type PrincipalKind } from './principal-skeletons.js';
import { alphabetFor, PrincipalAutomaton } from './principal-space.js';
import {
  mayOverlap,
  type ReachRule,
  sharingCandidates,
  straddleCandidates,
} from './reach-candidates.js';
import { type Move, type SideState, Speller, sideKey } from './speller.js';

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

const WILDCARD = /[*?]/;

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
