import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { authorize } from '#domain/authorize.js';
import { AccessDeniedError, InvalidRequestError } from '#domain/errors.js';
import { principalFromArn } from '#domain/identity.js';
import { parsePolicy } from '#domain/policy/text.js';
import type { CredentialsRequest } from '#functions/contract.js';

const policy = parsePolicy(
  stringify({
    version: 1,
    targets: {
      analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' },
      finance: {
        clusterIdentifier: 'finance',
        database: 'ledger',
        host: 'finance.internal',
        port: 5440,
      },
    },
    rules: [
      { name: 'intern', principals: ['arn:aws:iam::123456789012:role/etl-intern'], effect: 'deny' },
      {
        name: 'etl-roles',
        principals: ['arn:aws:iam::123456789012:role/etl-*'],
        targets: ['analytics'],
        dbUser: 'etl_${roleName}',
        dbGroups: ['etl_rw', 'etl_ro'],
        autoCreate: true,
        maxDurationSeconds: 1800,
      },
      {
        name: 'multi-target',
        principals: ['arn:aws:iam::123456789012:user/services/*'],
        targets: ['analytics', 'finance'],
        databases: ['exampledb', 'scratch', 'ledger'],
        dbUser: '${userName}',
      },
      {
        name: 'sso',
        principals: ['arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_*/*'],
        targets: ['analytics'],
        dbUser: '${sessionName}',
        trustSessionName: true,
        dbGroups: ['analysts'],
      },
      {
        name: 'role-for-users',
        principals: ['arn:aws:iam::123456789012:role/report-*'],
        targets: ['analytics'],
        dbUser: '${userName}',
      },
      { name: 'nobody-else', principals: ['*'], effect: 'deny' },
    ],
    protectedDbUsers: ['DbAdmin'],
  }),
  'policy.yaml',
);

const ETL = 'arn:aws:sts::123456789012:assumed-role/etl-Loader/run-1';
const SERVICE = 'arn:aws:iam::123456789012:user/services/billing';

const decide = (arn: string, request: CredentialsRequest = {}) =>
  authorize(policy, principalFromArn(arn), request);

/** The AccessDeniedError `act` throws. */
function denial(act: () => unknown): AccessDeniedError {
  try {
    act();
  } catch (error) {
    if (error instanceof AccessDeniedError) return error;
    throw error;
  }
  throw new Error('not denied');
}

