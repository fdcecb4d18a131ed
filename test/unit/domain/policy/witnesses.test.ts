import { describe, expect, it } from 'vitest';
import { compileArnLike } from '#domain/arn-like.js';
import {
  patternExamples,
  regionWitnesses,
  shareACaller,
  variantsOf,
} from '#domain/policy/witnesses.js';

// Example callers for comparing policies: found by reading every principal through the
// patterns' automata, so that each combination of patterns some caller matches has one.

const ETL = 'arn:aws:iam::123456789012:role/etl-*';
const LEGACY = 'arn:aws:iam::123456789012:role/etl-legacy-*';
const SSO = 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_*/*';

describe('regionWitnesses', () => {
  it('finds a caller for each combination of patterns that some caller matches together', () => {
    const { arns, complete } = regionWitnesses([ETL, LEGACY]);
    const matchedBy = (arn: string) =>
      [ETL, LEGACY].map((pattern) =>
        compileArnLike(pattern)(
          arn.replace(/:sts::(\d+):assumed-role\/([^/]+)\/.*/, ':iam::$1:role/$2'),
        ),
      );

    expect(complete).toBe(true);
    expect(arns.map(matchedBy)).toEqual(
      expect.arrayContaining([
        [true, false],
        [true, true],
      ]),
    );
    // No caller matches the narrower pattern alone.
    expect(arns.map(matchedBy)).not.toContainEqual([false, true]);
  });

  it('gives the examples readable names where their region allows', () => {
    expect(regionWitnesses([ETL]).arns).toEqual([
      'arn:aws:sts::123456789012:assumed-role/etl-example/example',
    ]);
    expect(regionWitnesses(['arn:aws:states:*:123456789012:stateMachine:*-etl']).arns).toEqual([
      'arn:aws:states:us-east-1:123456789012:stateMachine:example-etl',
    ]);
  });

  it('names a principal only an exact pattern matches by that pattern', () => {
    expect(regionWitnesses(['arn:aws:iam::123456789012:root']).arns).toEqual([
      'arn:aws:iam::123456789012:root',
    ]);
  });
});

describe('patternExamples', () => {
  it('gives a caller of each kind the pattern matches', () => {
    expect(patternExamples('arn:aws:iam::123456789012:user/services/*')).toEqual([
      'arn:aws:iam::123456789012:user/services/example',
    ]);
    expect(patternExamples('arn:aws:iam::123456789012:root')).toEqual([
      'arn:aws:iam::123456789012:root',
    ]);
    expect(patternExamples(SSO)).toEqual([
      'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_example/example',
    ]);
  });
});

describe('shareACaller', () => {
  it('says whether some caller matches both patterns, a role naming its sessions', () => {
    expect(shareACaller(ETL, LEGACY)).toBe(true);
    expect(shareACaller(ETL, 'arn:aws:sts::123456789012:assumed-role/etl-loader/run-1')).toBe(true);
    // The quick test by parts cannot tell these apart: a session pattern beside a role pattern.
    expect(shareACaller(ETL, SSO)).toBe(false);
    expect(shareACaller(ETL, 'arn:aws:iam::210987654321:role/etl-*')).toBe(false);
    expect(shareACaller('arn:aws:iam::123456789012:root', '*')).toBe(true);
    expect(shareACaller('arn:aws:iam::123456789012:root', ETL)).toBe(false);
    // An account root is no user, session or state machine, but a wildcard can still name it.
    expect(shareACaller('arn:aws:iam::123456789012:root', 'arn:aws:iam::*:*')).toBe(true);
  });
});

describe('variantsOf', () => {
  it('puts one more character at each place of the names, never in the account', () => {
    const variants = variantsOf('arn:aws:iam::123456789012:user/ab', ['7']);

    expect(variants).toEqual([
      'arn:aws:iam::123456789012:user/7ab',
      'arn:aws:iam::123456789012:user/a7b',
      'arn:aws:iam::123456789012:user/ab7',
    ]);
  });
});
