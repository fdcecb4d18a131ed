/**
 * CloudWatch Logs' JSON filter-pattern syntax, for the forms the template's metric filters use:
 * `{ $.field = "value" && $.other != "prefix*" }`, string values with `*` as a wildcard, `&&` and
 * `||` (without parentheses). As in CloudWatch, a pattern matches only a JSON log event, and a
 * comparison on a field the event lacks is false, whichever the operator.
 */
export function matchesFilterPattern(pattern: string, line: string): boolean {
  const body = /^\{\s*(.*?)\s*\}$/s.exec(pattern.trim())?.[1];
  if (body === undefined) throw new Error(`not a JSON filter pattern: ${pattern}`);
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return false;
  }
  return body
    .split('||')
    .some((alternative) =>
      alternative.split('&&').every((comparison) => compare(comparison.trim(), event)),
    );
}

function compare(comparison: string, event: unknown): boolean {
  const parts = /^\$\.([\w.]+)\s*(!?=)\s*"([^"]*)"$/.exec(comparison);
  if (!parts) throw new Error(`unsupported comparison: ${comparison}`);
  const [, path = '', operator, expected = ''] = parts;
  let value: unknown = event;
  for (const key of path.split('.')) {
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<string, unknown>)[key]
        : undefined;
  }
  if (value === undefined || value === null || typeof value === 'object') return false;
  const wildcard = new RegExp(
    `^${expected
      .split('*')
      .map((text) => text.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  const equal = wildcard.test(String(value));
  return operator === '=' ? equal : !equal;
}
