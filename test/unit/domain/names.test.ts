import { describe, expect, it } from 'vitest';
import { clusterIdentifierProblem, nameProblem } from '#domain/names.js';

describe('nameProblem', () => {
  it.each([
    ['dbUser', 'etl_loader'],
    ['dbUser', 'jane.doe@example.com'],
    ['dbUser', 'a+b-c'],
    ['dbUser', 'a'],
    ['dbUser', `u${'x'.repeat(63)}`],
    ['dbGroup', 'etl_rw'],
    ['database', 'ExampleDB'],
  ] as const)('accepts the %s %s', (kind, name) => {
    expect(nameProblem(kind, name)).toBeUndefined();
  });

  it.each([
    ['dbUser', '', /1 to 64/],
    ['dbUser', `u${'x'.repeat(64)}`, /1 to 64/],
    ['dbUser', '1abc', /starting with a letter/],
    ['dbUser', '_abc', /starting with a letter/],
    ['dbUser', 'Etl', /lower-case/],
    ['dbUser', 'iam:admin', /1 to 64/],
    ['dbUser', 'a/b', /1 to 64/],
    ['dbUser', 'a b', /1 to 64/],
    ['dbUser', 'аdmin', /1 to 64/], // Cyrillic а
    ['dbUser', 'public', /reserved name PUBLIC/],
    ['dbUser', 'user', /reserved name USER/],
    ['dbUser', 'current_user_id', /reserved name CURRENT_USER_ID/],
    ['dbUser', 'without', /reserved name WITHOUT/],
    ['dbUser', 'aes128', /reserved name AES128/],
    ['dbGroup', 'ETL_RW', /lower-case/],
    ['dbGroup', 'group', /reserved name GROUP/],
    ['database', 'PUBLIC', /reserved name PUBLIC/],
    ['database', 'Select', /reserved name SELECT/],
    ['database', 'db:1', /1 to 64/],
  ] as const)('rejects the %s "%s"', (kind, name, problem) => {
    expect(nameProblem(kind, name)).toMatch(problem);
  });
});

describe('clusterIdentifierProblem', () => {
  it.each(['examplecluster', 'prod-analytics-1', 'a'])('accepts %s', (id) => {
    expect(clusterIdentifierProblem(id)).toBeUndefined();
  });

  it.each(['', 'Example', '1cluster', 'a--b', 'cluster-', 'a_b', `a${'b'.repeat(63)}`])(
    'rejects "%s"',
    (id) => {
      expect(clusterIdentifierProblem(id)).toBeDefined();
    },
  );
});
