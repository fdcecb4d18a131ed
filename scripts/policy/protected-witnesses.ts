import type { TemplateVariable } from '../../functions/domain/identity.js';
import { PLACEHOLDER } from '../../functions/domain/policy/db-user-template.js';
import type { Version } from './diff.js';
import { principalOf } from './explain.js';

/**
 * Examples for protected database users: a caller whose template renders a name one version
 * protects differs only for that one name, which no example of the patterns alone would spell.
 * For every protected name and every template that can render it, each example of the patterns
 * is given the names that render it.
 */

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The values of a template's variables that render `name`, if any (one way to split it). */
export function valuesRendering(
  template: string,
  name: string,
): Map<TemplateVariable, string> | undefined {
  // Split on its placeholders: literal text at even places, variable names at odd ones.
  const pieces = template.split(PLACEHOLDER);
  // A validated policy's templates name only known variables.
  const variables = pieces.filter((_, i) => i % 2 === 1) as TemplateVariable[];
  if (variables.length === 0) return undefined;
  const source = pieces
    .map((piece, i) => (i % 2 === 1 ? '(.+?)' : literal(piece.toLowerCase())))
    .join('');
  const match = new RegExp(`^${source}$`).exec(name);
  if (!match) return undefined;
  return new Map(variables.map((variable, i) => [variable, match[i + 1] ?? '']));
}

/** Shapes of the principal ARNs, with the place of each variable among their groups. */
const SHAPES: readonly [RegExp, readonly (TemplateVariable | undefined)[]][] = [
  [
    /^(arn:[^:]+:iam::)(\d{12})(:user\/(?:.*\/)?)([^/]+)$/,
    [undefined, 'accountId', undefined, 'userName'],
  ],
  [
    /^(arn:[^:]+:sts::)(\d{12})(:assumed-role\/)([^/]+)(\/)([^/]+)$/,
    [undefined, 'accountId', undefined, 'roleName', undefined, 'sessionName'],
  ],
  [
    /^(arn:[^:]+:states:[^:]*:)(\d{12})(:stateMachine:)(.+)$/,
    [undefined, 'accountId', undefined, 'stateMachineName'],
  ],
];

/** `arn` with its variables set to `values` (the same ARN when it has none of them). */
function withValues(arn: string, values: ReadonlyMap<TemplateVariable, string>): string {
  for (const [shape, places] of SHAPES) {
    const match = shape.exec(arn);
    if (!match) continue;
    return places
      .map((variable, i) => (variable && values.get(variable)) ?? match[i + 1] ?? '')
      .join('');
  }
  return arn;
}

/** Example callers that the versions' templates render as a protected name of either version. */
export function protectedNameWitnesses(
  base: Version,
  head: Version,
  witnesses: readonly string[],
): string[] {
  const names = new Set([...base.policy.protectedDbUsers, ...head.policy.protectedDbUsers]);
  const templates = new Set(
    [...base.policy.rules, ...head.policy.rules].flatMap((rule) =>
      rule.effect === 'allow' ? [rule.dbUser.source] : [],
    ),
  );
  const found: string[] = [];
  for (const name of names) {
    for (const template of templates) {
      const values = valuesRendering(template, name);
      if (values === undefined) continue;
      for (const arn of witnesses) {
        const variables = principalOf(arn).variables;
        if (![...values.keys()].every((variable) => variables[variable] !== undefined)) continue;
        found.push(withValues(arn, values));
      }
    }
  }
  return found;
}
