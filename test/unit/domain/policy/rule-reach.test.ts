import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileArnLike } from '#domain/arn-like.js';
import { decide } from '#domain/decide.js';
import { principalFromStateMachineArn } from '#domain/execution.js';
import { type Principal, principalFromArn } from '#domain/identity.js';
import { reviewPolicyDocument } from '#domain/policy/compile.js';
import type { Policy } from '#domain/policy/model.js';
import type { ReachRule } from '#domain/policy/reach-candidates.js';
import { RuleReach } from '#domain/policy/rule-reach.js';

// The exact checks held to brute force: small policies over a small world of principals, each
// decided by the code the functions run.
const ACCOUNT = '123456789012';
const TARGETS = {
  t1: { clusterIdentifier: 'c1', database: 'd' },
  t2: { clusterIdentifier: 'c2', database: 'd' },
};
const CLUSTER_OF: Record<string, string> = { t1: 'cluster c1', t2: 'cluster c2' };

/** Every string over `alphabet` from `min` to `max` characters. */
function strings(alphabet: string, min: number, max: number): string[] {
  let level = [''];
  const all: string[] = [];
  for (let size = 1; size <= max; size += 1) {
    level = level.flatMap((prefix) => [...alphabet].map((char) => prefix + char));
    if (size >= min) all.push(...level);
  }
  return all;
}

const principalOf = (arn: string): Principal =>
  arn.includes(':states:') ? principalFromStateMachineArn(arn) : principalFromArn(arn);

