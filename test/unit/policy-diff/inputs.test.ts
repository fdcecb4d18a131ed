import { describe, expect, it } from 'vitest';
import { defaultHead, readPrincipals, readSource } from '#scripts/policy/diff-inputs.js';

// What `policy diff --principals` reads, and which HEAD a BASE alone implies.

describe('readPrincipals', () => {
  it('reads one ARN a line, skipping blank lines and comments, a role as one of its sessions', () => {
    const text = [
      '# services that log in',
      'arn:aws:iam::123456789012:user/services/reporting-daily',
      '',
      'arn:aws:iam::123456789012:role/etl-loader   # the nightly load',
      'arn:aws:sts::123456789012:assumed-role/etl-loader/run-1',
    ].join('\n');

    expect(readPrincipals(text, 'principals.txt')).toEqual([
      'arn:aws:iam::123456789012:user/services/reporting-daily',
      'arn:aws:sts::123456789012:assumed-role/etl-loader/example-session',
      'arn:aws:sts::123456789012:assumed-role/etl-loader/run-1',
    ]);
  });

  it('reads aws iam list-users JSON', () => {
    const users = {
      Users: [
        {
          Path: '/services/',
          UserName: 'reporting-daily',
          Arn: 'arn:aws:iam::123456789012:user/services/reporting-daily',
        },
        { Path: '/', UserName: 'alice', Arn: 'arn:aws:iam::123456789012:user/alice' },
      ],
    };

    expect(readPrincipals(JSON.stringify(users), 'users.json')).toEqual([
      'arn:aws:iam::123456789012:user/services/reporting-daily',
      'arn:aws:iam::123456789012:user/alice',
    ]);
  });

  it('names an IAM Identity Center role’s session after a user, as Identity Center does', () => {
    const roles = {
      Roles: [
        {
          Path: '/aws-reserved/sso.amazonaws.com/eu-west-1/',
          RoleName: 'AWSReservedSSO_Analyst_0a1b2c',
          Arn: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Analyst_0a1b2c',
        },
      ],
    };

    expect(readPrincipals(JSON.stringify(roles), 'roles.json')).toEqual([
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0a1b2c/someone@example.com',
    ]);
  });

  it('refuses JSON it cannot read, saying what it expects', () => {
    expect(() => readPrincipals('{"Roles": ', 'roles.json')).toThrow(
      'roles.json: not JSON, and not one ARN a line',
    );
  });
});

describe('readSource', () => {
  it('never hands git an option for a version', () => {
    expect(() => readSource('--output=/tmp/written-by-git:x')).toThrow(
      'no such file: --output=/tmp/written-by-git:x',
    );
  });
});

describe('defaultHead', () => {
  it('is the working file at the path a git BASE names, else the fallback', () => {
    expect(defaultHead('main:layers/p/policy.yaml', 'fallback.yaml')).toBe('layers/p/policy.yaml');
    expect(defaultHead('origin/main:./policy.yaml', 'fallback.yaml')).toBe('policy.yaml');
    expect(defaultHead('old/policy.yaml', 'fallback.yaml')).toBe('fallback.yaml');
  });
});
