import { describe, expect, it } from 'vitest';
import { parsePolicy } from '#domain/policy/text.js';
import { ETL_RULE, policyText } from '#support/policy-documents.js';

describe('the unused-target warning', () => {
  it('warns about a target no rule names', () => {
    expect(parsePolicy(policyText([ETL_RULE]), 'p.yaml').warnings).toEqual([
      'targets.finance is named by no rule: nobody can be issued it',
    ]);
  });
});
