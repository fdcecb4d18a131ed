/**
 * Remembers the answer of an asynchronous lookup per key for the life of the container: callers
 * asking for the same key while it is in flight share one promise, and a failure is evicted, so
 * the next caller tries again instead of inheriting the error.
 */
export function keyedCache<K, V>(
  load: (key: K) => Promise<V>,
  keyOf: (key: K) => unknown = (key) => key,
): (key: K) => Promise<V> {
  const answers = new Map<unknown, Promise<V>>();
  return (request) => {
    const key = keyOf(request);
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = load(request);
      answers.set(key, answer);
      answer.catch(() => answers.delete(key));
    }
    return answer;
  };
}
