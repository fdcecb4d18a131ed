import { describe, expect, it } from 'vitest';
import { parsePolicy } from '#domain/policy/text.js';
import { ETL_RULE, policyErrorOf, policyText, TARGETS } from '#support/policy-documents.js';

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
