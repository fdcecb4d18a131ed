import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arnPatternProblem, compileArnLike, splitArn } from '#domain/arn-like.js';

describe('compileArnLike', () => {
  it.each([
    ['arn:aws:iam::123456789012:role/etl-*', 'arn:aws:iam::123456789012:role/etl-loader', true],
    ['arn:aws:iam::123456789012:role/etl-*', 'arn:aws:iam::123456789012:role/etl-', true],
    ['arn:aws:iam::123456789012:role/etl-*', 'arn:aws:iam::123456789012:role/ETL-loader', false],
    ['arn:aws:iam::123456789012:role/etl-*', 'arn:aws:iam::123456789012:role/xetl-loader', false],
    ['arn:aws:iam::*:user/*', 'arn:aws:iam::210987654321:user/path/bob', true],
    ['arn:aws:iam::*:user/*', 'arn:aws:sts::210987654321:user/bob', false],
    ['arn:aws:iam::12345678901?:user/a', 'arn:aws:iam::123456789012:user/a', true],
    ['arn:aws:iam::12345678901?:user/a', 'arn:aws:iam::12345678901:user/a', false],
    ['arn:aws:iam::123456789012:user/a.b', 'arn:aws:iam::123456789012:user/aXb', false],
    ['arn:aws:iam::123456789012:user/a+b', 'arn:aws:iam::123456789012:user/a+b', true],
    ['arn:aws:iam::123456789012:user/a+b', 'arn:aws:iam::123456789012:user/aab', false],
    [
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_*/*',
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0a1b/jane@example.com',
      true,
    ],
    [
      'arn:aws:states:*:123456789012:stateMachine:etl-*',
      'arn:aws:states:eu-west-1:123456789012:stateMachine:etl-nightly',
      true,
    ],
  ])('%s matching %s is %s', (pattern, arn, expected) => {
    expect(compileArnLike(pattern)(arn)).toBe(expected);
  });

  it('keeps a wildcard inside its own part: * in the account cannot swallow a colon', () => {
    const matches = compileArnLike('arn:aws:iam::1*:user/alice');

    expect(matches('arn:aws:iam::123456789012:user/alice')).toBe(true);
    expect(matches('arn:aws:iam::1:2:user/alice')).toBe(false);
  });

  it('does not match a service wildcard against a different region layout', () => {
    expect(
      compileArnLike('arn:aws:*::123456789012:user/alice')(
        'arn:aws:iam:us-east-1:123456789012:user/alice',
      ),
    ).toBe(false);
  });

  it('matches every ARN with "*" alone', () => {
    expect(compileArnLike('*')('arn:aws:iam::123456789012:root')).toBe(true);
  });
});

describe('arnPatternProblem', () => {
  it.each(['*', 'arn:aws:iam::*:role/*', 'arn:*:*:*:*:*'])('accepts %s', (pattern) => {
    expect(arnPatternProblem(pattern)).toBeUndefined();
  });

  it.each(['', 'etl-*', 'arn:aws:iam::role/x', 'aws:iam::123456789012:role:x:y', '**'])(
    'rejects %s',
    (pattern) => {
      expect(arnPatternProblem(pattern)).toMatch(/six colon-separated parts/);
    },
  );
});

/** ArnLike on one part, by its definition: `*` any run of characters, `?` exactly one. */
function globMatches(pattern: string, value: string): boolean {
  if (pattern === '') return value === '';
  const [head, rest] = [pattern[0], pattern.slice(1)];
  if (head === '*') {
    return Array.from({ length: value.length + 1 }, (_, i) => i).some((i) =>
      globMatches(rest, value.slice(i)),
    );
  }
  if (value === '') return false;
  return (head === '?' || head === value[0]) && globMatches(rest, value.slice(1));
}

describe('compileArnLike against the definition', () => {
  // Resource parts made of wildcards, regex metacharacters and ordinary characters.
  const resourceChars = fc.constantFrom(...'ab/*?.+^$|()[]{}\\-_:');
  const resource = fc.string({ unit: resourceChars, maxLength: 8 });

  // Values near the pattern: each of its characters kept, or swapped for another.
  const nearby = (pattern: string) =>
    fc
      .array(fc.oneof(fc.constant(undefined), resourceChars), {
        minLength: pattern.length,
        maxLength: pattern.length,
      })
      .map((swaps) => Array.from(pattern, (char, i) => swaps[i] ?? char).join(''));
  const patternAndValue = resource.chain((pattern) =>
    fc.tuple(fc.constant(pattern), fc.oneof(resource, nearby(pattern))),
  );

  it('matches a resource exactly when the glob does, whatever characters it holds', () => {
    fc.assert(
      fc.property(patternAndValue, ([pattern, value]) => {
        const matches = compileArnLike(`arn:aws:iam::123456789012:${pattern}`);
        const expected = globMatches(pattern, value);

        expect(matches(`arn:aws:iam::123456789012:${value}`)).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('splitArn', () => {
  it('splits into five parts and the resource, colons and all, or nothing when parts are missing', () => {
    const reference = (arn: string) => {
      const parts = arn.split(':');
      return parts.length < 6 ? undefined : [...parts.slice(0, 5), parts.slice(5).join(':')];
    };

    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(':', 'a', '/', '*'), maxLength: 12 }),
        (arn) => {
          expect(splitArn(arn)).toEqual(reference(arn));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
