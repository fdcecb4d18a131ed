import { stringify } from 'yaml';
import { PolicyError } from '#domain/errors.js';
import { principalFromArn } from '#domain/identity.js';
import type { Policy } from '#domain/policy/model.js';
import { parsePolicy } from '#domain/policy/text.js';

/** Policy documents for the policy's tests: two provisioned targets and an ETL rule. */
export const TARGETS = {
  analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' },
  finance: { clusterIdentifier: 'finance-cluster', database: 'ledger' },
};

export const ONE_TARGET = { analytics: TARGETS.analytics };

export const ETL_RULE = {
  name: 'etl-roles',
  principals: ['arn:aws:iam::123456789012:role/etl-*'],
  targets: ['analytics'],
  dbUser: 'etl_${roleName}',
  dbGroups: ['etl_rw'],
};

export const policyText = (rules: unknown[], targets: unknown = TARGETS, extra: object = {}) =>
  stringify({ version: 1, targets, rules, ...extra });

/** The PolicyError that parsing `text` throws. */
export function policyErrorOf(text: string): PolicyError {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('the policy loaded');
}

export const ruleFor = (policy: Policy, arn: string) => policy.ruleFor(principalFromArn(arn))?.name;

/** One target, which the rules name: for tests whose warnings are about rules, not targets. */
export const usedTargetsText = (
  rules: unknown[],
  targets: unknown = ONE_TARGET,
  extra: object = {},
) => policyText(rules, targets, extra);
