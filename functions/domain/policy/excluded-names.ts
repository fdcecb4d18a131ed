/** A trie of names never issued, for telling where a name being spelt stands. */
export class ExcludedNames {
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

export const NAME_START = /^[a-z]$/;
export const NAME_REST = /^[a-z0-9_+.@-]$/;
export const SYSTEM_PREFIX = 'rdsdb';

/**
 * Where a rendered name stands as it is spelt: whether it is still a valid user name, how much of
 * "rdsdb" (the system users) it has begun with, and where it is among the excluded names.
 */
export interface NameState {
  readonly length: number;
  readonly system: number;
  readonly excluded: number;
}