describe('authorize', () => {
  it.each([
    ['a user the policy protects, whatever its case', 'dbadmin'],
    ['a Redshift system user', 'rdsdb'],
    ['a name starting with rdsdb', 'rdsdb_monitor'],
  ])('denies %s as a protected database user', (_, session) => {
    const error = denial(() =>
      decide(`arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_1/${session}`),
    );

    expect(error.reason).toBe('protected database user');
    expect(error.rule).toBe('sso');
  });

  it('grants the only target, its database, all groups and 900 s by default', () => {
    expect(decide(ETL)).toEqual({
      rule: 'etl-roles',
      target: {
        kind: 'cluster',
        name: 'analytics',
        clusterIdentifier: 'examplecluster',
        database: 'exampledb',
      },
      database: 'exampledb',
      dbUser: 'etl_etl-loader',
      dbGroups: ['etl_rw', 'etl_ro'],
      durationSeconds: 900,
      autoCreate: true,
    });
  });

  it('grants a requested subset of groups, an explicit empty list, and a duration up to the rule maximum', () => {
    expect(decide(ETL, { dbGroups: ['etl_ro'], durationSeconds: 1800 })).toMatchObject({
      dbGroups: ['etl_ro'],
      durationSeconds: 1800,
    });
    expect(decide(ETL, { dbGroups: [] }).dbGroups).toEqual([]);
  });

  it.each([1801, 99_999, 899, 0])(
    'refuses durationSeconds %i with the range this caller’s rule allows',
    (durationSeconds) => {
      expect(() => decide(ETL, { durationSeconds })).toThrow(
        new InvalidRequestError('durationSeconds must be between 900 and 1800'),
      );
    },
  );

  it('denies a group the rule does not grant', () => {
    const error = denial(() => decide(ETL, { dbGroups: ['etl_rw', 'admins'] }));

    expect(error.reason).toBe('group "admins" is not allowed');
    expect(error.rule).toBe('etl-roles');
  });

  it('denies a target the rule does not allow, with a message that does not name targets', () => {
    const error = denial(() => decide(ETL, { target: 'finance' }));

    expect(error.reason).toBe('target "finance" is not allowed');
    expect(error.message).not.toMatch(/finance|analytics|etl-roles/);
  });

  it('denies a target that does not exist exactly as one that is not allowed', () => {
    const unknown = denial(() => decide(ETL, { target: 'warehouse' }));
    const forbidden = denial(() => decide(ETL, { target: 'finance' }));

    expect(unknown.message).toBe(forbidden.message);
  });

  it('requires a target when the rule allows more than one', () => {
    expect(() => decide(SERVICE)).toThrow(InvalidRequestError);
    expect(decide(SERVICE, { target: 'finance' })).toMatchObject({
      target: { name: 'finance', host: 'finance.internal', port: 5440 },
      database: 'ledger',
      dbUser: 'billing',
      dbGroups: [],
      autoCreate: false,
    });
  });

  it('allows the databases the rule lists and no other', () => {
    expect(decide(SERVICE, { target: 'analytics', database: 'scratch' }).database).toBe('scratch');
    expect(denial(() => decide(SERVICE, { target: 'analytics', database: 'secrets' })).reason).toBe(
      'database "secrets" is not allowed',
    );
  });

  it("allows only the target's own database when the rule lists none", () => {
    expect(denial(() => decide(ETL, { database: 'scratch' })).reason).toBe(
      'database "scratch" is not allowed',
    );
  });

  it('lets an earlier deny rule win over a later allow rule', () => {
    const error = denial(() => decide('arn:aws:sts::123456789012:assumed-role/etl-intern/s1'));

    expect(error.rule).toBe('intern');
    expect(error.reason).toBe('a deny rule matches');
  });

  it('denies by the catch-all deny rule', () => {
    expect(denial(() => decide('arn:aws:iam::123456789012:user/alice')).rule).toBe('nobody-else');
  });

  it('denies when no rule matches at all', () => {
    const onlyEtl = parsePolicy(
      stringify({
        version: 1,
        targets: { a: { clusterIdentifier: 'c', database: 'd' } },
        rules: [
          { name: 'r', principals: ['arn:aws:iam::*:role/etl-*'], targets: ['a'], dbUser: 'u' },
        ],
      }),
      'p.yaml',
    );

    const error = denial(() =>
      authorize(onlyEtl, principalFromArn('arn:aws:iam::123456789012:user/alice'), {}),
    );

    expect(error.reason).toBe('no rule matches the principal');
    expect(error.rule).toBeUndefined();
  });

  it('lower-cases an Identity Center e-mail session name into the db user', () => {
    const arn =
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0a1b/Jane.Doe@Example.com';

    expect(decide(arn).dbUser).toBe('jane.doe@example.com');
  });

  it.each([
    ['admin:x', 'a session name with a colon'],
    ['1password', 'a session name starting with a digit'],
    ['user', 'a reserved word'],
    [`a${'b'.repeat(64)}`, 'a session name of 65 characters'],
  ])('denies a rendered db user "%s" (%s) instead of cleaning it up', (session) => {
    const arn = `arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0a1b/${session}`;
    const principal = principalFromArn(arn);

    const act = () => authorize(policy, principal, {});

    if (principal.kind === 'other') {
      // Not a session name AWS could have issued: no rule can match the caller at all.
      expect(denial(act).reason).toBe('no rule matches the principal');
    } else {
      expect(denial(act).reason).toMatch(/^rendered dbUser ".*" must/);
    }
  });

  it('denies a template variable the principal does not have', () => {
    const error = denial(() => decide('arn:aws:sts::123456789012:assumed-role/report-daily/s1'));

    expect(error.reason).toBe(
      'dbUser template needs ${userName}, which a assumed-role principal lacks',
    );
  });
});
