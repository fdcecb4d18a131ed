import { describe, expect, it } from 'vitest';
import { parsePolicy } from '#domain/policy/text.js';
import { ETL_RULE, ONE_TARGET, usedTargetsText } from '#support/policy-documents.js';

describe('the unneeded-groups warning', () => {
  it.each([
    ['a protected fixed user', 'dbadmin'],
    ['a fixed system user', 'rdsdb_loader'],
    ['a template that always renders a system user', 'rdsdb_${roleName}'],
  ])(
    'warns that the groups of a rule whose dbUser is %s can be needed by no request',
    (_, dbUser) => {
      const policy = parsePolicy(
        usedTargetsText([{ ...ETL_RULE, dbUser, dbGroups: ['etl_rw', 'etl_ro'] }], ONE_TARGET, {
          protectedDbUsers: ['dbadmin'],
        }),
        'p.yaml',
      );

      expect(policy.warnings).toContain(
        `rules[0] (etl-roles) dbGroups "etl_rw", "etl_ro" can be needed by no request: its dbUser "${dbUser}" is always a protected db user, so every request it matches is denied`,
      );
    },
  );

  it('does not call groups unneeded when some rendering of the dbUser is not protected', () => {
    const policy = parsePolicy(
      usedTargetsText([{ ...ETL_RULE, dbUser: 'rds${roleName}' }], ONE_TARGET),
      'p.yaml',
    );

    expect(policy.warnings.filter((warning) => /dbGroups/.test(warning))).toEqual([]);
  });
});
