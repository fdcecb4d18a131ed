import { isSystemUser } from '../../names.js';
import type { DbUserTemplate } from '../db-user-template.js';
import { label, type RuleOutline } from './rule-outline.js';

/** What every name `template` renders starts with: its text before the first variable. */
const fixedStart = (template: DbUserTemplate) =>
  (template.source.split('${')[0] ?? '').toLowerCase();

/**
 * Groups that no request could need: those of an allow rule whose dbUser renders nothing but a
 * protected user (a fixed protected name, or a name starting "rdsdb"), so every request it matches
 * is denied. Any other listed group can be asked for: a request may name any subset of its rule's
 * groups and gets all of them by default. (The groups of a rule no caller reaches are not needed
 * either; the "never reached" warning already names that rule.)
 */
export function unneededGroups(
  rules: readonly RuleOutline[],
  protectedDbUsers: ReadonlySet<string>,
): string[] {
  return rules.flatMap((rule) => {
    const groups = rule.dbGroups ?? [];
    const template = rule.dbUser;
    if (groups.length === 0 || template === undefined) return [];
    const start = fixedStart(template);
    const fixed = template.variables.size === 0;
    if (!(fixed && protectedDbUsers.has(start)) && !isSystemUser(start)) return [];
    return [
      `${label(rule)} dbGroups ${groups.map((group) => `"${group}"`).join(', ')} can be needed by no request: its dbUser "${template.source}" is always a protected db user, so every request it matches is denied`,
    ];
  });
}
