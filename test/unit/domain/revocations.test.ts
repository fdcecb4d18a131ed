import { describe, expect, it } from 'vitest';
import type { Grant } from '#domain/authorize.js';
import { PolicyError } from '#domain/errors.js';
import { principalFromArn } from '#domain/identity.js';
import {
  parseRevocations,
  revocationFrom,
  revocationOf,
  revocationValue,
  revokedReason,
} from '#domain/revocations.js';
import type { Target } from '#domain/targets.js';
import { revocation } from '#support/fakes.js';

const ETL = principalFromArn('arn:aws:sts::123456789012:assumed-role/etl-loader/run-1');
const analytics: Target = {
  kind: 'cluster',
  name: 'analytics',
  clusterIdentifier: 'examplecluster',
  database: 'exampledb',
};
const grant: Grant = {
  rule: 'etl-roles',
  target: analytics,
  database: 'exampledb',
  dbUser: 'etl_etl-loader',
  dbGroups: ['etl_rw'],
  durationSeconds: 900,
  autoCreate: true,
};
const now = new Date('2026-12-05T10:00:00Z');
const value = (fields: Record<string, unknown>) =>
  JSON.stringify({
    reason: 'leaked',
    by: 'arn:aws:iam::123456789012:user/alice',
    at: now.toISOString(),
    ...fields,
  });

describe('parseRevocations', () => {
  it('reads each item’s JSON into a revocation keyed by its id', () => {
    const [one, two, three] = parseRevocations({
      a: value({ principal: '*' }),
      b: value({ dbUser: 'etl_etl-loader', target: 'analytics', until: '2026-12-05T12:00:00Z' }),
      c: value({ rule: 'etl-roles' }),
    });

    expect(one).toMatchObject({
      id: 'a',
      reason: 'leaked',
      scope: { kind: 'principal', principal: '*' },
    });
    expect(two).toMatchObject({
      id: 'b',
      until: new Date('2026-12-05T12:00:00Z'),
      scope: { kind: 'dbUser', dbUser: 'etl_etl-loader', target: 'analytics' },
    });
    expect(three?.scope).toEqual({ kind: 'rule', rule: 'etl-roles' });
  });

  it('writes back exactly the JSON it reads, for every scope', () => {
    const [one, two] = parseRevocations({
      a: value({
        dbUser: 'etl_etl-loader',
        target: 'analytics',
        until: '2026-12-05T12:00:00.000Z',
      }),
      b: value({ principal: 'arn:aws:iam::123456789012:role/etl-*' }),
    });

    for (const revocation of [one, two]) {
      if (revocation === undefined) throw new Error('not read');
      expect(revocationFrom(revocation.id, revocationValue(revocation))).toEqual(revocation);
    }
    expect(revocationValue(one ?? revocation('x', { kind: 'rule', rule: 'r' }))).toEqual(
      JSON.parse(
        value({ dbUser: 'etl_etl-loader', target: 'analytics', until: '2026-12-05T12:00:00.000Z' }),
      ),
    );
  });

  it('refuses a malformed item as a PolicyError naming it and what is wrong', () => {
    const read = () =>
      parseRevocations({
        good: value({ rule: 'etl-roles' }),
        'not-json': '{',
        'two-scopes': value({ rule: 'etl-roles', principal: '*' }),
        'bad-pattern': value({ principal: 'etl-loader' }),
        'stray-target': value({ rule: 'etl-roles', target: 'analytics' }),
        'no-reason': JSON.stringify({ by: 'x', at: now.toISOString(), principal: '*' }),
      });

    expect(read).toThrow(PolicyError);
    let problems: readonly { field: string; problem: string }[] = [];
    try {
      read();
    } catch (error) {
      problems = (error as PolicyError).problems;
    }
    expect(problems.map(({ field }) => field)).toEqual([
      'not-json',
      'two-scopes',
      'bad-pattern',
      'stray-target',
      'no-reason',
    ]);
    expect(problems.find(({ field }) => field === 'two-scopes')?.problem).toMatch(/exactly one/);
  });
});

describe('revocationOf', () => {
  const matches = (scope: Parameters<typeof revocation>[1], more = {}) =>
    revocationOf([revocation('r', scope, more)], ETL, grant, now) !== undefined;

  it('stops everyone with the kill switch', () => {
    expect(matches({ kind: 'principal', principal: '*' })).toBe(true);
    expect(
      revocationOf(
        [revocation('r', { kind: 'principal', principal: '*' })],
        principalFromArn('arn:aws:states:us-east-1:123456789012:stateMachine:etl'),
        grant,
        now,
      ),
    ).toBeDefined();
  });

  it('matches principals like a rule: a role pattern covers its sessions', () => {
    expect(matches({ kind: 'principal', principal: 'arn:aws:iam::123456789012:role/etl-*' })).toBe(
      true,
    );
    expect(matches({ kind: 'principal', principal: 'arn:aws:iam::123456789012:role/bi-*' })).toBe(
      false,
    );
  });

  it('matches a db user everywhere, or on the one target it names', () => {
    expect(matches({ kind: 'dbUser', dbUser: 'etl_etl-loader' })).toBe(true);
    expect(matches({ kind: 'dbUser', dbUser: 'etl_etl-loader', target: 'analytics' })).toBe(true);
    expect(matches({ kind: 'dbUser', dbUser: 'etl_etl-loader', target: 'lake' })).toBe(false);
    expect(matches({ kind: 'dbUser', dbUser: 'bi_reader' })).toBe(false);
  });

  it('matches a rule by name', () => {
    expect(matches({ kind: 'rule', rule: 'etl-roles' })).toBe(true);
    expect(matches({ kind: 'rule', rule: 'bi-roles' })).toBe(false);
  });

  it('ignores a revocation past its end, and applies one until then', () => {
    const kill = { kind: 'principal', principal: '*' } as const;
    expect(matches(kill, { until: new Date(now.getTime() - 1) })).toBe(false);
    expect(matches(kill, { until: new Date(now.getTime() + 1) })).toBe(true);
  });

  it('names the revocation in the audit reason', () => {
    expect(revokedReason(revocation('r-9', { kind: 'rule', rule: 'x' }))).toBe(
      'revoked r-9: compromised',
    );
  });
});
