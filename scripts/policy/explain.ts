import { type Decision, decide } from '../../functions/domain/decide.js';
import { principalFromStateMachineArn } from '../../functions/domain/execution.js';
import { type Principal, principalFromArn } from '../../functions/domain/identity.js';
import type { Policy } from '../../functions/domain/policy/model.js';
import {
  type Revocation,
  revocationOf,
  revokedReason,
} from '../../functions/domain/revocations.js';

/** What `explain` reports: the decision, and the rule that made it or why none did. */
export interface Explanation {
  readonly principal: string;
  readonly kind: string;
  readonly decision: Decision['decision'];
  readonly rule?: string;
  readonly effect?: 'allow' | 'deny';
  readonly dbUser?: string;
  readonly dbGroups?: readonly string[];
  readonly target?: string;
  readonly database?: string;
  readonly durationSeconds?: number;
  readonly autoCreate?: boolean;
  readonly code?: string;
  readonly reason?: string;
}

/**
 * The caller an ARN names, as the functions see it: a state machine ARN as the Step Functions
 * task sees its caller, anything else as API Gateway's verified caller.
 */
export function principalOf(arn: string): Principal {
  const stateMachine = principalFromStateMachineArn(arn);
  return stateMachine.kind === 'state-machine' ? stateMachine : principalFromArn(arn);
}

/**
 * The decision for `principalArn` and `request`, as the function would make it: a state machine
 * ARN as the Step Functions task sees its caller, anything else as API Gateway's verified caller;
 * refused, as the functions refuse it, when one of `revocations` in force at `now` covers it.
 */
export function explain(
  policy: Policy,
  principalArn: string,
  request: unknown,
  revocations: readonly Revocation[] = [],
  now = new Date(),
): Explanation {
  const principal = principalOf(principalArn);
  const matched = policy.ruleFor(principal);
  const decision = decide(policy, principal, request);
  const base = {
    principal: principalArn,
    kind: principal.kind,
    decision: decision.decision,
    ...(matched && { rule: matched.name, effect: matched.effect }),
  };
  if (decision.decision === 'denied') {
    return { ...base, code: decision.code, reason: decision.reason };
  }
  const { grant } = decision;
  const revoked = revocationOf(revocations, principal, grant, now);
  if (revoked !== undefined) {
    return { ...base, decision: 'denied', code: 'AccessDenied', reason: revokedReason(revoked) };
  }
  return {
    ...base,
    dbUser: grant.dbUser,
    dbGroups: grant.dbGroups,
    target: grant.target.name,
    database: grant.database,
    durationSeconds: grant.durationSeconds,
    autoCreate: grant.autoCreate,
  };
}

/** The explanation for a reader. */
export function describeExplanation(explanation: Explanation): string {
  const rule = explanation.rule
    ? `rule ${explanation.rule} (${explanation.effect}) matches`
    : 'no rule matches: denied by default';
  const lines = [`principal ${explanation.principal} (${explanation.kind})`, rule];
  if (explanation.decision === 'issued') {
    lines.push(
      `ISSUED  db user ${explanation.dbUser}${explanation.autoCreate ? ' (created on first use)' : ''}`,
      `        groups ${explanation.dbGroups?.length ? explanation.dbGroups.join(', ') : '(none)'}`,
      `        target ${explanation.target}, database ${explanation.database}, ${explanation.durationSeconds} s`,
      '        (the target’s admin user, which only Redshift knows, would still be refused)',
    );
    if (/:assumed-role\/[^/]*AWSReservedSSO_/.test(explanation.principal)) {
      lines.push(
        '        (only for the IAM Identity Center role itself: the API refuses any role so named outside /aws-reserved/sso.amazonaws.com/)',
      );
    }
  } else {
    lines.push(`DENIED  ${explanation.code}: ${explanation.reason}`);
    // A role is never a caller itself: its sessions are, and a rule naming the role matches them.
    const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(explanation.principal);
    if (role) {
      lines.push(
        `        (a role never calls by its own ARN: its sessions do, as arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/SESSION; explain one of those)`,
      );
    }
  }
  return lines.join('\n');
}
