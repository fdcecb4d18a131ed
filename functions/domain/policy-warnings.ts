import { partsCover } from './arn-coverage.js';
import { splitArn } from './arn-like.js';
import type { DbUserTemplate } from './db-user-template.js';
import { principalFromArn } from './identity.js';
import { isSystemUser } from './names.js';
import { type ReachRule, sharingCandidates, straddleCandidates } from './reach-candidates.js';
import type { ExactChecks } from './rule-reach.js';

/** What the warnings look at in a rule: its place, its patterns and, for an allow rule, its dbUser. */
export interface RuleOutline extends ReachRule {
  /** The targets an allow rule names. */
  readonly targets?: readonly string[];
  /** The groups an allow rule may issue. */
  readonly dbGroups?: readonly string[];
}

const label = (rule: ReachRule) => `rules[${rule.index}] (${rule.name})`;

// The characters a rendered variable can contribute: IAM names and account ids, lower-cased.
const VARIABLE_VALUE = '[a-z0-9_+=,.@-]+';

/**
 * Things a policy may legally say that are almost certainly not what its author meant: a rule no
 * caller can reach because earlier rules already match everyone it names, two rules that can
 * issue the same db user to different principals, an allow rule deciding part of what a later
 * deny rule names, a template that can render a protected user, a target no rule names, and
 * groups no request could need because their rule can issue nothing.
 */
export function policyWarnings(
  rules: readonly RuleOutline[],
  protectedDbUsers: ReadonlySet<string>,
  targets: readonly string[] = [],
  exact?: ExactChecks,
): { warnings: string[]; exactChecksNeeded: boolean } {
  if (rules.length === 0) {
    return { warnings: ['no rules: every request is denied'], exactChecksNeeded: false };
  }
  const used = new Set(rules.flatMap((rule) => rule.targets ?? []));
  const unused = targets
    .filter((target) => !used.has(target))
    .map((target) => `targets.${target} is named by no rule: nobody can be issued it`);
  const shadowed = shadowedRules(rules);
  // A deny rule never reached is reported as such; what takes its principals is said there.
  const unreached = new Set(shadowed.map(({ rule }) => rule.index));
  // The exact checks search automata: only where the quick tests leave something to find.
  const exactChecksNeeded =
    sharingCandidates(rules).length > 0 ||
    straddleCandidates(rules).some(([, deny]) => !unreached.has(deny.index));
  return {
    warnings: [
      ...shadowed.map(({ warning }) => warning),
      ...(exactChecksNeeded && exact ? exact(rules, protectedDbUsers, unreached) : []),
      ...protectedRenderings(rules, protectedDbUsers),
      ...unused,
      ...unneededGroups(rules, protectedDbUsers),
    ],
    exactChecksNeeded,
  };
}

interface Filed {
  readonly parts: readonly string[];
  readonly rule: RuleOutline;
}

const WILDCARD = /[*?]/;
const ROLE_ARN = /^arn:[^:]+:iam::[^:]*:role\//;
const SESSION_ARN = /^arn:([^:]+):sts::([^:]+):assumed-role\/([^/]+)\/.+$/;

/** The literal start of a pattern's resource part (before its first wildcard). */
function literalStart(resource: string): string {
  const cut = resource.search(WILDCARD);
  return cut === -1 ? resource : resource.slice(0, cut);
}

/**
 * The patterns of the rules seen so far, filed by the literal start of their resource, so that
 * finding the ones that can cover a pattern takes a few lookups, not a pass over every rule: a
 * pattern can only be covered by one whose literal resource start is a prefix of its own.
 */
class EarlierPatterns {
  readonly #everyone: RuleOutline[] = [];
  readonly #exact = new Map<string, RuleOutline[]>();
  readonly #filed = new Map<string, Filed[]>();
  readonly #lengths = new Set<number>();

  add(rule: RuleOutline): void {
    for (const pattern of rule.principals) {
      if (pattern === '*') {
        this.#everyone.push(rule);
        continue;
      }
      const exact = this.#exact.get(pattern);
      if (exact) exact.push(rule);
      else this.#exact.set(pattern, [rule]);
      // A pattern without wildcards covers only itself, found above; so does one that is no
      // ARN pattern (the policy is then invalid).
      if (!WILDCARD.test(pattern)) continue;
      const parts = splitArn(pattern);
      if (parts === undefined) continue;
      const prefix = literalStart(parts[5] ?? '');
      const bucket = this.#filed.get(prefix);
      if (bucket) bucket.push({ parts, rule });
      else this.#filed.set(prefix, [{ parts, rule }]);
      this.#lengths.add(prefix.length);
    }
  }

  /** The rules with a pattern that matches every principal `pattern` matches. */
  covering(pattern: string): RuleOutline[] {
    // Account roots, federated users and other ARNs only ever match a rule naming them exactly;
    // a role's ARN stands for its sessions, so patterns covering it cover them.
    if (
      !WILDCARD.test(pattern) &&
      !ROLE_ARN.test(pattern) &&
      principalFromArn(pattern).kind === 'other'
    ) {
      return this.#exact.get(pattern) ?? [];
    }
    const found = [...this.#everyone];
    this.#collect(pattern, found);
    // A rule naming a role session pattern is also reached through the role's own ARN.
    const session = SESSION_ARN.exec(pattern);
    if (session) this.#collect(`arn:${session[1]}:iam::${session[2]}:role/${session[3]}`, found);
    return found;
  }

  #collect(pattern: string, found: RuleOutline[]): void {
    found.push(...(this.#exact.get(pattern) ?? []));
    const parts = splitArn(pattern);
    if (parts === undefined) return;
    const prefix = literalStart(parts[5] ?? '');
    for (const length of this.#lengths) {
      if (length > prefix.length) continue;
      const bucket = this.#filed.get(length === prefix.length ? prefix : prefix.slice(0, length));
      if (bucket === undefined) continue;
      for (const filed of bucket) if (partsCover(filed.parts, parts)) found.push(filed.rule);
    }
  }
}

function shadowedRules(rules: readonly RuleOutline[]): { rule: RuleOutline; warning: string }[] {
  const warnings: { rule: RuleOutline; warning: string }[] = [];
  const earlier = new EarlierPatterns();
  for (const rule of rules) {
    const covering = rule.principals.map((pattern) => earlier.covering(pattern));
    earlier.add(rule);
    if (covering.length === 0 || covering.some((found) => found.length === 0)) continue;
    const by = [...new Set(covering.flat())].sort((x, y) => x.index - y.index).map(label);
    warnings.push({
      rule,
      warning: `${label(rule)} is never reached: ${by.join(', ')} already ${by.length === 1 ? 'matches' : 'match'} every principal it names`,
    });
  }
  return warnings;
}

/** What every name `template` renders starts with: its text before the first variable. */
const fixedStart = (template: DbUserTemplate) =>
  (template.source.split('${')[0] ?? '').toLowerCase();

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
function protectedRenderings(
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

/**
 * Groups that no request could need: those of an allow rule whose dbUser renders nothing but a
 * protected user (a fixed protected name, or a name starting "rdsdb"), so every request it matches
 * is denied. Any other listed group can be asked for: a request may name any subset of its rule's
 * groups and gets all of them by default. (The groups of a rule no caller reaches are not needed
 * either; the "never reached" warning already names that rule.)
 */
function unneededGroups(
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
