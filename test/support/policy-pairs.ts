import fc from 'fast-check';
import { reviewPolicy } from '#domain/policy/text.js';
import type { Version } from '#scripts/policy/diff.js';
import { versionOf } from '#scripts/policy/diff-inputs.js';

/**
 * Generated pairs of policy versions, the second a few edits away from the first (a pattern
 * widened, a rule added, removed, moved, renamed or turned into a deny, a template, group,
 * database, duration, autoCreate, target or protected user changed), and generated callers from
 * the same names, for the tests of `policy diff`.
 */

const ACCOUNTS = ['123456789012', '210987654321'];

const rolePattern = fc
  .tuple(
    fc.constantFrom(...ACCOUNTS, '*'),
    fc.constantFrom('etl-*', 'etl-loader', '*', 'e?l-*', '*e*', 'AWSReservedSSO_Analyst_*'),
  )
  .map(([account, role]) => `arn:aws:iam::${account}:role/${role}`);
const sessionPattern = fc
  .tuple(fc.constantFrom('etl-*', 'etl-loader', '*'), fc.constantFrom('*', 'run-1', 'r*'))
  .map(([role, session]) => `arn:aws:sts::123456789012:assumed-role/${role}/${session}`);
const userPattern = fc
  .constantFrom('*', 'services/*', 'services/reporting-*', 'alice', '*e')
  .map((user) => `arn:aws:iam::123456789012:user/${user}`);
const machinePattern = fc
  .constantFrom('*', '*-etl', 'nightly-etl')
  .map((name) => `arn:aws:states:*:123456789012:stateMachine:${name}`);
const pattern = fc.oneof(
  fc.constant('*'),
  fc.constant('arn:aws:iam::123456789012:root'),
  rolePattern,
  sessionPattern,
  userPattern,
  machinePattern,
);

const TEMPLATES = [
  'etl_${roleName}',
  '${roleName}',
  'u_${userName}',
  '${userName}',
  'wf_${stateMachineName}',
  'reporting',
  'dbadmin',
  'a_${accountId}',
];
/** Session names are trusted only for roles named literally, or IAM Identity Center's. */
const SESSION_RULE_PATTERNS = [
  'arn:aws:iam::123456789012:role/etl-loader',
  'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_*/*',
];

interface RuleDocument extends Record<string, unknown> {
  name: string;
}
type PolicyDocument = {
  version: 1;
  targets: Record<string, Record<string, string>>;
  protectedDbUsers: string[];
  rules: RuleDocument[];
};

const allowRule = fc.record({
  principals: fc.uniqueArray(pattern, { minLength: 1, maxLength: 2 }),
  targets: fc.subarray(['analytics', 'lake'], { minLength: 1 }),
  databases: fc.option(fc.subarray(['exampledb', 'dev', 'sales'], { minLength: 1 }), {
    nil: undefined,
  }),
  dbUser: fc.constantFrom(...TEMPLATES, 'sso_${sessionName}'),
  dbGroups: fc.subarray(['etl_rw', 'analysts', 'reporting_ro']),
  autoCreate: fc.boolean(),
  maxDurationSeconds: fc.constantFrom(900, 1800, 3600),
});
const denyRule = fc.record({
  principals: fc.uniqueArray(pattern, { minLength: 1, maxLength: 2 }),
  effect: fc.constant('deny'),
});

/** A rule's document, made valid: a session-name template goes with a rule that may trust it. */
function ruleDocument(rule: Record<string, unknown>, name: string): RuleDocument {
  const { databases, ...rest } = rule;
  const document: RuleDocument = { name, ...rest, ...(databases !== undefined && { databases }) };
  if (typeof rule.dbUser === 'string' && rule.dbUser.includes('sessionName')) {
    document.principals = SESSION_RULE_PATTERNS;
    document.trustSessionName = true;
  }
  return document;
}

const rules = fc.array(fc.oneof(allowRule, allowRule, denyRule), { minLength: 1, maxLength: 4 });
const policyDocument = fc
  .record({
    rules,
    protectedDbUsers: fc.subarray(['dbadmin', 'etl_etl-loader', 'reporting', 'u_alice']),
    lakeDatabase: fc.constantFrom('dev', 'sales'),
  })
  .map(
    ({ rules: generated, protectedDbUsers, lakeDatabase }): PolicyDocument => ({
      version: 1,
      targets: {
        analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' },
        lake: { workgroupName: 'lake-wg', database: lakeDatabase },
      },
      protectedDbUsers,
      rules: generated.map((rule, i) => ruleDocument(rule, `rule-${i}`)),
    }),
  );

