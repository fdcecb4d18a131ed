import { describe, expect, it } from 'vitest';
import { parsePolicy, reviewPolicy } from '#domain/policy/text.js';
import {
  ETL_RULE,
  ONE_TARGET,
  policyErrorOf,
  policyText,
  TARGETS,
} from '#support/policy-documents.js';

describe('reviewPolicy', () => {
  it('reports a bad group and a bad duration of one rule together, neither hiding the other', () => {
    const { problems } = reviewPolicy(
      policyText([{ ...ETL_RULE, dbGroups: ['Admins'], maxDurationSeconds: 7200 }]),
      'p.yaml',
    );

    expect(problems.map(({ field }) => field).sort()).toEqual([
      'rules[0].dbGroups[0]',
      'rules[0].maxDurationSeconds',
    ]);
  });

  it('reports a misspelt field as unknown, suggesting the field it probably meant', () => {
    const { problems } = reviewPolicy(
      policyText([], { a: { clusterIdentifer: 'c1', database: 'd' } }),
      'p.yaml',
    );

    expect(problems).toEqual([
      {
        field: 'targets.a',
        problem: 'unknown field clusterIdentifer (did you mean clusterIdentifier?)',
      },
      { field: 'targets.a', problem: expect.stringMatching(/needs clusterIdentifier/) },
    ]);
  });

  it('gives the warnings of what could be read even when there are problems', () => {
    const review = reviewPolicy(
      policyText(
        [
          { name: 'everyone', principals: ['*'], effect: 'deny' },
          { ...ETL_RULE, maxDurationSeconds: 60 },
        ],
        ONE_TARGET,
      ),
      'p.yaml',
    );

    expect(review.policy).toBeUndefined();
    expect(review.problems).toHaveLength(1);
    expect(review.warnings).toEqual([
      expect.stringMatching(/rules\[1\] \(etl-roles\) is never reached/),
    ]);
  });

  it('reports exactly what the cold-start load refuses with', () => {
    const text = policyText([{ ...ETL_RULE, dbGroups: ['Admins'], maxDurationSeconds: 7200 }]);

    expect(policyErrorOf(text).problems).toEqual(reviewPolicy(text, 'policy.yaml').problems);
  });
});

