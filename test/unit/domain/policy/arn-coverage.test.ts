import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileArnLike } from '#domain/arn-like.js';
import { globCovers, patternCovers } from '#domain/policy/arn-coverage.js';

/** Every string over `alphabet` up to `length` characters. */
function strings(alphabet: string, length: number): string[] {
  const all = [''];
  for (let size = 1; size <= length; size += 1) {
    for (const prefix of all.filter((s) => s.length === size - 1)) {
      for (const char of alphabet) all.push(prefix + char);
    }
  }
  return all;
}

const glob = fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 3 });
// Long enough to tell apart any two globs of up to three characters; 'c' stands for any other.
const samples = strings('abc', 6);
const matcher = (pattern: string) => compileArnLike(`arn:aws:iam::1:${pattern}`);
const matches = (pattern: string) => {
  const match = matcher(pattern);
  return samples.filter((value) => match(`arn:aws:iam::1:${value}`));
};

describe('patternCovers', () => {
  it.each([
    ['*', 'arn:aws:iam::123456789012:role/etl-*', true],
    ['arn:aws:iam::123456789012:role/*', 'arn:aws:iam::123456789012:role/etl-*', true],
    ['arn:aws:iam::*:role/etl-*', 'arn:aws:iam::123456789012:role/etl-a', true],
    ['arn:aws:iam::123456789012:role/etl-*', 'arn:aws:iam::123456789012:role/*', false],
    ['arn:aws:iam::123456789012:role/etl-?', 'arn:aws:iam::123456789012:role/etl-*', false],
    ['arn:aws:iam::123456789012:role/etl-*', 'arn:aws:iam::123456789012:role/etl-??', true],
    ['arn:aws:iam::123456789012:role/*', 'arn:aws:iam::210987654321:role/*', false],
    ['arn:aws:iam::123456789012:role/a', '*', false],
  ])('%s covers %s: %s', (a, b, expected) => {
    expect(patternCovers(a, b)).toBe(expected);
  });

  it('agrees with brute force: a covering pattern matches everything the covered one matches, and every such pair is found', () => {
    fc.assert(
      fc.property(glob, glob, (a, b) => {
        const matchedByA = new Set(matches(a));
        const coveredByBruteForce = matches(b).every((value) => matchedByA.has(value));
        expect(globCovers(a, b)).toBe(coveredByBruteForce);
      }),
      { numRuns: 2_000 },
    );
  });
});
