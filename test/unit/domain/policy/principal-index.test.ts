import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileArnLike } from '#domain/arn-like.js';
import { principalFromArn } from '#domain/identity.js';
import { indexPrincipals } from '#domain/policy/principal-index.js';

/** The definition the index must agree with: try every rule in order. */
function firstMatchByScan(rules: string[][], arn: string): number | undefined {
  const principal = principalFromArn(arn);
  const index = rules.findIndex((patterns) =>
    principal.kind === 'other'
      ? patterns.includes(arn)
      : principal.matchArns.some((candidate) =>
          patterns.some((pattern) => compileArnLike(pattern)(candidate)),
        ),
  );
  return index === -1 ? undefined : index;
}

const account = fc.constantFrom('123456789012', '210987654321');
const name = fc.constantFrom(
  'etl',
  'etl-loader',
  'etl-x',
  'app',
  'reporting',
  'AWSReservedSSO_Analyst_0a1b',
);
const wild = (value: fc.Arbitrary<string>) =>
  fc
    .tuple(value, fc.constantFrom('', '*', '?', '-*'))
    .map(([text, suffix]) => (suffix === '?' ? `${text.slice(0, -1)}?` : `${text}${suffix}`));
const pattern = fc.oneof(
  fc.constant('*'),
  fc
    .tuple(fc.oneof(account, fc.constant('*')), wild(name))
    .map(([a, n]) => `arn:aws:iam::${a}:role/${n}`),
  fc.tuple(account, wild(name)).map(([a, n]) => `arn:aws:iam::${a}:user/services/${n}`),
  fc
    .tuple(account, wild(name), fc.constantFrom('*', 'run-1', 'jane@example.com'))
    .map(([a, n, s]) => `arn:aws:sts::${a}:assumed-role/${n}/${s}`),
  fc.tuple(account, wild(name)).map(([a, n]) => `arn:aws:*::${a}:role/${n}`),
  fc.constantFrom('arn:aws:iam::123456789012:root', 'arn:aws:iam::*:root'),
);
const caller = fc.oneof(
  fc.tuple(account, name).map(([a, n]) => `arn:aws:iam::${a}:user/services/${n}`),
  fc
    .tuple(account, name, fc.constantFrom('run-1', 'jane@example.com'))
    .map(([a, n, s]) => `arn:aws:sts::${a}:assumed-role/${n}/${s}`),
  fc.constantFrom('arn:aws:iam::123456789012:root', 'arn:aws:sts::123456789012:federated-user/bob'),
);

describe('indexPrincipals', () => {
  it('finds the same first matching rule as trying every rule in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(pattern, { minLength: 1, maxLength: 3 }), { maxLength: 30 }),
        caller,
        (rules, arn) => {
          expect(indexPrincipals(rules)(principalFromArn(arn))).toBe(firstMatchByScan(rules, arn));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('finds a rule filed under a wildcard account by its resource', () => {
    const first = indexPrincipals([
      ['arn:aws:iam::123456789012:role/app'],
      ['arn:aws:iam::*:role/etl-*'],
    ]);

    expect(first(principalFromArn('arn:aws:sts::210987654321:assumed-role/etl-loader/run-1'))).toBe(
      1,
    );
  });
});
