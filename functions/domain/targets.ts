import type { PolicyProblem } from './errors.js';
import { clusterIdentifierProblem, nameProblem } from './names.js';

/**
 * A target as the policy document defines it: exactly one of `clusterIdentifier` and
 * `workgroupName`, in the vendor's own account and region unless `region` and `roleArn` (with
 * `externalId`) send it elsewhere.
 */
export interface TargetDefinition {
  readonly name: string;
  readonly clusterIdentifier?: string;
  readonly workgroupName?: string;
  readonly database: string;
  readonly host?: string;
  readonly port?: number;
  readonly region?: string;
  readonly roleArn?: string;
  readonly externalId?: string;
}

/** A provisioned cluster. */
export interface ClusterTarget extends TargetDefinition {
  readonly kind: 'cluster';
  readonly clusterIdentifier: string;
  readonly workgroupName?: never;
}

/** A Redshift Serverless workgroup. */
export interface WorkgroupTarget extends TargetDefinition {
  readonly kind: 'workgroup';
  readonly workgroupName: string;
  readonly clusterIdentifier?: never;
}

/**
 * A named Redshift destination callers may ask for, of one kind. Each place that treats the
 * kinds differently switches on `kind` with a case for each, so the compiler lists every place a
 * new kind must be handled.
 */
export type Target = ClusterTarget | WorkgroupTarget;

/** The target a valid definition describes (its problems are `targetProblems`'). */
export function targetOf(definition: TargetDefinition): Target {
  const { clusterIdentifier, workgroupName, ...common } = definition;
  return workgroupName !== undefined
    ? { ...common, kind: 'workgroup', workgroupName }
    : { ...common, kind: 'cluster', clusterIdentifier: clusterIdentifier ?? '' };
}

/**
 * The ClusterIdentifier GetClusterCredentials takes for a target: a Serverless workgroup is
 * named `redshift-serverless-<workgroupName>`, Redshift's documented way to choose the database
 * user and groups on Serverless.
 */
export function issuingClusterIdentifier(target: Target): string {
  switch (target.kind) {
    case 'cluster':
      return target.clusterIdentifier;
    case 'workgroup':
      return `redshift-serverless-${target.workgroupName}`;
  }
}

/** The target's own name for where it lives, as the answer and the messages name it. */
export function targetLocation(
  target: Target,
): { readonly clusterIdentifier: string } | { readonly workgroupName: string } {
  switch (target.kind) {
    case 'cluster':
      return { clusterIdentifier: target.clusterIdentifier };
    case 'workgroup':
      return { workgroupName: target.workgroupName };
  }
}

const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const WORKGROUP_NAME = /^[a-z0-9-]{3,64}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
const ROLE_ARN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\x21-\x7e]+\/)*[\w+=,.@-]{1,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** Every problem of one target's definition, each with its field. */
export function targetProblems(target: TargetDefinition): PolicyProblem[] {
  const field = `targets.${target.name}`;
  const problems: PolicyProblem[] = [];
  const check = (name: string, problem: string | undefined) => {
    if (problem) problems.push({ field: name ? `${field}.${name}` : field, problem });
  };
  check(
    '',
    TARGET_NAME.test(target.name)
      ? undefined
      : 'a target name is 1 to 64 letters, digits and _ . -',
  );
  const { clusterIdentifier, workgroupName } = target;
  if (clusterIdentifier !== undefined && workgroupName !== undefined) {
    check('', 'names both clusterIdentifier and workgroupName: a target is one or the other');
  } else if (clusterIdentifier === undefined && workgroupName === undefined) {
    check('', 'needs clusterIdentifier (a provisioned cluster) or workgroupName (Serverless)');
  }
  if (clusterIdentifier !== undefined) {
    check('clusterIdentifier', clusterIdentifierProblem(clusterIdentifier));
  }
  if (workgroupName !== undefined && !WORKGROUP_NAME.test(workgroupName)) {
    check('workgroupName', 'must be 3 to 64 lower-case letters, digits or hyphens');
  }
  // A missing database is reported where the document is read.
  if (target.database !== undefined) check('database', nameProblem('database', target.database));
  if (target.region !== undefined && !REGION.test(target.region)) {
    check('region', 'must be an AWS region name such as eu-west-1');
  }
  if (target.roleArn !== undefined && !ROLE_ARN.test(target.roleArn)) {
    check('roleArn', 'must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)');
  }
  if (target.externalId !== undefined) {
    if (!EXTERNAL_ID.test(target.externalId)) {
      check('externalId', 'must be 2 to 1224 letters, digits and _ + = , . @ : / -');
    }
    if (target.roleArn === undefined) check('externalId', 'is only used with roleArn');
  }
  return problems;
}
