import { load, YAMLException } from 'js-yaml';
import * as z from 'zod/mini';
import { toDotPath } from 'zod/v4/core';
import { arnPatternProblem, splitArn } from './arn-like.js';
import { type DbUserTemplate, parseDbUserTemplate } from './db-user-template.js';
import { PolicyError, type PolicyProblem } from './errors.js';
import { type Principal, TEMPLATE_VARIABLES } from './identity.js';
import { nameProblem } from './names.js';
import { policyWarnings } from './policy-warnings.js';
import { indexPrincipals } from './principal-index.js';
import { type Target, targetProblems } from './targets.js';
import './zod-messages.js';

export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 3600;

const NonEmptyString = z.string().check(z.minLength(1));
const NonEmptyList = z.array(z.string()).check(z.minLength(1));

const TargetSchema = z.strictObject({
  clusterIdentifier: z.optional(z.string()),
  workgroupName: z.optional(z.string()),
  database: z.string(),
  host: z.optional(NonEmptyString),
  port: z.optional(z.int().check(z.gte(1), z.lte(65535))),
  region: z.optional(z.string()),
  roleArn: z.optional(z.string()),
  externalId: z.optional(z.string()),
});

const RuleSchema = z.strictObject({
  name: NonEmptyString,
  principals: NonEmptyList,
  effect: z.optional(z.enum(['allow', 'deny'])),
  targets: z.optional(NonEmptyList),
  databases: z.optional(NonEmptyList),
  dbUser: z.optional(z.string()),
  trustSessionName: z.optional(z.boolean()),
  dbGroups: z.optional(z.array(z.string())),
  autoCreate: z.optional(z.boolean()),
  maxDurationSeconds: z.optional(
    z.int().check(z.gte(MIN_DURATION_SECONDS), z.lte(MAX_DURATION_SECONDS)),
  ),
  taskOutput: z.optional(z.enum(['encrypted', 'plaintext'])),
});

const PolicySchema = z.strictObject({
  version: z.literal(1),
  targets: z.record(z.string(), TargetSchema),
  protectedDbUsers: z.optional(z.array(z.string())),
  rules: z.array(RuleSchema),
});

type RuleDocument = z.infer<typeof RuleSchema>;

interface RuleBase {
  readonly name: string;
  readonly index: number;
}

export interface DenyRule extends RuleBase {
  readonly effect: 'deny';
}

export interface AllowRule extends RuleBase {
  readonly effect: 'allow';
  readonly targets: ReadonlyMap<string, Target>;
  /** Databases the caller may ask for; undefined means each target's own database only. */
  readonly databases?: readonly string[];
  readonly dbUser: DbUserTemplate;
  readonly dbGroups: readonly string[];
  readonly autoCreate: boolean;
  readonly maxDurationSeconds: number;
  /** How the Step Functions task returns the password: KMS-encrypted unless the rule opts out. */
  readonly taskOutput: 'encrypted' | 'plaintext';
}

export type Rule = AllowRule | DenyRule;

/** A validated, compiled access policy. */
export interface Policy {
  readonly targets: ReadonlyMap<string, Target>;
  readonly rules: readonly Rule[];
  /** Users never issued whatever a rule renders (lower case); system users are always added. */
  readonly protectedDbUsers: ReadonlySet<string>;
  /** Things that are valid but almost certainly not what the author meant. */
  readonly warnings: readonly string[];
  /** The first rule whose principals match, or undefined (which means deny). */
  ruleFor(principal: Principal): Rule | undefined;
}

/** What the deployment's IAM permissions cover in the vendor's own account. */
export interface Grants {
  readonly clusters?: ReadonlySet<string>;
  readonly workgroups?: ReadonlySet<string>;
  /** The roles in other accounts it may assume. */
  readonly roles?: ReadonlySet<string>;
}

/**
 * The targets whose cluster, workgroup or role the deployment does not grant, as problems:
 * issuing for them could only ever fail. A target reached through a role needs that role
 * granted; what it may do there is the role's account's to grant.
 */
export function ungrantedTargets(policy: Policy, grants: Grants): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const target of policy.targets.values()) {
    if (target.roleArn !== undefined) {
      if (grants.roles !== undefined && !grants.roles.has(target.roleArn)) {
        problems.push({
          field: `targets.${target.name}.roleArn`,
          problem: `"${target.roleArn}" is not one the deployment may assume (TargetRoleArns)`,
        });
      }
      continue;
    }
    const [field, name, granted, parameter] =
      target.workgroupName !== undefined
        ? ([
            'workgroupName',
            target.workgroupName,
            grants.workgroups,
            'RedshiftServerlessWorkgroups',
          ] as const)
        : ([
            'clusterIdentifier',
            target.clusterIdentifier ?? '',
            grants.clusters,
            'RedshiftClusterIdentifiers',
          ] as const);
    if (granted === undefined || granted.has(name)) continue;
    problems.push({
      field: `targets.${target.name}.${field}`,
      problem: `"${name}" is not one the deployment grants (${parameter}: ${[...granted].join(', ') || 'none'})`,
    });
  }
  return problems;
}

/** Validates and compiles a policy document given as YAML text. */
export function parsePolicy(text: string, file: string): Policy {
  let raw: unknown;
  try {
    // js-yaml's default (core) schema: YAML 1.2 types only; duplicate keys are errors.
    raw = load(text, { filename: file });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const line = error.mark ? `yaml line ${error.mark.line + 1}` : 'yaml';
    throw new PolicyError(file, [{ field: `(${line})`, problem: error.reason }], { cause: error });
  }
  const parsed = PolicySchema.safeParse(raw);
  if (!parsed.success) {
    throw new PolicyError(
      file,
      parsed.error.issues.map((issue) => ({
        field: toDotPath(issue.path) || '(document)',
        ...(issue.path[0] === 'rules' && { rule: ruleLabel(raw, Number(issue.path[1])) }),
        problem: issue.message,
      })),
    );
  }
  return compilePolicy(parsed.data, file);
}

