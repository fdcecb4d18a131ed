import { PrincipalAutomaton } from './principal-space.js';

/** How many search states a single question may visit before it is given up as undecided. */
export const SEARCH_LIMIT = 200_000;

/** The principals of one kind that one rule decides, with what a search needs of them. */
export class Decided {
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
