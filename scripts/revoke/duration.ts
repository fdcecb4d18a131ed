const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * The end of a revocation from `--for` (a duration: `90s`, `30m`, `2h`, `7d`, or several, `1h30m`)
 * or `--until` (an ISO 8601 instant with its offset); neither: no end. Throws an Error saying
 * what is wrong.
 */
export function revocationEnd(
  options: { readonly for?: string; readonly until?: string },
  now: Date,
): Date | undefined {
  if (options.for !== undefined && options.until !== undefined) {
    throw new Error('give --for or --until, not both');
  }
  if (options.for !== undefined) {
    const parts = [...options.for.matchAll(/(\d+)([smhd])/g)];
    if (parts.length === 0 || parts.map(([part]) => part).join('') !== options.for) {
      throw new Error(
        `--for ${options.for}: expected a duration such as 90s, 30m, 2h, 7d or 1h30m`,
      );
    }
    const seconds = parts.reduce(
      (sum, [, amount = '0', unit = 's']) => sum + Number(amount) * (UNIT_SECONDS[unit] ?? 0),
      0,
    );
    if (seconds <= 0) throw new Error(`--for ${options.for}: must be longer than nothing`);
    return new Date(now.getTime() + seconds * 1000);
  }
  if (options.until !== undefined) {
    const until = /(?:Z|[+-]\d\d:\d\d)$/.test(options.until)
      ? new Date(options.until)
      : new Date(Number.NaN);
    if (Number.isNaN(until.getTime())) {
      throw new Error(
        `--until ${options.until}: expected an ISO 8601 time with its offset, e.g. 2026-12-05T18:00:00Z`,
      );
    }
    if (until.getTime() <= now.getTime())
      throw new Error(`--until ${options.until}: is already past`);
    return until;
  }
  return undefined;
}
