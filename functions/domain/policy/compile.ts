import { arnPatternProblem, globMatches, splitArn } from '../arn-like.js';
import { PolicyError, type PolicyProblem } from '../errors.js';
import { TEMPLATE_VARIABLES } from '../identity.js';
import { nameProblem } from '../names.js';
import { type Target, type TargetDefinition, targetOf, targetProblems } from '../targets.js';
import { type DbUserTemplate, parseDbUserTemplate } from './db-user-template.js';
import {
  checkSection,
  DOCUMENT,
  isPlainObject,
  type Report,
  RULE,
  type RuleDocument,
  TARGET,
} from './document.js';
import type { ExactChecks } from './exact-warnings.js';
import { MAX_DURATION_SECONDS, type Policy, type PolicyReview, type Rule } from './model.js';
import { indexPrincipals } from './principal-index.js';
import { policyWarnings } from './warnings.js';

/** Validates and compiles a parsed policy document; throws PolicyError naming every problem. */
export function policyFromDocument(document: unknown, file: string, exact?: ExactChecks): Policy {
  const { policy, problems } = reviewPolicyDocument(document, exact);
  if (policy === undefined) throw new PolicyError(file, problems);
  return policy;
}

/**
 * Every problem and every warning of a parsed policy document, in one pass: each section and
 * field is checked on its own, so one mistake never hides another, and the warnings are computed
 * from whatever rules could be read.
 */
export function reviewPolicyDocument(raw: unknown, exact?: ExactChecks): PolicyReview {
  const problems: PolicyProblem[] = [];
  // The rule's label is worked out only when there is a problem to report.
  const at =
    (prefix: string, rule?: () => string): Report =>
    (field, problem) =>
      problems.push({
        field:
          [prefix, field].filter(Boolean).join(prefix && !field.startsWith('[') ? '.' : '') ||
          '(document)',
        ...(rule !== undefined && { rule: rule() }),
        problem,
      });
  const document = checkSection(raw, DOCUMENT, at(''));

  const targets = new Map<string, Target>();
  for (const [name, rawTarget] of Object.entries(
    (document.targets ?? {}) as Record<string, unknown>,
  )) {
    const definition = {
      ...checkSection(rawTarget, TARGET, at(`targets.${name}`)),
      name,
    } as TargetDefinition;
    problems.push(
      ...targetProblems(definition).filter(
        ({ problem }) => definition.database !== undefined || !/database/.test(problem),
      ),
    );
    targets.set(name, targetOf(definition));
  }

  const protectedDbUsers = new Set<string>();
  ((document.protectedDbUsers ?? []) as string[]).forEach((name, i) => {
    const problem = nameProblem('dbUser', name.toLowerCase());
    if (problem) problems.push({ field: `protectedDbUsers[${i}]`, problem });
    protectedDbUsers.add(name.toLowerCase());
  });

  const seen = new Set<string>();
  const compiled = ((document.rules ?? []) as unknown[]).map((rawRule, index) => {
    const report = at(`rules[${index}]`, () => ruleLabel(rawRule, index));
    const rule = checkSection(rawRule, RULE, report) as RuleDocument;
    if (rule.name !== undefined) {
      if (seen.has(rule.name)) report('name', `duplicate rule name "${rule.name}"`);
      seen.add(rule.name);
    }
    return {
      rule: compileRule(rule, rawRule, index, targets, report),
      principals: rule.principals ?? [],
    };
  });
  const rules = compiled.map(({ rule }) => rule);
  const outlines = compiled.map(({ rule, principals }, index) => ({
    index,
    name: rule.name,
    effect: rule.effect,
    principals,
    ...(rule.effect === 'allow' && {
      dbUser: rule.dbUser,
      targets: [...rule.targets.keys()],
      clusters: [...new Set([...rule.targets.values()].map(clusterOf))],
      dbGroups: rule.dbGroups,
    }),
  }));
  const { warnings, exactChecksNeeded } = policyWarnings(
    outlines,
    protectedDbUsers,
    [...targets.keys()],
    exact,
  );
  const exactChecksPending = exactChecksNeeded && exact === undefined;
  if (problems.length > 0) return { policy: undefined, problems, warnings, exactChecksPending };

  const firstMatch = indexPrincipals(compiled.map(({ principals }) => principals));
  return {
    policy: {
      targets,
      rules,
      protectedDbUsers,
      warnings,
      ruleFor: (principal) => rules[firstMatch(principal) ?? rules.length],
    },
    problems,
    warnings,
    exactChecksPending,
  };
}

/** Where a target's database users live, as warnings name it: users belong to the cluster. */
function clusterOf(target: Target): string {
  const { region, roleArn } = target;
  return `${kindAndName(target)}${region === undefined ? '' : ` in ${region}`}${roleArn === undefined ? '' : ` (through ${roleArn})`}`;
}

function kindAndName(target: Target): string {
  switch (target.kind) {
    case 'cluster':
      return `cluster ${target.clusterIdentifier}`;
    case 'workgroup':
      return `workgroup ${target.workgroupName}`;
  }
}

