import { readFileSync } from 'node:fs';
import { parse } from 'smol-toml';
import type { Grants } from '../../functions/domain/policy/grants.js';
import { readTemplate } from '../../local/template.js';

/**
 * What an environment of `samconfig.toml` would deploy: the template's parameter defaults with
 * that environment's `parameter_overrides` on top (`[ENV.deploy.parameters]`, then
 * `[ENV.global.parameters]`), as `sam deploy --config-env ENV` reads them; and the grants the
 * policy's targets need from them.
 */
export function deploymentGrants(environment: string, samconfig = 'samconfig.toml'): Grants {
  const config = parse(readFileSync(samconfig, 'utf8')) as Record<
    string,
    Record<string, { parameters?: { parameter_overrides?: string | string[] } }> | undefined
  >;
  const sections = config[environment];
  if (sections === undefined) {
    throw new Error(`${samconfig} has no [${environment}] environment`);
  }
  const overrides = [
    sections.global?.parameters?.parameter_overrides,
    sections.deploy?.parameters?.parameter_overrides,
  ].flatMap((value) => (value === undefined ? [] : [value].flat()));
  const parameters: Record<string, string> = {};
  for (const [name, definition] of Object.entries(readTemplate().Parameters ?? {})) {
    if (definition.Default !== undefined) parameters[name] = String(definition.Default);
  }
  for (const override of overrides) {
    for (const [, name = '', doubled, single, bare] of override.matchAll(
      /(\w+)=(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))/g,
    )) {
      parameters[name] = doubled ?? single ?? bare ?? '';
    }
  }
  const list = (name: string) =>
    new Set((parameters[name] ?? '').split(',').filter((item) => item !== ''));
  return {
    clusters: list('RedshiftClusterIdentifiers'),
    workgroups: list('RedshiftServerlessWorkgroups'),
    roles: list('TargetRoleArns'),
  };
}
