import { type PrincipalVariables, TEMPLATE_VARIABLES, type TemplateVariable } from '../identity.js';

/** A `dbUser` template such as `etl_${roleName}`, parsed once when the policy loads. */
export interface DbUserTemplate {
  readonly source: string;
  readonly variables: ReadonlySet<TemplateVariable>;
  /** The rendered name, lower-cased; undefined names the first variable the principal lacks. */
  render(values: PrincipalVariables): { name: string } | { missing: TemplateVariable };
}

/** A `${variable}` in a template; its name is the captured group. */
export const PLACEHOLDER = /\$\{([^}]*)\}/g;
const NO_VARIABLES: ReadonlySet<TemplateVariable> = new Set();

const isTemplateVariable = (name: string): name is TemplateVariable =>
  (TEMPLATE_VARIABLES as readonly string[]).includes(name);

/** Parses a template, or returns why it cannot be used. */
export function parseDbUserTemplate(source: string): DbUserTemplate | { problem: string } {
  // A fixed name, the common case: nothing to find or substitute.
  if (!source.includes('$')) {
    const name = source.toLowerCase();
    return { source, variables: NO_VARIABLES, render: () => ({ name }) };
  }
  const variables = new Set<TemplateVariable>();
  for (const [, name = ''] of source.matchAll(PLACEHOLDER)) {
    if (!isTemplateVariable(name)) {
      return {
        problem: `unknown variable \${${name}}`,
      };
    }
    // Each variable once: what a template can render stays a regular language, so the policy
    // checks can answer exactly which db users two rules share.
    if (variables.has(name))
      return { problem: `uses \${${name}} twice: a variable may appear once` };
    variables.add(name);
  }
  if (source.replace(PLACEHOLDER, '').includes('$')) {
    return { problem: 'a "$" must start a ${variable}' };
  }
  return {
    source,
    variables,
    render(values) {
      for (const name of variables) {
        if (values[name] === undefined) return { missing: name };
      }
      const name = source.replace(
        PLACEHOLDER,
        (_, variable: TemplateVariable) => values[variable] ?? '',
      );
      return { name: name.toLowerCase() };
    },
  };
}