function compileRule(
  rule: RuleDocument,
  raw: unknown,
  index: number,
  targets: ReadonlyMap<string, Target>,
  report: Report,
): Rule {
  const name = rule.name ?? `#${index}`;
  if (isPlainObject(raw) && Object.hasOwn(raw, 'taskOutput')) {
    report(
      'taskOutput',
      'is no longer supported: the task always returns the password KMS-encrypted to its execution, because a task result is readable by anyone who may read the execution history or invoke the task; remove the field',
    );
  }
  rule.principals?.forEach((pattern, i) => {
    const problem =
      principalPatternProblem(pattern) ??
      (rule.trustSessionName === true ? sessionTrustProblem(pattern) : undefined);
    if (problem) report(`principals[${i}]`, problem);
  });
  if (rule.effect === 'deny') {
    // Unknown fields are reported already; a known field of an allow rule is a mistake here.
    const extra = Object.keys(raw as object).filter(
      (key) => Object.hasOwn(RULE.fields, key) && !['name', 'principals', 'effect'].includes(key),
    );
    if (extra.length > 0)
      report(extra[0] ?? '', 'a deny rule takes only name, principals and effect');
    return { effect: 'deny', name, index };
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
    name,
    index,
    targets: ruleTargets,
    ...(rule.databases && { databases: rule.databases }),
    dbUser: compileDbUser(rule, report),
    dbGroups,
    autoCreate: rule.autoCreate ?? false,
    maxDurationSeconds: rule.maxDurationSeconds ?? MAX_DURATION_SECONDS,
  };
}

const SAMPLE_VALUES = Object.fromEntries(TEMPLATE_VARIABLES.map((name) => [name, 'x']));

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
  const sample = template.render(SAMPLE_VALUES);
  const problem = 'name' in sample ? nameProblem('dbUser', sample.name) : undefined;
  if (problem) report('dbUser', `renders names that ${problem}`);
  return template;
}

function principalPatternProblem(pattern: string): string | undefined {
  const problem = arnPatternProblem(pattern);
  if (problem || pattern === '*') return problem;
  if (/^arn:[^:]*:iam:[^:]*:[^:]*:role\/.*\//.test(pattern)) {
    return 'name the role without its path (role/NAME): assumed-role ARNs do not carry it';
  }
  return undefined;
}

/** The role-name prefix of IAM Identity Center's roles, which the API refuses outside their path. */
const IDENTITY_CENTER_ROLE = 'AWSReservedSSO_';
const WILDCARD = /[*?]/;

/**
 * Why a rule that trusts session names may not name `pattern`, or undefined. An assumed-role ARN
 * carries the role's name but not its path, so a wildcard in the role name also matches roles
 * that anyone who may call iam:CreateRole can name to fit, and choose the session name of. Only
 * IAM Identity Center's roles (AWSReservedSSO_…) may be matched by a wildcard: the API's resource
 * policy refuses every role so named outside /aws-reserved/sso.amazonaws.com/.
 */
function sessionTrustProblem(pattern: string): string | undefined {
  const why = `trustSessionName needs each role named without wildcards, its account too (a wildcard also matches roles anyone with iam:CreateRole can create and name to fit, choosing the session name); only IAM Identity Center roles (${IDENTITY_CENTER_ROLE}…) may use one`;
  const parts = splitArn(pattern);
  if (pattern === '*' || parts === undefined) return why;
  const [, , service = '', , account = '', resource = ''] = parts;
  const roleNameAfter = (type: string) =>
    resource.startsWith(type) ? resource.slice(type.length).split('/')[0] : undefined;
  const canMatch = (glob: string, text: string) => globMatches(glob, text);
  let roleName: string | undefined;
  if (canMatch(service, 'sts')) {
    roleName = roleNameAfter('assumed-role/');
    // A resource that could still be any assumed role (assumed-*, *) names no role at all.
    if (roleName === undefined && canMatchPrefix(resource, 'assumed-role/')) return why;
  }
  if (canMatch(service, 'iam') && roleName === undefined) {
    roleName = roleNameAfter('role/');
    if (roleName === undefined && canMatchPrefix(resource, 'role/')) return why;
  }
  if (roleName === undefined) return undefined;
  const wildcard = roleName.search(WILDCARD);
  const literalStart = wildcard === -1 ? roleName : roleName.slice(0, wildcard);
  if (literalStart.startsWith(IDENTITY_CENTER_ROLE)) return undefined;
  return wildcard === -1 && !WILDCARD.test(account) ? undefined : why;
}

/** Whether some string `glob` matches starts with `prefix`. */
function canMatchPrefix(glob: string, prefix: string): boolean {
  for (let i = 0; i < glob.length; i += 1) {
    const token = glob[i];
    if (token === '*') return true;
    if (i >= prefix.length) return true;
    if (token !== '?' && token !== prefix[i]) return false;
  }
  return glob.length >= prefix.length;
}

/** `#index name` of a rule, from a rule that may not have passed validation. */
function ruleLabel(rule: unknown, index: number): string {
  const name = (rule as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? `#${index} ${name}` : `#${index}`;
}
