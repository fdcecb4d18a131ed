import { describe, expect, it } from 'vitest';
import { principalFromStateMachineArn } from '#domain/execution.js';
import { principalFromArn } from '#domain/identity.js';

describe('principalFromArn', () => {
  it('parses an IAM user without a path', () => {
    const principal = principalFromArn('arn:aws:iam::123456789012:user/alice');

    expect(principal).toEqual({
      arn: 'arn:aws:iam::123456789012:user/alice',
      kind: 'iam-user',
      matchArns: ['arn:aws:iam::123456789012:user/alice'],
      variables: { accountId: '123456789012', userName: 'alice' },
    });
  });

  it('takes the user name after a multi-level path', () => {
    const principal = principalFromArn(
      'arn:aws:iam::123456789012:user/services/batch/reporting-daily',
    );

    expect(principal.kind).toBe('iam-user');
    expect(principal.variables).toEqual({ accountId: '123456789012', userName: 'reporting-daily' });
  });

  it('matches an assumed-role session both as the session and as its role', () => {
    const principal = principalFromArn('arn:aws:sts::123456789012:assumed-role/etl-loader/job-42');

    expect(principal.kind).toBe('assumed-role');
    expect(principal.matchArns).toEqual([
      'arn:aws:sts::123456789012:assumed-role/etl-loader/job-42',
      'arn:aws:iam::123456789012:role/etl-loader',
    ]);
    expect(principal.variables).toEqual({
      accountId: '123456789012',
      roleName: 'etl-loader',
      sessionName: 'job-42',
    });
  });

  it('keeps the e-mail session name of an IAM Identity Center role as it is', () => {
    const principal = principalFromArn(
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0123456789abcdef/Jane.Doe@example.com',
    );

    expect(principal.variables).toEqual({
      accountId: '123456789012',
      roleName: 'AWSReservedSSO_Analyst_0123456789abcdef',
      sessionName: 'Jane.Doe@example.com',
    });
  });

  it('keeps the partition of a GovCloud role in its role ARN', () => {
    const principal = principalFromArn('arn:aws-us-gov:sts::123456789012:assumed-role/etl/s1');

    expect(principal.matchArns).toContain('arn:aws-us-gov:iam::123456789012:role/etl');
  });

  it.each([
    ['the account root', 'arn:aws:iam::123456789012:root'],
    ['a federated user', 'arn:aws:sts::123456789012:federated-user/bob'],
    ['a role ARN (never a caller)', 'arn:aws:iam::123456789012:role/etl-loader'],
    ['a session name with a slash', 'arn:aws:sts::123456789012:assumed-role/etl/a/b'],
    ['a short account id', 'arn:aws:iam::12345:user/alice'],
    ['a user name with a space', 'arn:aws:iam::123456789012:user/al ice'],
    ['a user name over 64 characters', `arn:aws:iam::123456789012:user/${'a'.repeat(65)}`],
    ['text that is no ARN', 'alice'],
    ['an empty string', ''],
  ])('makes %s an "other" principal that no pattern can match', (_, arn) => {
    const principal = principalFromArn(arn);

    expect(principal.kind).toBe('other');
    expect(principal.matchArns).toEqual([]);
    expect(principal.variables.userName).toBeUndefined();
    expect(principal.variables.roleName).toBeUndefined();
  });

  it('gives an "other" principal no template variables', () => {
    expect(principalFromArn('arn:aws:iam::123456789012:root').variables).toEqual({});
  });
});

describe('principalFromStateMachineArn', () => {
  it('makes a state machine the principal, with its name as a variable', () => {
    const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:etl-nightly';

    expect(principalFromStateMachineArn(arn)).toEqual({
      arn,
      kind: 'state-machine',
      matchArns: [arn],
      variables: { accountId: '123456789012', stateMachineName: 'etl-nightly' },
    });
  });

  it('does not turn anything else into a state machine', () => {
    expect(
      principalFromStateMachineArn('arn:aws:states:eu-west-1:123456789012:execution:etl:run-1')
        .kind,
    ).toBe('other');
    expect(principalFromStateMachineArn('arn:aws:iam::123456789012:user/alice').kind).toBe(
      'iam-user',
    );
  });

  it('is never produced from an API caller ARN, even one naming a state machine', () => {
    expect(
      principalFromArn('arn:aws:states:eu-west-1:123456789012:stateMachine:etl-nightly').kind,
    ).toBe('other');
  });
});
