import { describe, expect, it } from 'vitest';
import { ungrantedTargets } from '#domain/policy/grants.js';
import { parsePolicy } from '#domain/policy/text.js';
import { policyText } from '#support/policy-documents.js';

describe('ungrantedTargets', () => {
  const policy = parsePolicy(
    policyText([], {
      analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' },
      lake: { workgroupName: 'lake-wg', database: 'dev' },
      finance: {
        clusterIdentifier: 'finance-dwh',
        database: 'finance',
        roleArn: 'arn:aws:iam::210987654321:role/vendor-access',
      },
    }),
    'p.yaml',
  );

  it('names each target whose cluster, workgroup or role the deployment does not grant', () => {
    const problems = ungrantedTargets(policy, {
      clusters: new Set(['prod-dwh']),
      workgroups: new Set(),
      roles: new Set(['arn:aws:iam::210987654321:role/other']),
    });

    expect(problems.map((problem) => problem.field)).toEqual([
      'targets.analytics.clusterIdentifier',
      'targets.lake.workgroupName',
      'targets.finance.roleArn',
    ]);
  });

  it('finds nothing when everything is granted, or when the deployment says nothing', () => {
    const granted = {
      clusters: new Set(['examplecluster']),
      workgroups: new Set(['lake-wg']),
      roles: new Set(['arn:aws:iam::210987654321:role/vendor-access']),
    };

    expect(ungrantedTargets(policy, granted)).toEqual([]);
    expect(ungrantedTargets(policy, {})).toEqual([]);
  });
});
