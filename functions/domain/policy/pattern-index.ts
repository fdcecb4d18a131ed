/**
 * ARN patterns filed by the literal start of their `service:resource` (the text before the first
 * wildcard, `iam:role/etl-` for `arn:aws:iam::*:role/etl-*`), so that the patterns that can match
 * an ARN, or cover another pattern, are found with a few lookups instead of a pass over every
 * pattern: whatever a pattern matches starts with its literal start. Both the first-match index of
 * the functions and the policy's "never reached" warning file their patterns here.
 */
export class PatternIndex<T> {
  readonly #filed = new Map<string, T[]>();
  readonly #lengths = new Set<number>();

  /** Files `value` under `pattern`; values of one start keep the order they were added in. */
  add(pattern: string, value: T): void {
    const start = literalStart(pattern);
    const bucket = this.#filed.get(start);
    if (bucket) bucket.push(value);
    else this.#filed.set(start, [value]);
    this.#lengths.add(start.length);
  }

  /**
   * Hands `visit` the values whose pattern could match `arnOrPattern` (an ARN, or every ARN a
   * pattern matches), one bucket per literal start, each in the order added: a superset, which
   * the caller narrows with the real match. (A callback, not a generator: this is on every
   * decision's path, where a generator's resumptions cost more than the lookups.)
   */
  forEachCandidate(arnOrPattern: string, visit: (bucket: readonly T[]) => void): void {
    const start = literalStart(arnOrPattern);
    for (const length of this.#lengths) {
      if (length > start.length) continue;
      const bucket = this.#filed.get(start.slice(0, length));
      if (bucket !== undefined) visit(bucket);
    }
  }
}

const WILDCARD = /[*?]/;

/** The literal start of an ARN's or pattern's `service:resource`. */
function literalStart(arn: string): string {
  const key = serviceAndResource(arn);
  const cut = key.search(WILDCARD);
  return cut === -1 ? key : key.slice(0, cut);
}

/** `service:resource` of an ARN or pattern: the parts that tell principals' kinds apart. */
function serviceAndResource(arn: string): string {
  // arn:partition:service:region:account:resource — the colons after the 2nd and 5th part.
  const afterPartition = arn.indexOf(':', arn.indexOf(':') + 1);
  const afterService = arn.indexOf(':', afterPartition + 1);
  const afterAccount = arn.indexOf(':', arn.indexOf(':', afterService + 1) + 1);
  if (afterPartition === -1 || afterService === -1 || afterAccount === -1) return ':';
  return `${arn.slice(afterPartition + 1, afterService)}:${arn.slice(afterAccount + 1)}`;
}
