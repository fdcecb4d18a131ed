import { describe, expect, it } from 'vitest';
import { parsePolicy } from '#domain/policy/text.js';
import { ETL_RULE, ONE_TARGET, usedTargetsText } from '#support/policy-documents.js';

describe('the protected-rendering warning', () => {
  it('warns that a template can render a protected user', () => {
    const policy = parsePolicy(
      usedTargetsText(
        [
          {
            ...ETL_RULE,
            principals: ['arn:aws:iam::123456789012:role/etl-loader'],
            dbUser: '${sessionName}',
            trustSessionName: true,
          },
        ],
        ONE_TARGET,
        {
          protectedDbUsers: ['dbadmin'],
        },
      ),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([
      'rules[0] (etl-roles) dbUser "${sessionName}" can render the protected db user "dbadmin", "rdsdb" (always denied)',
    ]);
  });
});
