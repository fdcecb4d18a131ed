import { decide } from '../../functions/domain/decide.js';
import type { AllowRule, Policy } from '../../functions/domain/policy/model.js';
import type { Target } from '../../functions/domain/targets.js';
import { principalOf } from './explain.js';

/**
 * What one version of the policy gives one caller for one request, over every target it could
 * name: the decision the functions make (the same `decide`) for the request as given, or, when
 * the request names no target, for it with each target in turn.
 */
export interface Access {
  readonly decision: 'issued' | 'denied';
  /** The rule that decided, when one did. */
  readonly rule?: string;
  readonly dbUser?: string;
  readonly dbGroups?: readonly string[];
  /** Each target issued, with the databases the caller may ask for and where it is. */
  readonly targets?: Readonly<Record<string, TargetAccess>>;
  /** The longest credential the caller may ask for (or the duration the request names). */
  readonly maxDurationSeconds?: number;
  readonly autoCreate?: boolean;
  readonly code?: string;
  readonly reason?: string;
}

export interface TargetAccess {
  readonly databases: readonly string[];
  /** The cluster or workgroup, and where: `cluster examplecluster` or `workgroup lake-wg in …`. */
  readonly at: string;
}

/** The request fields that narrow what is issued; a request is a JSON object or nothing. */
type Request = Readonly<Record<string, unknown>>;

/** Where a target sends a login, as a reviewer reads it. */
export function targetPlace(target: Target): string {
  const name =
    target.kind === 'cluster'
      ? `cluster ${target.clusterIdentifier}`
      : `workgroup ${target.workgroupName}`;
  const where = [
    target.region && `in ${target.region}`,
    target.roleArn && `through ${target.roleArn}`,
    target.host && `at ${target.host}${target.port ? `:${target.port}` : ''}`,
  ].filter(Boolean);
  return [name, ...where].join(' ');
}

/** The targets and databases either version names: what a request naming none may ask for. */
export interface Names {
  readonly targets: readonly string[];
  readonly databases: readonly string[];
}

/** The request as given, or, for each of target and database it leaves out, with each in turn. */
function expanded(asked: Request, names: Names): Request[] {
  const targets =
    'target' in asked || names.targets.length === 0
      ? [{}]
      : names.targets.map((target) => ({ target }));
  const databases =
    'database' in asked || names.databases.length === 0
      ? [{}]
      : names.databases.map((database) => ({ database }));
  return targets.flatMap((target) =>
    databases.map((database) => ({ ...asked, ...target, ...database })),
  );
}

/**
 * The access `policy` gives the caller `arn` for `request` (default: none, so every target and
 * database, all the rule's groups and its longest duration).
 */
export function accessOf(
  policy: Policy,
  arn: string,
  request: Request | undefined,
  names: Names,
): Access {
  const principal = principalOf(arn);
  const asked = request ?? {};
  const requests = expanded(asked, names);
  const decisions = requests.map((each) => decide(policy, principal, each));
  const grants = decisions.flatMap((decision) =>
    decision.decision === 'issued' ? [decision.grant] : [],
  );
  const [first] = grants;
  if (first === undefined) {
    // The refusal for a target the rule names says why; the others only that it names them not.
    const matched = policy.ruleFor(principal);
    const denial =
      decisions.find(
        (_, i) => matched?.effect === 'allow' && matched.targets.has(String(requests[i]?.target)),
      ) ?? decisions[0];
    if (denial === undefined || denial.decision === 'issued') return { decision: 'denied' };
    return {
      decision: 'denied',
      ...(matched !== undefined && { rule: matched.name }),
      code: denial.code,
      reason: denial.reason,
    };
  }
  const rule = policy.rules.find(
    (each): each is AllowRule => each.name === first.rule && each.effect === 'allow',
  );
  const targets: Record<string, TargetAccess> = {};
  for (const grant of grants) {
    const databases = targets[grant.target.name]?.databases ?? [];
    targets[grant.target.name] = {
      databases: [...new Set([...databases, grant.database])].sort(),
      at: targetPlace(grant.target),
    };
  }
  return {
    decision: 'issued',
    rule: first.rule,
    dbUser: first.dbUser,
    dbGroups: [...first.dbGroups].sort(),
    targets,
    maxDurationSeconds:
      typeof asked.durationSeconds === 'number'
        ? first.durationSeconds
        : (rule?.maxDurationSeconds ?? first.durationSeconds),
    autoCreate: first.autoCreate,
  };
}
