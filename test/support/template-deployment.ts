/** template.yaml as the tests read it: its resources, and what they say once deployed with given parameters. */
import { execFileSync } from 'node:child_process';
import { readTemplate } from '#local/template.js';
import { condition, type Deployment, evaluate } from '#support/cfn-evaluate.js';

export const template = readTemplate();
export const resources = Object.entries(template.Resources);
export const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
export const functions = ofType('AWS::Serverless::Function');

export interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** A deployment of the template with these parameter values (defaults for the rest). */
export function deployment(parameters: Record<string, string | string[]> = {}): Deployment {
  const defaults = Object.fromEntries(
    Object.entries(template.Parameters ?? {}).map(([name, parameter]) => {
      const { Type, Default } = parameter as { Type: string; Default?: unknown };
      const value = String(Default ?? '');
      return [
        name,
        Type === 'CommaDelimitedList' ? (value === '' ? [''] : value.split(',')) : value,
      ];
    }),
  );
  return {
    parameters: { ...defaults, ...parameters },
    conditions: (template.Conditions ?? {}) as Record<string, unknown>,
    // SAM adds a role to every function and state machine that names none.
    resources: new Set(
      Object.entries(template.Resources).flatMap(([id, resource]) =>
        resource.Type.startsWith('AWS::Serverless::') ? [id, `${id}Role`] : [id],
      ),
    ),
  };
}

/** What a resource's properties say once deployed with `parameters`. */
export const deployed = (id: string, parameters: Record<string, string | string[]> = {}) =>
  evaluate(template.Resources[id]?.Properties ?? {}, deployment(parameters)) as Record<
    string,
    unknown
  >;

/** The statements of a deployed policy document. */
export const statementsOf = (document: unknown) =>
  (document as { Statement: Statement[] }).Statement;

/** Every IAM statement the template grants, inline function policies and role policies alike. */
export function statements(parameters: Record<string, string | string[]> = {}): Statement[] {
  const fromFunctions = functions.flatMap(
    ([id]) => (deployed(id, parameters).Policies as { Statement: Statement[] }[] | undefined) ?? [],
  );
  const fromPolicies = resources
    .filter(([, resource]) => /^AWS::IAM::(Role)?Policy$/.test(resource.Type))
    .filter(
      ([, resource]) =>
        resource.Condition === undefined || condition(resource.Condition, deployment(parameters)),
    )
    .map(([id]) => deployed(id, parameters).PolicyDocument);
  return [...fromFunctions, ...fromPolicies].flatMap(statementsOf);
}

/** template.yaml as SAM's translator turns it into CloudFormation. */
export function translateWithSam(): { Resources: Record<string, unknown> } {
  const output = execFileSync('python3', ['test/support/sam-translate.py', 'template.yaml'], {
    encoding: 'utf8',
  });
  return JSON.parse(output) as { Resources: Record<string, unknown> };
}

/** The resources a resource refers to (Ref, Fn::GetAtt, ${X} in Fn::Sub, DependsOn). */
export function referencesOf(node: unknown, ids: ReadonlySet<string>, found = new Set<string>()) {
  if (Array.isArray(node)) {
    for (const item of node) referencesOf(item, ids, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const named =
        key === 'Ref' || key === 'DependsOn'
          ? [value].flat()
          : key === 'Fn::GetAtt'
            ? [String([value].flat()[0]).split('.')[0]]
            : key === 'Fn::Sub'
              ? [...String([value].flat()[0]).matchAll(/\$\{([^!}][^}.]*)/g)].map(([, id]) => id)
              : [];
      for (const id of named) if (typeof id === 'string' && ids.has(id)) found.add(id);
      referencesOf(value, ids, found);
    }
  }
  return found;
}

/** A dependency cycle, as the list of resources around it, or undefined. */
export function findCycle(
  dependencies: ReadonlyMap<string, ReadonlySet<string>>,
): string[] | undefined {
  const done = new Set<string>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    if (path.includes(id)) return [...path, id];
    if (done.has(id)) return undefined;
    for (const next of dependencies.get(id) ?? []) {
      const cycle = visit(next, [...path, id]);
      if (cycle) return cycle;
    }
    done.add(id);
    return undefined;
  };
  for (const id of dependencies.keys()) {
    const cycle = visit(id, []);
    if (cycle) return cycle;
  }
  return undefined;
}
