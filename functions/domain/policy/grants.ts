import type { PolicyProblem } from '../errors.js';
import type { Target } from '../targets.js';
import type { Policy } from './model.js';

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
    const [field, name, granted, parameter] = grantFor(target, grants);
    if (granted === undefined || granted.has(name)) continue;
    problems.push({
      field: `targets.${target.name}.${field}`,
      problem: `"${name}" is not one the deployment grants (${parameter}: ${[...granted].join(', ') || 'none'})`,
    });
  }
  return problems;
}

/** The target's field, its value, and the deployment parameter that must grant it. */
function grantFor(
  target: Target,
  grants: Grants,
): readonly [
  field: string,
  name: string,
  granted: ReadonlySet<string> | undefined,
  parameter: string,
] {
  switch (target.kind) {
    case 'cluster':
      return [
        'clusterIdentifier',
        target.clusterIdentifier,
        grants.clusters,
        'RedshiftClusterIdentifiers',
      ];
    case 'workgroup':
      return [
        'workgroupName',
        target.workgroupName,
        grants.workgroups,
        'RedshiftServerlessWorkgroups',
      ];
  }
}