/** The world: users (two paths), role sessions and state machines with short names. */
const WORLD: readonly Principal[] = [
  ...['/', '/p/'].flatMap((path) =>
    strings('abA', 1, 3).map((name) => `arn:aws:iam::${ACCOUNT}:user${path}${name}`),
  ),
  ...strings('abA', 1, 3).flatMap((role) =>
    strings('ab', 2, 3).map((session) => `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`),
  ),
  ...strings('ab', 1, 3).map((name) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`),
].map(principalOf);

const glob = fc.string({
  unit: fc.constantFrom('a', 'b', 'A', '*', '?'),
  minLength: 1,
  maxLength: 3,
});
const literalRole = fc.constantFrom('a', 'b', 'ab', 'Ab');
const pattern = fc.oneof(
  glob.map((g) => `arn:aws:iam::${ACCOUNT}:user/${g}`),
  glob.map((g) => `arn:aws:iam::${ACCOUNT}:user/p/${g}`),
  glob.map((g) => `arn:aws:iam::${ACCOUNT}:role/${g}`),
  fc.tuple(glob, glob).map(([r, s]) => `arn:aws:sts::${ACCOUNT}:assumed-role/${r}/${s}`),
  glob.map((g) => `arn:aws:sts::${ACCOUNT}:assumed-role/${g}`),
  glob.map((g) => `arn:aws:states:*:${ACCOUNT}:stateMachine:${g}`),
  fc.constant('*'),
);
/** Patterns a rule trusting session names may use: each names its role literally. */
const trustedPattern = fc.oneof(
  fc.tuple(literalRole, glob).map(([r, s]) => `arn:aws:sts::${ACCOUNT}:assumed-role/${r}/${s}`),
  literalRole.map((r) => `arn:aws:iam::${ACCOUNT}:role/${r}`),
);
const targets = fc.constantFrom(['t1'], ['t2'], ['t1', 't2']);

const allowRule = fc
  .tuple(
    fc.constantFrom('', 'u', 'a'),
    fc.constantFrom(
      undefined,
      'userName',
      'roleName',
      'sessionName',
      'stateMachineName',
      // Two variables, in the ARN's order and against it.
      'roleName}_${sessionName',
      'sessionName}${roleName',
    ),
    fc.constantFrom('', 'b'),
    targets,
  )
  .chain(([before, variable, after, ruleTargets]) =>
    fc
      .array(variable?.includes('sessionName') ? trustedPattern : pattern, {
        minLength: 1,
        maxLength: 2,
      })
      .map((principals) => ({
        principals,
        targets: ruleTargets,
        dbUser: variable ? `${before}\${${variable}}${after}` : `${before}${after}` || 'u',
        ...(variable?.includes('sessionName') && { trustSessionName: true }),
      })),
  );
const denyRule = fc
  .array(pattern, { minLength: 1, maxLength: 2 })
  .map((principals) => ({ principals, effect: 'deny' }));
const policyDocument = fc
  .array(fc.oneof({ weight: 3, arbitrary: allowRule }, { weight: 1, arbitrary: denyRule }), {
    minLength: 2,
    maxLength: 4,
  })
  .map((rules) => ({
    version: 1,
    targets: TARGETS,
    rules: rules.map((rule, i) => ({ name: `r${i}`, ...rule })),
  }));

/** The policy and its rules as the checks read them, or undefined when it does not load. */
function load(document: unknown): { policy: Policy; rules: ReachRule[] } | undefined {
  const { policy } = reviewPolicyDocument(document);
  if (policy === undefined) return undefined;
  const rules = policy.rules.map(
    (rule, index): ReachRule => ({
      index,
      name: rule.name,
      effect: rule.effect,
      principals:
        (document as { rules: { principals: string[] }[] }).rules[index]?.principals ?? [],
      ...(rule.effect === 'allow' && {
        dbUser: rule.dbUser,
        clusters: [...rule.targets.keys()].map((target) => CLUSTER_OF[target] ?? ''),
      }),
    }),
  );
  return { policy, rules };
}

/** What `principal` is issued on each cluster: the deciding rule and the db user. */
function issued(policy: Policy, principal: Principal) {
  const rule = policy.ruleFor(principal);
  if (rule?.effect !== 'allow') return [];
  return [...rule.targets.keys()].flatMap((target) => {
    const decision = decide(policy, principal, { target });
    return decision.decision === 'issued'
      ? [{ rule: rule.index, cluster: CLUSTER_OF[target] ?? '', dbUser: decision.grant.dbUser }]
      : [];
  });
}

const pairKey = (a: number, b: number) => `${Math.min(a, b)}-${Math.max(a, b)}`;

describe('RuleReach.sharedDbUsers', () => {
  it('agrees with brute force: every pair of rules the world shows issuing one db user is found, and every example holds', () => {
    fc.assert(
      fc.property(policyDocument, (document) => {
        const loaded = load(document);
        fc.pre(loaded !== undefined);
        const { policy, rules } = loaded as NonNullable<typeof loaded>;
        const owners = new Map<string, Set<number>>();
        for (const principal of WORLD) {
          for (const { rule, cluster, dbUser } of issued(policy, principal)) {
            const key = `${cluster}|${dbUser}`;
            owners.set(key, (owners.get(key) ?? new Set()).add(rule));
          }
        }
        const seen = new Set(
          [...owners.values()].flatMap((set) => {
            const [first, ...rest] = [...set];
            return rest.map((other) => pairKey(first ?? 0, other));
          }),
        );

        const found = new RuleReach(rules).sharedDbUsers();

        const reported = new Set(found.map(({ rules: [a, b] }) => pairKey(a.index, b.index)));
        for (const pair of seen) expect(reported).toContain(pair);
        for (const {
          rules: [a, b],
          dbUser,
          cluster,
          principals,
        } of found) {
          const [p, q] = principals.map((arn) => issued(policy, principalOf(arn)));
          expect(p).toContainEqual({ rule: a.index, cluster, dbUser });
          expect(q).toContainEqual({ rule: b.index, cluster, dbUser });
          expect(principals[0]).not.toBe(principals[1]);
        }
      }),
      { numRuns: Number(process.env.REACH_RUNS ?? 300) },
    );
  });
});

describe('RuleReach.allowsBeforeDenies', () => {
  /** Whether deny rule `patterns` names `principal` (exactly, for principals only exact patterns match). */
  const names = (patterns: readonly string[], principal: Principal) =>
    principal.kind === 'other'
      ? patterns.includes(principal.arn)
      : patterns.some((p) => principal.matchArns.some((arn) => compileArnLike(p)(arn)));

  it('agrees with brute force: an allow rule deciding some of a later deny rule’s principals and some others is found, with examples that hold', () => {
    fc.assert(
      fc.property(policyDocument, (document) => {
        const loaded = load(document);
        fc.pre(loaded !== undefined);
        const { policy, rules } = loaded as NonNullable<typeof loaded>;
        const seen = new Set<string>();
        for (const deny of rules) {
          if (deny.effect !== 'deny' || deny.principals.includes('*')) continue;
          for (const allow of rules.filter((r) => r.effect === 'allow' && r.index < deny.index)) {
            const decided = WORLD.filter((p) => policy.ruleFor(p)?.name === allow.name);
            const inside = decided.some((p) => names(deny.principals, p));
            const outside = decided.some((p) => !names(deny.principals, p));
            if (inside && outside) seen.add(`${allow.index}-${deny.index}`);
          }
        }

        const found = new RuleReach(rules).allowsBeforeDenies();

        const reported = new Set(found.map(({ allow, deny }) => `${allow.index}-${deny.index}`));
        for (const pair of seen) expect(reported).toContain(pair);
        for (const { allow, deny, example, outside } of found) {
          expect(policy.ruleFor(principalOf(example))?.name).toBe(allow.name);
          expect(names(deny.principals, principalOf(example))).toBe(true);
          expect(policy.ruleFor(principalOf(outside))?.name).toBe(allow.name);
          expect(names(deny.principals, principalOf(outside))).toBe(false);
        }
      }),
      { numRuns: Number(process.env.REACH_RUNS ?? 300) },
    );
  });
});
