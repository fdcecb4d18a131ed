import type { RuleOutline } from './rule-outline.js';

/** Targets no rule names: nobody can be issued them. */
export function unusedTargets(rules: readonly RuleOutline[], targets: readonly string[]): string[] {
  const used = new Set(rules.flatMap((rule) => rule.targets ?? []));
  return targets
    .filter((target) => !used.has(target))
    .map((target) => `targets.${target} is named by no rule: nobody can be issued it`);
}