describe('parsePolicy targets', () => {
  const problemsOf = (targets: unknown) => policyErrorOf(policyText([], targets)).problems;

  it.each([
    ['a wildcard role name', 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO*/*'],
    ['a wildcard role', 'arn:aws:iam::123456789012:role/etl-*'],
    ['a role in any account', 'arn:aws:sts::*:assumed-role/etl-loader/*'],
    ['any assumed role', 'arn:aws:sts::123456789012:assumed-role/*'],
    ['any principal', '*'],
    ['a wildcard resource type', 'arn:aws:sts::123456789012:assumed-*'],
  ])('refuses a trustSessionName rule naming %s, with its rule and field', (_, pattern) => {
    const error = policyErrorOf(
      policyText([
        { ...ETL_RULE, principals: [pattern], dbUser: 'u_${sessionName}', trustSessionName: true },
      ]),
    );

    expect(error.problems).toEqual([
      {
        field: 'rules[0].principals[0]',
        rule: '#0 etl-roles',
        problem: expect.stringMatching(
          /^trustSessionName needs each role named without wildcards, its account too .* only IAM Identity Center roles \(AWSReservedSSO_…\) may use one$/,
        ),
      },
    ]);
  });

  it.each([
    'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_*/*',
    'arn:aws:sts::*:assumed-role/AWSReservedSSO_DBA_*/*',
    'arn:aws:iam::123456789012:role/etl-loader',
    'arn:aws:sts::123456789012:assumed-role/etl-loader/*',
  ])('accepts a trustSessionName rule naming %s', (pattern) => {
    const policy = parsePolicy(
      policyText([
        { ...ETL_RULE, principals: [pattern], dbUser: 'u_${sessionName}', trustSessionName: true },
      ]),
      'policy.yaml',
    );

    expect(policy.rules).toHaveLength(1);
  });

  it.each([
    'db.example.com/evil?sslmode=disable#',
    'user@db.example.com',
    'db.example.com:5439',
    'db example.com',
    '-db.example.com',
  ])('refuses a host that is no DNS name or IP address: %s', (host) => {
    const error = policyErrorOf(
      policyText([ETL_RULE], { analytics: { ...TARGETS.analytics, host } }),
    );

    expect(error.problems).toContainEqual(
      expect.objectContaining({
        field: 'targets.analytics.host',
        problem: 'must be a DNS name or an IP address',
      }),
    );
  });

  it.each(['db.internal.example.com', '10.0.12.7', 'fd00::7'])('accepts the host %s', (host) => {
    const policy = parsePolicy(
      policyText([ETL_RULE], { analytics: { ...TARGETS.analytics, host } }),
      'policy.yaml',
    );

    expect(policy.targets.get('analytics')?.host).toBe(host);
  });

  it('compiles a provisioned, a Serverless and a cross-account target', () => {
    const policy = parsePolicy(
      policyText([], {
        analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' },
        lake: { workgroupName: 'lake-wg', database: 'dev' },
        finance: {
          clusterIdentifier: 'finance-dwh',
          database: 'finance',
          region: 'eu-west-1',
          roleArn: 'arn:aws:iam::210987654321:role/redshift-credential-vendor-access',
          externalId: 'finance-2026',
        },
      }),
      'p.yaml',
    );

    expect([...policy.targets.values()]).toEqual([
      {
        kind: 'cluster',
        name: 'analytics',
        clusterIdentifier: 'examplecluster',
        database: 'exampledb',
      },
      { kind: 'workgroup', name: 'lake', workgroupName: 'lake-wg', database: 'dev' },
      {
        kind: 'cluster',
        name: 'finance',
        clusterIdentifier: 'finance-dwh',
        database: 'finance',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::210987654321:role/redshift-credential-vendor-access',
        externalId: 'finance-2026',
      },
    ]);
  });

  it.each([
    [
      'both a cluster and a workgroup',
      { clusterIdentifier: 'c1', workgroupName: 'wg1', database: 'd' },
      'targets.a',
      /one or the other/,
    ],
    [
      'neither a cluster nor a workgroup',
      { database: 'd' },
      'targets.a',
      /needs clusterIdentifier .* or workgroupName/,
    ],
    [
      'an upper-case workgroup',
      { workgroupName: 'Lake', database: 'd' },
      'targets.a.workgroupName',
      /3 to 64 lower-case/,
    ],
    [
      'a two-letter workgroup',
      { workgroupName: 'wg', database: 'd' },
      'targets.a.workgroupName',
      /3 to 64/,
    ],
    [
      'a region that is not one',
      { clusterIdentifier: 'c1', database: 'd', region: 'Europe' },
      'targets.a.region',
      /region name/,
    ],
    [
      'a role that is not a role ARN',
      { clusterIdentifier: 'c1', database: 'd', roleArn: 'arn:aws:iam::210987654321:user/x' },
      'targets.a.roleArn',
      /IAM role ARN/,
    ],
    [
      'an external id without a role',
      { clusterIdentifier: 'c1', database: 'd', externalId: 'abc' },
      'targets.a.externalId',
      /only used with roleArn/,
    ],
  ])('rejects a target with %s', (_, target, field, problem) => {
    expect(problemsOf({ a: target })).toEqual([{ field, problem: expect.stringMatching(problem) }]);
  });

  it('reports every problem of every target in one pass', () => {
    const problems = problemsOf({
      a: { workgroupName: 'Lake', database: 'd', region: 'mars-1' },
      b: { clusterIdentifier: 'c1', database: 'd', roleArn: 'role/x', externalId: 'x' },
    });

    expect(problems.map((problem) => problem.field)).toEqual([
      'targets.a.workgroupName',
      'targets.a.region',
      'targets.b.roleArn',
      'targets.b.externalId',
    ]);
  });
});
