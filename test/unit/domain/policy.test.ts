import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { PolicyError } from '#domain/errors.js';
import { principalFromArn } from '#domain/identity.js';
import { type Policy, reviewPolicyDocument, ungrantedTargets } from '#domain/policy.js';
import { parsePolicy, reviewPolicy } from '#domain/policy-text.js';
import { exactWarnings } from '#domain/rule-reach.js';

const TARGETS = {
  analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' },
  finance: { clusterIdentifier: 'finance-cluster', database: 'ledger' },
};

const ONE_TARGET = { analytics: TARGETS.analytics };

const ETL_RULE = {
  name: 'etl-roles',
  principals: ['arn:aws:iam::123456789012:role/etl-*'],
  targets: ['analytics'],
  dbUser: 'etl_${roleName}',
  dbGroups: ['etl_rw'],
};

const policyText = (rules: unknown[], targets: unknown = TARGETS, extra: object = {}) =>
  stringify({ version: 1, targets, rules, ...extra });

/** The PolicyError that parsing `text` throws. */
function policyErrorOf(text: string): PolicyError {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('the policy loaded');
}

const ruleFor = (policy: Policy, arn: string) => policy.ruleFor(principalFromArn(arn))?.name;

describe('parsePolicy load errors', () => {
  it.each([
    ['text that is not YAML', 'version: 1\ntargets: [\n', '(yaml line 3)', /.+/],
    [
      'a duplicated key',
      'version: 1\nversion: 1\ntargets: {}\nrules: []\n',
      '(yaml line 2)',
      /duplicated mapping key/,
    ],
    ['an empty file', '', '(yaml)', /empty/],
    ['a document that is not a mapping', '- 1\n- 2\n', '(document)', /object/],
    ['version 2', policyText([], TARGETS, { version: 2 }), 'version', /1/],
    [
      'an unknown top-level key',
      policyText([], TARGETS, { defaults: {} }),
      '(document)',
      /defaults/,
    ],
    [
      'an unknown target key',
      policyText([], { a: { ...TARGETS.analytics, iamRole: 'x' } }),
      'targets.a',
      /iamRole/,
    ],
    [
      'a target port out of range',
      policyText([], { a: { ...TARGETS.analytics, port: 70000 } }),
      'targets.a.port',
      /65535/,
    ],
    [
      'a target without database',
      policyText([], { a: { clusterIdentifier: 'c' } }),
      'targets.a.database',
      /string/,
    ],
  ])('rejects %s', (_, text, field, problem) => {
    const error = policyErrorOf(text);

    expect(error.problems[0]?.field).toBe(field);
    expect(error.problems[0]?.problem).toMatch(problem);
  });

  it.each([
    ['an unknown key', { ...ETL_RULE, autocreate: true }, 'rules[0]', /autocreate/],
    ['no principals', { ...ETL_RULE, principals: [] }, 'rules[0].principals', /1/],
    [
      'maxDurationSeconds below 900',
      { ...ETL_RULE, maxDurationSeconds: 899 },
      'rules[0].maxDurationSeconds',
      /900/,
    ],
    [
      'maxDurationSeconds above 3600',
      { ...ETL_RULE, maxDurationSeconds: 3601 },
      'rules[0].maxDurationSeconds',
      /3600/,
    ],
    [
      'a fractional maxDurationSeconds',
      { ...ETL_RULE, maxDurationSeconds: 1000.5 },
      'rules[0].maxDurationSeconds',
      /int/i,
    ],
    ['an unknown effect', { ...ETL_RULE, effect: 'maybe' }, 'rules[0].effect', /allow/],
    [
      'a principal that is not an ARN pattern',
      { ...ETL_RULE, principals: ['etl-*'] },
      'rules[0].principals[0]',
      /six colon-separated/,
    ],
    [
      'a role named with its path',
      { ...ETL_RULE, principals: ['arn:aws:iam::123456789012:role/service/etl'] },
      'rules[0].principals[0]',
      /without its path/,
    ],
    [
      'an allow rule without targets',
      { ...ETL_RULE, targets: undefined },
      'rules[0].targets',
      /must name its targets/,
    ],
    [
      'an unknown target',
      { ...ETL_RULE, targets: ['warehouse'] },
      'rules[0].targets[0]',
      /no target named "warehouse"/,
    ],
    [
      'an allow rule without dbUser',
      { ...ETL_RULE, dbUser: undefined },
      'rules[0].dbUser',
      /dbUser template/,
    ],
    [
      'an unknown template variable',
      { ...ETL_RULE, dbUser: 'etl_${role}' },
      'rules[0].dbUser',
      /unknown variable \$\{role\}/,
    ],
    [
      'a stray $ in the template',
      { ...ETL_RULE, dbUser: 'etl_$roleName' },
      'rules[0].dbUser',
      /"\$" must start/,
    ],
    [
      'a template whose fixed text breaks the name rule',
      { ...ETL_RULE, dbUser: '9etl_${roleName}' },
      'rules[0].dbUser',
      /starting with a letter/,
    ],
    [
      'a template that is a reserved word',
      { ...ETL_RULE, dbUser: 'USER' },
      'rules[0].dbUser',
      /reserved name USER/,
    ],
    [
      '${sessionName} without trustSessionName',
      { ...ETL_RULE, dbUser: '${sessionName}' },
      'rules[0].dbUser',
      /trustSessionName/,
    ],
    [
      '${sessionName} with trustSessionName: false',
      { ...ETL_RULE, dbUser: '${sessionName}', trustSessionName: false },
      'rules[0].dbUser',
      /trustSessionName/,
    ],
    [
      'an upper-case group',
      { ...ETL_RULE, dbGroups: ['ETL_RW'] },
      'rules[0].dbGroups[0]',
      /lower-case/,
    ],
    [
      'a reserved group name',
      { ...ETL_RULE, dbGroups: ['group'] },
      'rules[0].dbGroups[0]',
      /reserved name GROUP/,
    ],
    [
      'a repeated group',
      { ...ETL_RULE, dbGroups: ['etl_rw', 'etl_rw'] },
      'rules[0].dbGroups[1]',
      /listed twice/,
    ],
    [
      'an invalid database',
      { ...ETL_RULE, databases: ['my db'] },
      'rules[0].databases[0]',
      /1 to 64/,
    ],
    [
      'a deny rule with targets',
      { name: 'deny', principals: ['*'], effect: 'deny', targets: ['analytics'] },
      'rules[0].targets',
      /only name, principals and effect/,
    ],
  ])('rejects a rule with %s, naming the rule and field', (_, rule, field, problem) => {
    const error = policyErrorOf(policyText([rule]));

    expect(error.problems).toContainEqual({
      field,
      rule: expect.stringMatching(/^#0/),
      problem: expect.stringMatching(problem),
    });
  });

  it.each([
    [
      'an invalid cluster identifier',
      { clusterIdentifier: 'Example_Cluster', database: 'exampledb' },
      'targets.bad.clusterIdentifier',
    ],
    [
      'an invalid database',
      { clusterIdentifier: 'examplecluster', database: '1db' },
      'targets.bad.database',
    ],
    [
      'a reserved database name',
      { clusterIdentifier: 'examplecluster', database: 'table' },
      'targets.bad.database',
    ],
  ])('rejects a target with %s', (_, target, field) => {
    const error = policyErrorOf(policyText([], { bad: target }));

    expect(error.problems.map((problem) => problem.field)).toEqual([field]);
  });

  it('rejects two rules with the same name', () => {
    const error = policyErrorOf(policyText([ETL_RULE, { ...ETL_RULE }]));

    expect(error.problems).toEqual([
      { field: 'rules[1].name', rule: '#1 etl-roles', problem: 'duplicate rule name "etl-roles"' },
    ]);
  });

  it('reports every problem, not only the first', () => {
    const error = policyErrorOf(
      policyText([
        { ...ETL_RULE, dbGroups: ['BAD'] },
        { ...ETL_RULE, name: 'b', targets: ['nowhere'] },
      ]),
    );

    expect(error.problems.map((problem) => problem.field)).toEqual([
      'rules[0].dbGroups[0]',
      'rules[1].targets[0]',
    ]);
  });

  it('accepts ${stateMachineName} in a template', () => {
    const policy = parsePolicy(
      policyText([{ ...ETL_RULE, dbUser: 'wf_${stateMachineName}' }]),
      'policy.yaml',
    );

    expect(policy.rules[0]).toMatchObject({ name: 'etl-roles', effect: 'allow' });
  });

  it.each(['plaintext', 'encrypted'])(
    'refuses taskOutput (here %s), saying why a task result never carries the password',
    (taskOutput) => {
      const error = policyErrorOf(policyText([{ ...ETL_RULE, taskOutput }]));

      expect(error.problems).toEqual([
        {
          field: 'rules[0].taskOutput',
          rule: '#0 etl-roles',
          problem: expect.stringMatching(
            /^is no longer supported: the task always returns the password KMS-encrypted .* readable by anyone who may read the execution history or invoke the task/,
          ),
        },
      ]);
    },
  );

  it('never puts the problems in the message a caller sees', () => {
    const error = policyErrorOf(policyText([{ ...ETL_RULE, dbGroups: ['BAD'] }]));

    expect(error.message).not.toMatch(/BAD|rules\[0\]|policy\.yaml/);
    expect(error).toMatchObject({
      file: 'policy.yaml',
      problems: [{ field: 'rules[0].dbGroups[0]', rule: '#0 etl-roles' }],
    });
  });
});

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

describe('parsePolicy warnings', () => {
  // One target, which the rules name: the warnings below are about rules, not unused targets.
  const usedTargetsText = (rules: unknown[], targets: unknown = ONE_TARGET, extra: object = {}) =>
    policyText(rules, targets, extra);

  it('warns about a target no rule names', () => {
    expect(parsePolicy(policyText([ETL_RULE]), 'p.yaml').warnings).toEqual([
      'targets.finance is named by no rule: nobody can be issued it',
    ]);
  });

  it('warns that a policy without rules denies everything', () => {
    expect(parsePolicy(usedTargetsText([]), 'p.yaml').warnings).toEqual([
      'no rules: every request is denied',
    ]);
  });

  it('warns that rules after a "*" rule are never reached', () => {
    const policy = parsePolicy(
      usedTargetsText([{ name: 'everyone', principals: ['*'], effect: 'deny' }, ETL_RULE]),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([
      'rules[1] (etl-roles) is never reached: rules[0] (everyone) already matches every principal it names',
    ]);
  });

  it('warns that a broad role allow hides a narrower deny after it, naming both rules', () => {
    const policy = parsePolicy(
      usedTargetsText([
        {
          name: 'all-roles',
          principals: ['arn:aws:iam::123456789012:role/*'],
          targets: ['analytics'],
          dbUser: 'r_${roleName}',
        },
        {
          name: 'no-contractors',
          principals: ['arn:aws:iam::123456789012:role/contractor-*'],
          effect: 'deny',
        },
      ]),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([
      'rules[1] (no-contractors) is never reached: rules[0] (all-roles) already matches every principal it names',
    ]);
  });

  it('warns about a session pattern whose role an earlier rule already names', () => {
    const policy = parsePolicy(
      usedTargetsText([
        { ...ETL_RULE, name: 'etl', principals: ['arn:aws:iam::123456789012:role/etl-*'] },
        {
          name: 'etl-night-sessions',
          principals: ['arn:aws:sts::123456789012:assumed-role/etl-loader/night-*'],
          effect: 'deny',
        },
      ]),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([
      expect.stringMatching(
        /^rules\[1\] \(etl-night-sessions\) is never reached: rules\[0\] \(etl\)/,
      ),
    ]);
  });

  it.each([
    [
      'a narrower pattern first',
      'arn:aws:iam::123456789012:role/etl-*',
      'arn:aws:iam::123456789012:role/*',
    ],
    ['another account', 'arn:aws:iam::210987654321:role/*', 'arn:aws:iam::123456789012:role/etl-a'],
    [
      'the account root after a wildcard',
      'arn:aws:iam::123456789012:*',
      'arn:aws:iam::123456789012:root',
    ],
  ])('does not warn for %s', (_, first, second) => {
    const policy = parsePolicy(
      usedTargetsText(
        [
          { name: 'first', principals: [first], effect: 'deny' },
          { name: 'second', principals: [second], effect: 'deny' },
        ],
        {},
      ),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([]);
  });

  it('warns only when every pattern of the later rule is covered', () => {
    const policy = parsePolicy(
      usedTargetsText(
        [
          { name: 'first', principals: ['arn:aws:iam::123456789012:role/etl-*'], effect: 'deny' },
          {
            name: 'second',
            principals: [
              'arn:aws:iam::123456789012:role/etl-a',
              'arn:aws:iam::123456789012:user/x',
            ],
            effect: 'deny',
          },
        ],
        {},
      ),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([]);
  });

  it('warns that a template can render another rule’s fixed db user, naming a principal of each', () => {
    const policy = parsePolicy(
      usedTargetsText([
        {
          ...ETL_RULE,
          principals: ['arn:aws:iam::123456789012:role/*'],
          dbUser: 'etl_${roleName}',
        },
        {
          name: 'etl-admin',
          principals: ['arn:aws:iam::123456789012:user/etl-admin'],
          targets: ['analytics'],
          dbUser: 'etl_admin',
        },
      ]),
      'p.yaml',
      exactWarnings,
    );

    expect(policy.warnings).toEqual([
      'rules[0] (etl-roles) and rules[1] (etl-admin) can both issue db user "etl_admin" on cluster examplecluster, to different principals: arn:aws:sts::123456789012:assumed-role/admin/aa (by rules[0] (etl-roles)) and arn:aws:iam::123456789012:user/etl-admin (by rules[1] (etl-admin))',
    ]);
  });

  it('says nothing of a template that only looks as if it could render another rule’s user', () => {
    // etl-* roles render etl_etl-…, never etl_admin.
    const policy = parsePolicy(
      usedTargetsText([
        { ...ETL_RULE, dbUser: 'etl_${roleName}' },
        {
          name: 'etl-admin',
          principals: ['arn:aws:iam::123456789012:user/etl-admin'],
          targets: ['analytics'],
          dbUser: 'etl_admin',
        },
      ]),
      'p.yaml',
      exactWarnings,
    );

    expect(policy.warnings).toEqual([]);
  });

  it('warns that a template can render a protected user', () => {
    const policy = parsePolicy(
      usedTargetsText(
        [
          {
            ...ETL_RULE,
            principals: ['arn:aws:iam::123456789012:role/etl-loader'],
            dbUser: '${sessionName}',
            trustSessionName: true,
          },
        ],
        ONE_TARGET,
        {
          protectedDbUsers: ['dbadmin'],
        },
      ),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([
      'rules[0] (etl-roles) dbUser "${sessionName}" can render the protected db user "dbadmin", "rdsdb" (always denied)',
    ]);
  });

  it('warns that a rule naming one role is never reached after a pattern covering that role', () => {
    const policy = parsePolicy(
      usedTargetsText([
        { ...ETL_RULE, name: 'all-etl' },
        { ...ETL_RULE, name: 'etl-loader', principals: ['arn:aws:iam::123456789012:role/etl-a'] },
      ]),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([
      'rules[1] (etl-loader) is never reached: rules[0] (all-etl) already matches every principal it names',
    ]);
  });

  it.each([
    ['a protected fixed user', 'dbadmin'],
    ['a fixed system user', 'rdsdb_loader'],
    ['a template that always renders a system user', 'rdsdb_${roleName}'],
  ])(
    'warns that the groups of a rule whose dbUser is %s can be needed by no request',
    (_, dbUser) => {
      const policy = parsePolicy(
        usedTargetsText([{ ...ETL_RULE, dbUser, dbGroups: ['etl_rw', 'etl_ro'] }], ONE_TARGET, {
          protectedDbUsers: ['dbadmin'],
        }),
        'p.yaml',
      );

      expect(policy.warnings).toContain(
        `rules[0] (etl-roles) dbGroups "etl_rw", "etl_ro" can be needed by no request: its dbUser "${dbUser}" is always a protected db user, so every request it matches is denied`,
      );
    },
  );

  it('does not call groups unneeded when some rendering of the dbUser is not protected', () => {
    const policy = parsePolicy(
      usedTargetsText([{ ...ETL_RULE, dbUser: 'rds${roleName}' }], ONE_TARGET),
      'p.yaml',
    );

    expect(policy.warnings.filter((warning) => /dbGroups/.test(warning))).toEqual([]);
  });

  it('rejects a protected user that is no valid db user name', () => {
    const error = policyErrorOf(
      usedTargetsText([ETL_RULE], TARGETS, { protectedDbUsers: ['9admin'] }),
    );

    expect(error.problems).toEqual([
      { field: 'protectedDbUsers[0]', problem: expect.stringMatching(/starting with a letter/) },
    ]);
  });

  it('does not warn about a final catch-all deny', () => {
    const policy = parsePolicy(
      usedTargetsText([ETL_RULE, { name: 'nobody-else', principals: ['*'], effect: 'deny' }]),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([]);
  });
});

describe('Policy.ruleFor', () => {
  const policy = parsePolicy(
    policyText([
      {
        name: 'deny-intern',
        principals: ['arn:aws:iam::123456789012:role/etl-intern'],
        effect: 'deny',
      },
      ETL_RULE,
      {
        name: 'break-glass',
        principals: ['arn:aws:iam::123456789012:root'],
        targets: ['analytics'],
        dbUser: 'admin_${accountId}',
      },
      {
        name: 'one-session',
        principals: ['arn:aws:sts::123456789012:assumed-role/support/ticket-7'],
        targets: ['analytics'],
        dbUser: 'support',
      },
      {
        name: 'all-users',
        principals: ['arn:aws:iam::123456789012:user/*'],
        targets: ['finance'],
        dbUser: '${userName}',
      },
    ]),
    'p.yaml',
  );

  it('lets the first matching rule decide', () => {
    expect(ruleFor(policy, 'arn:aws:sts::123456789012:assumed-role/etl-intern/s1')).toBe(
      'deny-intern',
    );
    expect(ruleFor(policy, 'arn:aws:sts::123456789012:assumed-role/etl-loader/s1')).toBe(
      'etl-roles',
    );
  });

  it('matches a rule naming one session ARN only for that session', () => {
    expect(ruleFor(policy, 'arn:aws:sts::123456789012:assumed-role/support/ticket-7')).toBe(
      'one-session',
    );
    expect(
      ruleFor(policy, 'arn:aws:sts::123456789012:assumed-role/support/ticket-8'),
    ).toBeUndefined();
  });

  it('matches an account root only by a rule naming it exactly', () => {
    expect(ruleFor(policy, 'arn:aws:iam::123456789012:root')).toBe('break-glass');
    expect(ruleFor(policy, 'arn:aws:iam::210987654321:root')).toBeUndefined();
  });

  it('never matches an "other" principal with a wildcard, not even "*"', () => {
    const catchAll = parsePolicy(
      policyText([{ name: 'all', principals: ['*'], targets: ['analytics'], dbUser: 'x' }]),
      'p.yaml',
    );

    expect(ruleFor(catchAll, 'arn:aws:sts::123456789012:federated-user/bob')).toBeUndefined();
    expect(ruleFor(catchAll, 'arn:aws:iam::123456789012:user/bob')).toBe('all');
  });

  it('finds no rule for a caller no pattern matches', () => {
    expect(ruleFor(policy, 'arn:aws:sts::210987654321:assumed-role/etl-loader/s1')).toBeUndefined();
  });
});

describe('reviewPolicyDocument on malformed documents', () => {
  // Names an object inherits, which a careless lookup would take for fields of the schema.
  const inherited = [...Object.getOwnPropertyNames(Object.prototype), '__proto__', 'prototype'];
  const known = ['version', 'targets', 'rules', 'protectedDbUsers', 'name', 'principals', 'effect'];
  const key = fc.oneof(fc.constantFrom(...inherited, ...known), fc.string({ maxLength: 6 }));
  /** JSON text of odd values: keys from Object.prototype, wrong types, nesting. */
  const { json } = fc.letrec<{ json: string }>((tie) => ({
    json: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('null', 'true', '1', '-1.5', '""', '"x"', '"*"', '[]', '{}'),
      fc.array(tie('json'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
      fc
        .array(fc.tuple(key, tie('json')), { maxLength: 4 })
        .map((entries) => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    ),
  }));
  /** A nearly valid policy with one generated value placed at a generated depth. */
  const nearlyValid = fc.tuple(key, json, fc.integer({ min: 0, max: 3 })).map(([k, v, where]) => {
    const at = [
      `{"version":1,"targets":{"a":{"clusterIdentifier":"c","database":"d"}},"rules":[],${JSON.stringify(k)}:${v}}`,
      `{"version":1,"targets":{"a":{"clusterIdentifier":"c","database":"d",${JSON.stringify(k)}:${v}}},"rules":[]}`,
      `{"version":1,"targets":{${JSON.stringify(k)}:${v}},"rules":[{"name":"r","principals":["*"],"effect":"deny"}]}`,
      `{"version":1,"targets":{"a":{"clusterIdentifier":"c","database":"d"}},"rules":[{"name":"r","principals":["*"],"targets":["a"],"dbUser":"u",${JSON.stringify(k)}:${v}}]}`,
    ];
    return at[where] ?? '';
  });

  it('reports every malformed document as problems and never throws, whatever its keys', () => {
    fc.assert(
      fc.property(fc.oneof(json, nearlyValid), (text) => {
        // JSON.parse keeps "__proto__" as an own key, as a policy.json or YAML mapping would.
        const review = reviewPolicyDocument(JSON.parse(text));
        const yaml = reviewPolicy(text, 'policy.yaml');

        expect(review.policy !== undefined || review.problems.length > 0).toBe(true);
        expect(yaml.policy !== undefined || yaml.problems.length > 0).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it.each([
    [
      'a target field',
      'targets:\n  a:\n    clusterIdentifier: c\n    database: d\n    constructor: x',
      'targets.a',
    ],
    [
      'a rule field',
      'targets: {}\nrules:\n  - name: r\n    principals: ["*"]\n    effect: deny\n    toString: 1',
      'rules[0]',
    ],
    ['a document field', '__proto__:\n  targets: {}\ntargets: {}\nrules: []', '(document)'],
  ])('names %s called after an Object.prototype member as an unknown field', (_, body, field) => {
    const review = reviewPolicy(`version: 1\n${body}\n`, 'policy.yaml');

    expect(review.problems).toContainEqual(
      expect.objectContaining({ field, problem: expect.stringMatching(/^unknown field /) }),
    );
  });
});
