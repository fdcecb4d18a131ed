/** The edit distance of two short strings. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The known name a misspelt `name` probably meant (two edits at most, case aside), if any. */
export function nearMiss(name: string, known: readonly string[]): string | undefined {
  return known.find((candidate) => distance(name.toLowerCase(), candidate.toLowerCase()) <= 2);
}

/** `unknown field NAME`, with the known field it probably meant. */
export function unknownField(name: string, known: readonly string[]): string {
  const near = nearMiss(name, known);
  return `unknown field ${name}${near ? ` (did you mean ${near}?)` : ''}`;
}
