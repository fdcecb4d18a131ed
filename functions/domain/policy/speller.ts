import type { TemplateVariable } from '../identity.js';
import type { DbUserTemplate } from './db-user-template.js';
import type { Decided } from './decided.js';
import { PRINCIPAL_KINDS, type PrincipalKind, type Segment } from './principal-skeletons.js';
import { PrincipalAutomaton } from './principal-space.js';
import type { ReachRule } from './reach-candidates.js';

const VARIABLE_KINDS: Readonly<Record<TemplateVariable, readonly PrincipalKind[]>> = {
  accountId: PRINCIPAL_KINDS,
  userName: ['iam-user'],
  roleName: ['assumed-role'],
  sessionName: ['assumed-role'],
  stateMachineName: ['state-machine'],
};

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

/** One side of the search: a rule spelling the db users it renders, one principal at a time. */
export interface SideState {
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

export const sideKey = (s: SideState) =>
  `${s.kind}/${s.token}/${s.offset}/${s.state}/${s.began}/${s.spans.map((span) => span.join('.')).join(',')}/${s.done ? 1 : 0}`;

export type Move =
  | { readonly side: 0 | 1; readonly char?: string; readonly variable?: number }
  | { readonly side: 2; readonly chars: readonly [string, string]; readonly output: string };

/** A rule as one side of the search for a shared db user. */
export class Speller {
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
