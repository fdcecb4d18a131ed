import { describe, expect, it } from 'vitest';
import { revocationEnd } from '#scripts/revoke/duration.js';
import { endSessionsSql, redshiftUser, restoreLoginSql } from '#scripts/revoke/sql.js';

const NOW = new Date('2026-12-05T10:00:00Z');

describe('revocationEnd', () => {
  it('reads --for as seconds, minutes, hours, days or a sum of them', () => {
    expect(revocationEnd({ for: '2h' }, NOW)).toEqual(new Date('2026-12-05T12:00:00Z'));
    expect(revocationEnd({ for: '1h30m' }, NOW)).toEqual(new Date('2026-12-05T11:30:00Z'));
    expect(revocationEnd({ for: '7d' }, NOW)).toEqual(new Date('2026-12-12T10:00:00Z'));
    expect(revocationEnd({}, NOW)).toBeUndefined();
  });

  it('reads --until as an instant with its offset, in the future', () => {
    expect(revocationEnd({ until: '2026-12-05T18:00:00+01:00' }, NOW)).toEqual(
      new Date('2026-12-05T17:00:00Z'),
    );
  });

  it.each([
    [{ for: '2 hours' }, /expected a duration/],
    [{ for: '0s' }, /longer than nothing/],
    [{ until: '2026-12-05T18:00:00' }, /with its offset/],
    [{ until: '2026-12-04T18:00:00Z' }, /already past/],
    [{ for: '1h', until: '2026-12-05T18:00:00Z' }, /not both/],
  ])('refuses %j, saying why', (options, problem) => {
    expect(() => revocationEnd(options, NOW)).toThrow(problem);
  });
});

describe('the SQL for a db user', () => {
  it('names the Redshift user behind an IAM login, quoted, and every way a session spells it', () => {
    const [limit, terminate] = endSessionsSql('IAMA:etl_o\'brien"x');

    expect(redshiftUser('IAM:reporting')).toBe('reporting');
    expect(limit).toBe('ALTER USER "etl_o\'brien""x" CONNECTION LIMIT 0');
    expect(terminate).toContain(
      `trim(user_name) IN ('etl_o''brien"x', 'IAM:etl_o''brien"x', 'IAMA:etl_o''brien"x')`,
    );
    expect(terminate).toContain(`left(trim(user_name), 19) = 'IAMA:etl_o''brien"x:'`);
    expect(restoreLoginSql('reporting')).toEqual([
      'ALTER USER "reporting" CONNECTION LIMIT UNLIMITED',
    ]);
  });
});
