import * as z from 'zod/mini';
import { type ArnMatcher, arnPatternProblem, compileArnLike } from './arn-like.js';
import type { Grant } from './authorize.js';
import { PolicyError } from './errors.js';
import type { Principal } from './identity.js';
import './zod-messages.js';

/** The partition key value under which every revocation is kept, one item per revocation. */
export const REVOCATIONS_KEY = 'revocations';

/** What a revocation stops: callers by ARN pattern, a db user (on one target or all), or a rule. */
export type RevocationScope =
  | { readonly kind: 'principal'; readonly principal: string }
  | { readonly kind: 'dbUser'; readonly dbUser: string; readonly target?: string }
  | { readonly kind: 'rule'; readonly rule: string };

/** One revocation, as an operator recorded it. */
export interface Revocation {
  readonly id: string;
  readonly reason: string;
  /** The ARN of whoever recorded it. */
  readonly by: string;
  readonly at: Date;
  /** Past this instant it stops applying; absent, it applies until removed. */
  readonly until?: Date;
  readonly scope: RevocationScope;
}

const Text = z.string().check(z.minLength(1), z.maxLength(1024));
const Instant = z.iso.datetime({ offset: true });

/** The JSON kept in an item's `value`. */
export const RevocationValueSchema = z
  .strictObject({
    reason: Text,
    by: Text,
    at: Instant,
    until: z.optional(Instant),
    principal: z.optional(
      Text.check(
        z.refine((pattern) => arnPatternProblem(pattern) === undefined, {
          message: 'must be "*" or an ARN pattern',
        }),
      ),
    ),
    dbUser: z.optional(Text),
    target: z.optional(Text),
    rule: z.optional(Text),
  })
  .check(
    z.refine(
      (value) =>
        [value.principal, value.dbUser, value.rule].filter((one) => one !== undefined).length === 1,
      { message: 'must name exactly one of principal, dbUser, rule' },
    ),
    z.refine((value) => value.target === undefined || value.dbUser !== undefined, {
      message: 'target narrows a dbUser revocation only',
    }),
  );

export type RevocationValue = z.infer<typeof RevocationValueSchema>;

/** The `file` of a malformed revocation's PolicyError: its problems name the item. */
export const REVOCATIONS_SOURCE = '(revocations)';

/**
 * Reads the revocations kept as `{ [id]: JSON text }`. A malformed one is a PolicyError naming
 * it: a revocation that cannot be read must not be taken for none.
 */
export function parseRevocations(values: Readonly<Record<string, unknown>>): Revocation[] {
  const revocations: Revocation[] = [];
  const problems: { field: string; problem: string }[] = [];
  for (const [id, text] of Object.entries(values)) {
    const problem = (detail: string) => problems.push({ field: id, problem: detail });
    let json: unknown;
    try {
      json = typeof text === 'string' ? JSON.parse(text) : text;
    } catch {
      problem('value is not JSON');
      continue;
    }
    const parsed = RevocationValueSchema.safeParse(json);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.map(String).join('.');
        problem(field ? `${field}: ${issue.message}` : issue.message);
      }
      continue;
    }
    revocations.push(revocationFrom(id, parsed.data));
  }
  if (problems.length > 0) {
    throw new PolicyError(
      REVOCATIONS_SOURCE,
      problems,
      undefined,
      'A revocation is malformed; see the function log',
    );
  }
  return revocations;
}

/** A revocation from its id and its checked JSON. */
export function revocationFrom(id: string, value: RevocationValue): Revocation {
  const { reason, by, at, until, principal, dbUser, target, rule } = value;
  return {
    id,
    reason,
    by,
    at: new Date(at),
    ...(until !== undefined && { until: new Date(until) }),
    scope:
      principal !== undefined
        ? { kind: 'principal', principal }
        : dbUser !== undefined
          ? { kind: 'dbUser', dbUser, ...(target !== undefined && { target }) }
          : { kind: 'rule', rule: rule ?? '' },
  };
}

/** The JSON an item's `value` holds for a revocation: what `revocationFrom` reads back. */
export function revocationValue({ reason, by, at, until, scope }: Revocation): RevocationValue {
  const { kind: _, ...named } = scope;
  return {
    reason,
    by,
    at: at.toISOString(),
    ...(until !== undefined && { until: until.toISOString() }),
    ...named,
  };
}

/** Whether a revocation still applies at `now`. */
export const inForce = (revocation: Revocation, now: Date): boolean =>
  revocation.until === undefined || revocation.until.getTime() > now.getTime();

// Each pattern compiled once per container: the revocations are read again every few seconds,
// and a request must not pay for compiling them.
const matchers = new Map<string, ArnMatcher>();
function matcherOf(pattern: string): ArnMatcher {
  let matcher = matchers.get(pattern);
  if (matcher === undefined) {
    matcher = compileArnLike(pattern);
    matchers.set(pattern, matcher);
  }
  return matcher;
}

/** Whether `scope` covers this caller and what the policy granted it. */
export function covers(scope: RevocationScope, principal: Principal, grant: Grant): boolean {
  switch (scope.kind) {
    case 'principal':
      return scope.principal === '*' || principal.matchArns.some(matcherOf(scope.principal));
    case 'dbUser':
      return (
        scope.dbUser === grant.dbUser &&
        (scope.target === undefined || scope.target === grant.target.name)
      );
    case 'rule':
      return scope.rule === grant.rule;
  }
}

/** The first revocation in force at `now` that covers this caller's grant, if any. */
export function revocationOf(
  revocations: readonly Revocation[],
  principal: Principal,
  grant: Grant,
  now: Date,
): Revocation | undefined {
  return revocations.find(
    (revocation) => inForce(revocation, now) && covers(revocation.scope, principal, grant),
  );
}

/** The audit reason of a refusal a revocation caused. */
export const revokedReason = (revocation: Revocation): string =>
  `revoked ${revocation.id}: ${revocation.reason}`;
