import { describe, expect, it } from 'vitest';
import { parsePolicy } from '#domain/policy/text.js';
import {
  ETL_RULE,
  policyErrorOf,
  policyText,
  ruleFor,
  TARGETS,
  usedTargetsText,
} from '#support/policy-documents.js';

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

describe('parsePolicy protected users', () => {
  it('rejects a protected user that is no valid db user name', () => {
    const error = policyErrorOf(
      usedTargetsText([ETL_RULE], TARGETS, { protectedDbUsers: ['9admin'] }),
    );

    expect(error.problems).toEqual([
      { field: 'protectedDbUsers[0]', problem: expect.stringMatching(/starting with a letter/) },
    ]);
  });
});