/** One edit a reviewer might find in a pull request. */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('pattern'), at: fc.nat(), pattern }),
  fc.record({ kind: fc.constant('add'), at: fc.nat(), rule: fc.oneof(allowRule, denyRule) }),
  fc.record({ kind: fc.constant('remove'), at: fc.nat() }),
  fc.record({ kind: fc.constant('move'), at: fc.nat() }),
  fc.record({ kind: fc.constant('template'), at: fc.nat(), dbUser: fc.constantFrom(...TEMPLATES) }),
  fc.record({
    kind: fc.constant('groups'),
    at: fc.nat(),
    dbGroups: fc.subarray(['etl_rw', 'analysts', 'reporting_ro']),
  }),
  fc.record({ kind: fc.constant('duration'), at: fc.nat(), seconds: fc.constantFrom(900, 3600) }),
  fc.record({ kind: fc.constant('protect'), name: fc.constantFrom('dbadmin', 'etl_etl-loader') }),
  fc.record({ kind: fc.constant('cluster'), cluster: fc.constantFrom('other', 'examplecluster') }),
  fc.record({
    kind: fc.constant('databases'),
    at: fc.nat(),
    databases: fc.option(fc.subarray(['exampledb', 'dev', 'sales'], { minLength: 1 }), {
      nil: undefined,
    }),
  }),
  fc.record({ kind: fc.constant('autoCreate'), at: fc.nat() }),
  fc.record({ kind: fc.constant('effect'), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename'), at: fc.nat() }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function applied(document: PolicyDocument, change: Edit): PolicyDocument {
  const next = structuredClone(document);
  const at = 'at' in change ? change.at % next.rules.length : 0;
  const rule = next.rules[at];
  switch (change.kind) {
    case 'pattern':
      if (rule && !rule.trustSessionName) rule.principals = [change.pattern];
      break;
    case 'add':
      next.rules.splice(at, 0, ruleDocument(change.rule, `added-${next.rules.length}`));
      break;
    case 'remove':
      if (next.rules.length > 1) next.rules.splice(at, 1);
      break;
    case 'move':
      if (rule) next.rules.push(...next.rules.splice(at, 1));
      break;
    case 'template':
      if (rule?.dbUser !== undefined && !rule.trustSessionName) rule.dbUser = change.dbUser;
      break;
    case 'groups':
      if (rule?.dbGroups !== undefined) rule.dbGroups = change.dbGroups;
      break;
    case 'duration':
      if (rule?.maxDurationSeconds !== undefined) rule.maxDurationSeconds = change.seconds;
      break;
    case 'protect':
      next.protectedDbUsers = next.protectedDbUsers.includes(change.name)
        ? next.protectedDbUsers.filter((name) => name !== change.name)
        : [...next.protectedDbUsers, change.name];
      break;
    case 'cluster':
      if (next.targets.analytics) next.targets.analytics.clusterIdentifier = change.cluster;
      break;
    case 'databases':
      if (rule?.dbUser === undefined) break;
      if (change.databases === undefined) delete rule.databases;
      else rule.databases = change.databases;
      break;
    case 'autoCreate':
      if (rule?.autoCreate !== undefined) rule.autoCreate = !rule.autoCreate;
      break;
    case 'effect':
      // An allow rule becomes a deny rule of the same principals.
      if (rule?.dbUser !== undefined && !rule.trustSessionName) {
        next.rules[at] = { name: rule.name, principals: rule.principals, effect: 'deny' };
      }
      break;
    case 'rename':
      if (rule) rule.name = `${rule.name}-renamed`;
      break;
  }
  return next;
}

const valid = (document: PolicyDocument) =>
  reviewPolicy(JSON.stringify(document), 'policy.json').policy !== undefined;

/** A valid policy and a valid edit of it (one to three changes). */
export const policyPair = fc
  .tuple(policyDocument, fc.array(edit, { minLength: 1, maxLength: 3 }))
  .map(([base, edits]) => [base, edits.reduce(applied, base)] as const)
  .filter(([base, head]) => valid(base) && valid(head));

export const versionFrom = (document: PolicyDocument, label: string): Version =>
  versionOf({ label: `${label}.json`, text: JSON.stringify(document, null, 2) });

/** Callers named like the patterns, including names a template renders as a protected user. */
export const caller = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(...ACCOUNTS),
      fc.constantFrom('etl-loader', 'etl-x', 'eTl-y', '7etl', 'AWSReservedSSO_Analyst_abc', 'a=b'),
      fc.constantFrom('run-1', 'rx', 'jane', 'dbadmin'),
    )
    .map(([account, role, session]) => `arn:aws:sts::${account}:assumed-role/${role}/${session}`),
  fc
    .constantFrom('alice', 'services/reporting-x', 'etl', 'bob', 'services/e', 'dbadmin')
    .map((user) => `arn:aws:iam::123456789012:user/${user}`),
  fc
    .constantFrom('nightly-etl', 'hourly-etl', 'other')
    .map((name) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`),
  fc.constantFrom('arn:aws:iam::123456789012:root', 'arn:aws:iam::210987654321:root'),
);