function compilePolicy(document: z.infer<typeof PolicySchema>, file: string): Policy {
  const problems: PolicyProblem[] = [];
  const targets = new Map<string, Target>();
  for (const [name, target] of Object.entries(document.targets)) {
    const compiled = { name, ...target };
    problems.push(...targetProblems(compiled));
    targets.set(name, compiled);
  }

  const protectedDbUsers = new Set<string>();
  document.protectedDbUsers?.forEach((name, i) => {
    const problem = nameProblem('dbUser', name.toLowerCase());
    if (problem) problems.push({ field: `protectedDbUsers[${i}]`, problem });
    protectedDbUsers.add(name.toLowerCase());
  });

  const seen = new Set<string>();
  const rules = document.rules.map((rule, index) => {
    const report = (field: string, problem: string) =>
      problems.push({
        field: `rules[${index}]${field ? `.${field}` : ''}`,
        rule: ruleLabel(document, index),
        problem,
      });
    if (seen.has(rule.name)) report('name', `duplicate rule name "${rule.name}"`);
    seen.add(rule.name);
    return compileRule(rule, index, targets, report);
  });
  if (problems.length > 0) throw new PolicyError(file, problems);
  const firstMatch = indexPrincipals(document.rules.map((rule) => rule.principals));

  const outlines = rules.map((rule, index) => ({
    index,
    name: rule.name,
    principals: document.rules[index]?.principals ?? [],
    ...(rule.effect === 'allow' && { dbUser: rule.dbUser }),
  }));
  return {
    targets,
    rules,
    protectedDbUsers,
    warnings: policyWarnings(outlines, protectedDbUsers),
    ruleFor: (principal) => rules[firstMatch(principal) ?? rules.length],
  };
}

type Report = (field: string, problem: string) => void;

function compileRule(
  rule: RuleDocument,
  index: number,
  targets: ReadonlyMap<string, Target>,
  report: Report,
): Rule {
  rule.principals.forEach((pattern, i) => {
    const problem = principalPatternProblem(pattern);
    if (problem) report(`principals[${i}]`, problem);
  });
  if (rule.effect === 'deny') {
    const extra = Object.keys(rule).filter(
      (key) => !['name', 'principals', 'effect'].includes(key),
    );
    if (extra.length > 0)
      report(extra[0] ?? '', 'a deny rule takes only name, principals and effect');
    return { effect: 'deny', name: rule.name, index };
  }

  const ruleTargets = new Map<string, Target>();
  if (rule.targets === undefined) report('targets', 'an allow rule must name its targets');
  rule.targets?.forEach((name, i) => {
    const target = targets.get(name);
    if (target) ruleTargets.set(name, target);
    else report(`targets[${i}]`, `no target named "${name}" in targets`);
  });
  rule.databases?.forEach((database, i) => {
    const problem = nameProblem('database', database);
    if (problem) report(`databases[${i}]`, problem);
  });
  const dbGroups = rule.dbGroups ?? [];
  dbGroups.forEach((group, i) => {
    const problem = nameProblem('dbGroup', group);
    if (problem) report(`dbGroups[${i}]`, problem);
    if (dbGroups.indexOf(group) !== i) report(`dbGroups[${i}]`, `"${group}" is listed twice`);
  });

  return {
    effect: 'allow',
    name: rule.name,
    index,
    targets: ruleTargets,
    ...(rule.databases && { databases: rule.databases }),
    dbUser: compileDbUser(rule, report),
    dbGroups,
    autoCreate: rule.autoCreate ?? false,
    maxDurationSeconds: rule.maxDurationSeconds ?? MAX_DURATION_SECONDS,
    taskOutput: rule.taskOutput ?? 'encrypted',
  };
}

function compileDbUser(rule: RuleDocument, report: Report): DbUserTemplate {
  const unusable: DbUserTemplate = {
    source: '',
    variables: new Set(),
    render: () => ({ missing: 'userName' }),
  };
  if (rule.dbUser === undefined) {
    report('dbUser', 'an allow rule must give a dbUser template');
    return unusable;
  }
  const template = parseDbUserTemplate(rule.dbUser);
  if ('problem' in template) {
    report('dbUser', template.problem);
    return unusable;
  }
  if (template.variables.has('sessionName') && rule.trustSessionName !== true) {
    report(
      'dbUser',
      'uses ${sessionName}, which the caller of sts:AssumeRole picks: trustSessionName: true is needed',
    );
  }
  // Render with a stand-in value for each variable: a template whose fixed text breaks the name
  // rule could never issue a credential.
  const sample = template.render(Object.fromEntries(TEMPLATE_VARIABLES.map((name) => [name, 'x'])));
  const problem = 'name' in sample ? nameProblem('dbUser', sample.name) : undefined;
  if (problem) report('dbUser', `renders names that ${problem}`);
  return template;
}

function principalPatternProblem(pattern: string): string | undefined {
  const problem = arnPatternProblem(pattern);
  if (problem) return problem;
  const [, , service, , , resource = ''] = splitArn(pattern) ?? [];
  if (service === 'iam' && /^role\/.*\//.test(resource)) {
    return 'name the role without its path (role/NAME): assumed-role ARNs do not carry it';
  }
  return undefined;
}

/** `#index name` of a rule, from a document that may not have passed validation yet. */
function ruleLabel(document: unknown, index: number): string {
  const name = (document as { rules?: { name?: unknown }[] }).rules?.[index]?.name;
  return typeof name === 'string' ? `#${index} ${name}` : `#${index}`;
}
