import { decide } from '../../functions/domain/decide.js';
import { principalFromStateMachineArn } from '../../functions/domain/execution.js';
import { type Principal, principalFromArn } from '../../functions/domain/identity.js';
import type { AllowRule, Policy } from '../../functions/domain/policy/model.js';
import { mayOverlap } from '../../functions/domain/policy/reach-candidates.js';
import type { RevocationScope } from '../../functions/domain/revocations.js';
import type { Target } from '../../functions/domain/targets.js';

/** A db user whose logins and sessions end on one target. */
export interface SessionsToEnd {
  readonly target: Target;
  readonly dbUser: string;
}

/** What a revocation matches in a policy, as an operator reads it before acting on it. */
export interface Impact {
  /** One line per rule it matches, with an example principal where one can be shown. */
  readonly lines: readonly string[];
  /** The db users whose logins the SQL ends, on each target that can issue them. */
  readonly sessions: readonly SessionsToEnd[];
  /** Rules whose db user is rendered per caller: their users cannot be listed from the policy. */
  readonly renderedUsers: readonly string[];
}

const WILDCARD = /[*?]/;

const ROLE = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/**
 * A caller the pattern matches: each wildcard filled in (`*` as `example`, `?` as `x`); for a
 * role's ARN, a session of the role (what calls; a role pattern matches its sessions).
 */
export function examplePrincipal(pattern: string): Principal {
  const filled = pattern.replaceAll('*', 'example').replaceAll('?', 'x');
  const role = ROLE.exec(filled);
  if (role) {
    const [, partition, account, name] = role;
    return principalFromArn(
      `arn:${partition}:sts::${account}:assumed-role/${name}/example-session`,
    );
  }
  return /^arn:[^:]+:states:/.test(filled)
    ? principalFromStateMachineArn(filled)
    : principalFromArn(filled);
}

/**
 * What `scope` stops in `policy`, worked out with the functions' own decision: the allow rules it
 * can reach, an example caller and what that caller is issued today, and the db users whose
 * logins can be ended on each target.
 */
export function revocationImpact(
  policy: Policy,
  principalsOf: (rule: AllowRule) => readonly string[],
  scope: RevocationScope,
): Impact {
  const allow = policy.rules.filter((rule): rule is AllowRule => rule.effect === 'allow');
  const lines: string[] = [];
  const sessions: SessionsToEnd[] = [];
  const renderedUsers: string[] = [];
  const fixedUser = (rule: AllowRule) => {
    const rendered = rule.dbUser.render({});
    return 'name' in rendered && rule.dbUser.variables.size === 0 ? rendered.name : undefined;
  };
  const endOnTargetsOf = (rule: AllowRule, user?: string) => {
    const dbUser = user ?? fixedUser(rule);
    if (dbUser === undefined) {
      renderedUsers.push(`${rule.name} (dbUser ${rule.dbUser.source})`);
      return;
    }
    for (const target of rule.targets.values()) sessions.push({ target, dbUser });
  };

  switch (scope.kind) {
    case 'principal': {
      const { principal } = scope;
      const exact = principal !== '*' && !WILDCARD.test(principal);
      const example = principal === '*' ? undefined : examplePrincipal(principal);
      const decision = example === undefined ? undefined : decide(policy, example, {});
      if (example !== undefined && decision !== undefined) {
        lines.push(
          decision.decision === 'issued'
            ? `e.g. ${example.arn}: today issued ${decision.grant.dbUser} by rule ${decision.grant.rule}`
            : `e.g. ${example.arn}: today denied (${decision.reason})`,
        );
      }
      const issuedBy = decision?.decision === 'issued' ? decision.grant : undefined;
      // An exact caller (or role) is decided by one rule; a pattern may reach several.
      const reached = exact
        ? allow.filter((rule) => rule.name === issuedBy?.rule)
        : allow.filter((rule) =>
            principalsOf(rule).some((pattern) => mayOverlap(pattern, principal)),
          );
      for (const rule of reached) {
        lines.push(
          `rule ${rule.name}: ${exact ? 'decides its calls' : principal === '*' ? 'matches its callers' : 'may match its callers'}`,
        );
        // One db user for all of it: an exact caller, or a role's sessions when the rule's user
        // does not depend on the session's name.
        const oneUser =
          exact &&
          issuedBy !== undefined &&
          (example?.arn === principal || !rule.dbUser.variables.has('sessionName'));
        endOnTargetsOf(rule, oneUser ? issuedBy.dbUser : undefined);
      }
      break;
    }
    case 'dbUser': {
      const dbUser = scope.dbUser;
      const issuing = allow.filter((rule) => fixedUser(rule) === dbUser || mayRender(rule, dbUser));
      for (const rule of issuing) {
        lines.push(
          `rule ${rule.name}: ${fixedUser(rule) === dbUser ? 'issues' : 'may render'} ${dbUser}`,
        );
      }
      const targets = new Map<string, Target>();
      for (const rule of issuing) {
        for (const target of rule.targets.values()) {
          if (scope.target === undefined || target.name === scope.target)
            targets.set(target.name, target);
        }
      }
      for (const target of targets.values()) sessions.push({ target, dbUser });
      break;
    }
    case 'rule': {
      const rule = allow.find(({ name }) => name === scope.rule);
      if (rule === undefined) {
        lines.push(`no allow rule is named ${scope.rule}: the revocation stops nothing`);
        break;
      }
      lines.push(`rule ${rule.name}: every caller it decides`);
      endOnTargetsOf(rule);
      break;
    }
  }
  return { lines, sessions: dedupe(sessions), renderedUsers };
}

/** Whether a rule's template could render `name`: its fixed start and end agree with it. */
function mayRender(rule: AllowRule, name: string): boolean {
  if (rule.dbUser.variables.size === 0) return false;
  const fixed = rule.dbUser.source.toLowerCase().split(/\$\{[^}]*\}/);
  return name.startsWith(fixed[0] ?? '') && name.endsWith(fixed.at(-1) ?? '');
}

function dedupe(sessions: SessionsToEnd[]): SessionsToEnd[] {
  const seen = new Map<string, SessionsToEnd>();
  for (const one of sessions) seen.set(`${one.target.name}\u0000${one.dbUser}`, one);
  return [...seen.values()];
}
