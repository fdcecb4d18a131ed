import { isSystemUser } from '../../names.js';
import type { DbUserTemplate } from '../db-user-template.js';
import { label, type RuleOutline } from './rule-outline.js';

// The characters a rendered variable can contribute: IAM names and account ids, lower-cased.
const VARIABLE_VALUE = '[a-z0-9_+=,.@-]+';

/** A regular expression for every name `template` can render. */
function renderable(template: DbUserTemplate): RegExp {
  const pattern = template.source
    .split(/(\$\{[^}]*\})/)
    .map((part) =>
      part.startsWith('${')
        ? part === '${accountId}'
          ? '\\d{12}'
          : VARIABLE_VALUE
        : part.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${pattern}$`);
}

/** Templates that can render a protected user (always denied: a sign of a template too wide). */
export function protectedRenderings(
  rules: readonly RuleOutline[],
  protectedDbUsers: ReadonlySet<string>,
): string[] {
  return rules.flatMap((rule) => {
    if (rule.dbUser === undefined || rule.dbUser.variables.size === 0) return [];
    const renders = renderable(rule.dbUser);
    const protectedNames = [...protectedDbUsers, 'rdsdb'].filter(
      (name) => renders.test(name) || (isSystemUser(name) && renders.test(`${name}x`)),
    );
    if (protectedNames.length === 0) return [];
    return [
      `${label(rule)} dbUser "${rule.dbUser.source}" can render the protected db user ${protectedNames.map((name) => `"${name}"`).join(', ')} (always denied)`,
    ];
  });
}
