import { mayOverlap } from '../../functions/domain/policy/reach-candidates.js';
import { shareACaller } from '../../functions/domain/policy/witnesses.js';
import { targetPlace } from './access.js';
import type { Version } from './diff.js';
import { valuesRendering } from './protected-witnesses.js';

/**
 * The patterns whose regions can hold a caller the two versions treat differently. A caller that
 * no pattern of a changed rule matches is decided, in both versions, by the same unchanged rule
 * (unchanged rules keep their order), so only changed rules' patterns, and the patterns that may
 * share a caller with them, cut the principals into regions worth an example. This keeps a
 * change to one rule of a long policy quick to compare.
 */

/** What decides how a rule treats the callers it decides: everything but its place. */
function signature(version: Version, index: number): string {
  const rule = version.policy.rules[index];
  const patterns = version.patterns[index] ?? [];
  if (rule === undefined || rule.effect === 'deny') return JSON.stringify([rule?.name, patterns]);
  return JSON.stringify([
    rule.name,
    patterns,
    [...rule.targets.values()].map((target) => [target.name, targetPlace(target), target.database]),
    rule.databases ?? null,
    rule.dbUser.source,
    rule.dbGroups,
    rule.autoCreate,
    rule.maxDurationSeconds,
  ]);
}

/** The names one version protects and the other does not. */
function protectedChanges(base: Version, head: Version): string[] {
  const [was, now] = [base.policy.protectedDbUsers, head.policy.protectedDbUsers];
  return [...[...was].filter((name) => !now.has(name)), ...[...now].filter((n) => !was.has(n))];
}

/**
 * Each rule's signature; a rule whose template can render a name only one version protects is
 * changed whatever it says, so its signature is the version's own.
 */
function signatures(version: Version, names: readonly string[], side: string): string[] {
  return version.policy.rules.map((rule, index) => {
    const renders =
      rule.effect === 'allow' &&
      names.some(
        (name) =>
          rule.dbUser.source.toLowerCase() === name ||
          valuesRendering(rule.dbUser.source, name) !== undefined,
      );
    return `${signature(version, index)}${renders ? side : ''}`;
  });
}

/** The longest run of `positions` that only increases (patience sorting), as a set of indexes. */
function increasing(positions: readonly number[]): Set<number> {
  const tails: number[] = [];
  const previous: number[] = [];
  positions.forEach((position, i) => {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((positions[tails[middle] ?? 0] ?? 0) < position) low = middle + 1;
      else high = middle;
    }
    previous[i] = low > 0 ? (tails[low - 1] ?? -1) : -1;
    tails[low] = i;
  });
  const kept = new Set<number>();
  for (let i = tails.at(-1) ?? -1; i !== -1; i = previous[i] ?? -1) kept.add(i);
  return kept;
}

/** The patterns that cut the principals into regions a change can reach. */
export function relevantPatterns(base: Version, head: Version): string[] {
  const names = protectedChanges(base, head);
  const [was, now] = [signatures(base, names, 'base'), signatures(head, names, 'head')];
  // A rule is unchanged when the same rule is in both, and in the same order as the others.
  const at = new Map(now.map((each, index) => [each, index]));
  const common = was.flatMap((each, index) => {
    const there = at.get(each);
    return there === undefined ? [] : [{ base: index, head: there }];
  });
  const kept = increasing(common.map((pair) => pair.head));
  const unchanged = {
    base: new Set(common.filter((_, i) => kept.has(i)).map((pair) => pair.base)),
    head: new Set(common.filter((_, i) => kept.has(i)).map((pair) => pair.head)),
  };
  const split = (version: Version, same: ReadonlySet<number>) => ({
    changed: version.patterns.filter((_, i) => !same.has(i)).flat(),
    unchanged: version.patterns.filter((_, i) => same.has(i)).flat(),
  });
  const [before, after] = [split(base, unchanged.base), split(head, unchanged.head)];
  const changed = [...new Set([...before.changed, ...after.changed])];
  const neighbours = [...new Set([...before.unchanged, ...after.unchanged])].filter((pattern) =>
    changed.some((other) => mayOverlap(pattern, other) && shareACaller(pattern, other)),
  );
  return [...changed, ...neighbours];
}
