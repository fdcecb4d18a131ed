import { compileArnLike } from '../../functions/domain/arn-like.js';
import type { Policy } from '../../functions/domain/policy/model.js';
import {
  patternExamples,
  regionWitnesses,
  variantsOf,
} from '../../functions/domain/policy/witnesses.js';
import { type Access, accessOf, type Names } from './access.js';
import { relevantPatterns } from './changed-rules.js';
import { type Aspect, type Category, categoryOf, compareAccess } from './changes.js';
import { principalOf } from './explain.js';
import { protectedNameWitnesses } from './protected-witnesses.js';

/**
 * `policy diff`: the decisions of two versions of the policy for the same callers and requests,
 * and who gains, loses or only changes which login. The callers are the reviewer's (cases,
 * `--principals`) and examples the patterns' automata find, enough that any change of who is
 * decided by which rule is seen.
 */

/** One version of the policy: where it came from, its text and what it compiles to. */
export interface Version {
  readonly label: string;
  readonly policy: Policy;
  /** The principal patterns of each rule, in order. */
  readonly patterns: readonly (readonly string[])[];
  /** Its dbUser templates (their characters matter to the examples). */
  readonly templates: readonly string[];
  /** The line of a field (`rules[2].dbGroups`), where known. */
  readonly lineOf: (field: string) => number | undefined;
}

/** Where a caller to compare comes from. */
export type Origin = 'case' | 'principals' | 'example';

export interface Probe {
  readonly principal: string;
  /** The request, as a JSON object; undefined for none (every target, every group, longest). */
  readonly request?: Readonly<Record<string, unknown>>;
  readonly origin: Origin;
}

/** An aspect of a change, with the rule and line of each version that made it. */
export interface LocatedAspect extends Aspect {
  readonly base?: { readonly rule: string; readonly line?: number };
  readonly head?: { readonly rule: string; readonly line?: number };
}

export interface Change {
  readonly principal: string;
  readonly request?: Readonly<Record<string, unknown>>;
  readonly origin: Origin;
  readonly category: Category;
  readonly before: Access;
  readonly after: Access;
  readonly aspects: readonly LocatedAspect[];
  /** Further example callers with the very same change (examples only). */
  readonly alike: string[];
}

export interface Diff {
  readonly changes: readonly Change[];
  /** How many callers were compared, by origin. */
  readonly compared: Readonly<Record<Origin, number>>;
  /** How many requests each was compared with: none, and each a case names. */
  readonly requests: number;
  /** False when the example search stopped at its limit somewhere: a region may be unseen. */
  readonly complete: boolean;
}

/**
 * The line in `version` of the field that made an aspect, under the rule that decided: for the
 * rule's principals, the pattern that matches the caller.
 */
function locate(version: Version, rule: string | undefined, field: string, principal: string) {
  if (rule === undefined) return undefined;
  const index = version.policy.rules.find((each) => each.name === rule)?.index;
  let path = /^(targets\.|protectedDbUsers)/.test(field) ? field : `rules[${index}].${field}`;
  if (field === 'principals' && index !== undefined) {
    const { matchArns } = principalOf(principal);
    const matching = (version.patterns[index] ?? []).findIndex((pattern) => {
      const matches = compileArnLike(pattern);
      return matchArns.some((arn) => matches(arn));
    });
    if (matching !== -1) path = `${path}[${matching}]`;
  }
  const line = index === undefined && path.startsWith('rules') ? undefined : version.lineOf(path);
  return { rule, ...(line !== undefined && { line }) };
}

/** Every target and database either version names. */
function namesOf(base: Version, head: Version): Names {
  const policies = [base.policy, head.policy];
  const targets = policies.flatMap((policy) => [...policy.targets.values()]);
  const databases = [
    ...targets.map((target) => target.database),
    ...policies.flatMap((policy) =>
      policy.rules.flatMap((rule) => (rule.effect === 'allow' ? (rule.databases ?? []) : [])),
    ),
  ];
  return {
    targets: [...new Set(targets.map((target) => target.name))],
    databases: [...new Set(databases)],
  };
}

/**
 * Example callers: one for every pattern either version names, and one for every region the
 * patterns a change can reach cut the principals into (relevantPatterns), each of those with
 * variants and with the names a template renders as a protected user.
 */
export function examples(base: Version, head: Version): { arns: string[]; complete: boolean } {
  const templates = [...base.templates, ...head.templates];
  const regions = regionWitnesses(relevantPatterns(base, head), templates);
  const arns = new Set<string>(regions.arns);
  // Only a template's variables make one caller's name matter where another's does not.
  const templated = (version: Version, arn: string) => {
    const rule = version.policy.ruleFor(principalOf(arn));
    return rule?.effect === 'allow' && rule.dbUser.variables.size > 0;
  };
  for (const arn of regions.arns) {
    if (!templated(base, arn) && !templated(head, arn)) continue;
    for (const variant of variantsOf(arn)) arns.add(variant);
  }
  for (const arn of protectedNameWitnesses(base, head, regions.arns)) arns.add(arn);
  for (const pattern of new Set([...base.patterns, ...head.patterns].flat())) {
    for (const arn of patternExamples(pattern)) arns.add(arn);
  }
  return { arns: [...arns], complete: regions.complete };
}

/**
 * Compares the two versions for every caller given and every example the patterns yield, each
 * with every request: none, and each request a given probe (a case) names.
 */
export function diffPolicies(base: Version, head: Version, given: readonly Probe[]): Diff {
  const names = namesOf(base, head);
  const requests = [
    undefined,
    ...new Map(
      given.flatMap(({ request }) => (request ? [[JSON.stringify(request), request]] : [])),
    ).values(),
  ];
  const found = examples(base, head);
  const callers = new Map<string, Origin>();
  for (const { principal, origin } of given)
    if (!callers.has(principal)) callers.set(principal, origin);
  for (const principal of found.arns)
    if (!callers.has(principal)) callers.set(principal, 'example');
  const compared: Record<Origin, number> = { case: 0, principals: 0, example: 0 };
  for (const origin of callers.values()) compared[origin] += 1;
  const probes = [...callers].flatMap(([principal, origin]) =>
    requests.map((request) => ({ principal, origin, request })),
  );
  const byKey = new Map<string, Change>();
  const listed = new Set<string>();
  const changes: Change[] = [];
  for (const probe of probes) {
    const before = accessOf(base.policy, probe.principal, probe.request, names);
    const after = accessOf(head.policy, probe.principal, probe.request, names);
    const aspects = compareAccess(before, after);
    const category = categoryOf(aspects);
    if (category === undefined) continue;
    // Examples alike in what changes are one entry, whatever the request.
    const key = JSON.stringify(aspects.map((aspect) => aspect.key));
    // A caller with the same change under another request is listed once.
    if (listed.has(`${probe.principal} ${key}`)) continue;
    listed.add(`${probe.principal} ${key}`);
    const same = byKey.get(key);
    if (same !== undefined && probe.origin === 'example') {
      same.alike.push(probe.principal);
      continue;
    }
    const change: Change = {
      principal: probe.principal,
      ...(probe.request !== undefined && { request: probe.request }),
      origin: probe.origin,
      category,
      before,
      after,
      aspects: aspects.map((aspect) => {
        const was = locate(base, before.rule, aspect.field, probe.principal);
        const now = locate(head, after.rule, aspect.field, probe.principal);
        return { ...aspect, ...(was && { base: was }), ...(now && { head: now }) };
      }),
      alike: [],
    };
    if (!byKey.has(key)) byKey.set(key, change);
    changes.push(change);
  }
  return { changes, compared, requests: requests.length, complete: found.complete };
}
