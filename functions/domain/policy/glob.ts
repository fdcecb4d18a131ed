/**
 * A glob (`*`, `?`) as a deterministic automaton: each state is a set of positions in the glob,
 * numbered as it is first reached; steps are worked out on first use.
 */
export class Glob {
  readonly #sets: number[][] = [];
  readonly #ids = new Map<string, number>();
  readonly #steps: Map<string, number>[] = [];
  readonly #accepting: boolean[] = [];
  readonly initial: number;

  constructor(readonly source: string) {
    this.initial = this.#id([0]);
  }

  #id(positions: readonly number[]): number {
    const reached = new Set(positions);
    for (const position of reached) if (this.source[position] === '*') reached.add(position + 1);
    const set = [...reached].sort((a, b) => a - b);
    const key = set.join(',');
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#sets.length;
      this.#ids.set(key, id);
      this.#sets.push(set);
      this.#steps.push(new Map());
      this.#accepting.push(set.includes(this.source.length));
    }
    return id;
  }

  step(state: number, char: string): number {
    const steps = this.#steps[state];
    const known = steps?.get(char);
    if (known !== undefined) return known;
    const next: number[] = [];
    for (const position of this.#sets[state] ?? []) {
      const token = this.source[position];
      if (token === '*') next.push(position);
      else if (token === '?' || token === char) next.push(position + 1);
    }
    const id = this.#id(next);
    steps?.set(char, id);
    return id;
  }

  read(state: number, text: string): number {
    let at = state;
    for (const char of text) at = this.step(at, char);
    return at;
  }

  accepts(state: number): boolean {
    return this.#accepting[state] ?? false;
  }

  /** Whether no string read from `state` on can be matched any more. */
  dead(state: number): boolean {
    return (this.#sets[state]?.length ?? 0) === 0;
  }
}

/** One automaton per glob text, shared by every pattern that holds it. */
const globs = new Map<string, Glob>();
export const globFor = (source: string) => {
  let glob = globs.get(source);
  if (glob === undefined) {
    glob = new Glob(source);
    globs.set(source, glob);
  }
  return glob;
};
