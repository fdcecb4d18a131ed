import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AllowRule } from '#domain/policy/model.js';
import { parsePolicy } from '#domain/policy/text.js';
import type { RevocationScope } from '#domain/revocations.js';
import { revocationImpact } from '#scripts/revoke/impact.js';

const FILE = 'local/policy.yaml';
const text = readFileSync(FILE, 'utf8');
const policy = parsePolicy(text, FILE);
const rules = (await import('yaml')).parse(text).rules as { principals?: string[] }[];
const impactOf = (scope: RevocationScope) =>
  revocationImpact(policy, (rule: AllowRule) => rules[rule.index]?.principals ?? [], scope);
const where = (impact: ReturnType<typeof impactOf>) =>
  impact.sessions.map(({ target, dbUser }) => `${target.name}:${dbUser}`);

describe('what a revocation matches in the policy', () => {
  it('for a role, the rule that decides its sessions and the db user they are issued', () => {
    const impact = impactOf({
      kind: 'principal',
      principal: 'arn:aws:iam::123456789012:role/etl-loader',
    });

    expect(impact.lines).toEqual([
      'e.g. arn:aws:sts::123456789012:assumed-role/etl-loader/example-session: today issued etl_etl-loader by rule etl-roles',
      'rule etl-roles: decides its calls',
    ]);
    expect(where(impact)).toEqual(['analytics:etl_etl-loader']);
  });

  it('for a pattern, every rule it may reach; users rendered per caller are named, not guessed', () => {
    const impact = impactOf({
      kind: 'principal',
      principal: 'arn:aws:iam::123456789012:user/services/*',
    });

    expect(impact.lines).toContain('rule reporting-services: may match its callers');
    expect(where(impact)).toEqual(['analytics:reporting']);
    expect(
      impactOf({ kind: 'principal', principal: 'arn:aws:iam::123456789012:role/etl-*' })
        .renderedUsers,
    ).toContain('etl-roles (dbUser etl_${roleName})');
  });

  it('for the kill switch, every allow rule', () => {
    const impact = impactOf({ kind: 'principal', principal: '*' });

    expect(impact.lines.filter((line) => line.startsWith('rule '))).toHaveLength(4);
    expect(where(impact)).toEqual(['analytics:reporting']);
  });

  it('for a db user, each target that can issue it, or the one named', () => {
    expect(where(impactOf({ kind: 'dbUser', dbUser: 'reporting' }))).toEqual([
      'analytics:reporting',
    ]);
    expect(where(impactOf({ kind: 'dbUser', dbUser: 'wf_example-etl', target: 'lake' }))).toEqual([
      'lake:wf_example-etl',
    ]);
  });

  it('for a rule, its fixed user on its targets, and says when no rule has that name', () => {
    expect(where(impactOf({ kind: 'rule', rule: 'reporting-services' }))).toEqual([
      'analytics:reporting',
    ]);
    expect(impactOf({ kind: 'rule', rule: 'nope' }).lines).toEqual([
      'no allow rule is named nope: the revocation stops nothing',
    ]);
  });
});
