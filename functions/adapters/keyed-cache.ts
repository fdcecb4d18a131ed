/** How long a keyed cache trusts an answer, and the clock it reads. */
export interface CacheLifetime {
  /** Milliseconds after which an answer is looked up again; default: the container's life. */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

/**
 * Remembers the answer of an asynchronous lookup per key, for `maxAgeMs` or the life of the
 * container: callers asking for the same key while it is in flight share one promise, a failure
 * is evicted (the next caller tries again instead of inheriting the error), and an answer older
 * than its lifetime is looked up again before it is used. Arguments after the key (a deadline)
 * go to the lookup that runs; callers who share it share its arguments too.
 */
export function keyedCache<K, V, Extra extends unknown[] = []>(
  load: (key: K, ...extra: Extra) => Promise<V>,
  keyOf: (key: K) => unknown = (key) => key,
  { maxAgeMs = Number.POSITIVE_INFINITY, now = Date.now }: CacheLifetime = {},
): (key: K, ...extra: Extra) => Promise<V> {
  const answers = new Map<unknown, { readonly answer: Promise<V>; readonly since: number }>();
  return (request, ...extra) => {
    const key = keyOf(request);
    const cached = answers.get(key);
    if (cached !== undefined && now() - cached.since < maxAgeMs) return cached.answer;
    const answer = load(request, ...extra);
    const entry = { answer, since: now() };
    answers.set(key, entry);
    answer.catch(() => {
      if (answers.get(key) === entry) answers.delete(key);
    });
    return answer;
  };
}
