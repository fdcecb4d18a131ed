import { describe, expect, it } from 'vitest';
import { exactWarnings } from '#domain/policy/exact-warnings.js';
import { parsePolicy } from '#domain/policy/text.js';
import { ETL_RULE, usedTargetsText } from '#support/policy-documents.js';

describe('policy warnings', () => {
  it('warns that a policy without rules denies everything', () => {
    expect(parsePolicy(usedTargetsText([]), 'p.yaml').warnings).toEqual([
      'no rules: every request is denied',
    ]);
  });

  it('warns that a template can render another rule’s fixed db user, naming a principal of each', () => {
    const policy = parsePolicy(
      usedTargetsText([
        {
          ...ETL_RULE,
          principals: ['arn:aws:iam::123456789012:role/*'],
          dbUser: 'etl_${roleName}',
        },
        {
          name: 'etl-admin',
          principals: ['arn:aws:iam::123456789012:user/etl-admin'],
          targets: ['analytics'],
          dbUser: 'etl_admin',
        },
      ]),
      'p.yaml',
      exactWarnings,
    );

    expect(policy.warnings).toEqual([
      'rules[0] (etl-roles) and rules[1] (etl-admin) can both issue db user "etl_admin" on cluster examplecluster, to different principals: arn:aws:sts::123456789012:assumed-role/admin/aa (by rules[0] (etl-roles)) and arn:aws:iam::123456789012:user/etl-admin (by rules[1] (etl-admin))',
    ]);
  });

  it('says nothing of a template that only looks as if it could render another rule’s user', () => {
    // etl-* roles render etl_etl-…, never etl_admin.
    const policy = parsePolicy(
      usedTargetsText([
        { ...ETL_RULE, dbUser: 'etl_${roleName}' },
        {
          name: 'etl-admin',
          principals: ['arn:aws:iam::123456789012:user/etl-admin'],
          targets: ['analytics'],
          dbUser: 'etl_admin',
        },
      ]),
      'p.yaml',
      exactWarnings,
    );

    expect(policy.warnings).toEqual([]);
  });
});
