import { describe, expect, it } from 'vitest';
import { parsePolicy } from '#domain/policy/text.js';
import { ETL_RULE, usedTargetsText } from '#support/policy-documents.js';

describe('the never-reached warning', () => {
  it('warns that rules after a "*" rule are never reached', () => {
    const policy = parsePolicy(
      usedTargetsText([{ name: 'everyone', principals: ['*'], effect: 'deny' }, ETL_RULE]),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([
      'rules[1] (etl-roles) is never reached: rules[0] (everyone) already matches every principal it names',
    ]);
  });

  it('warns that a broad role allow hides a narrower deny after it, naming both rules', () => {
    const policy = parsePolicy(
      usedTargetsText([
        {
          name: 'all-roles',
          principals: ['arn:aws:iam::123456789012:role/*'],
          targets: ['analytics'],
          dbUser: 'r_${roleName}',
        },
        {
          name: 'no-contractors',
          principals: ['arn:aws:iam::123456789012:role/contractor-*'],
          effect: 'deny',
        },
      ]),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([
      'rules[1] (no-contractors) is never reached: rules[0] (all-roles) already matches every principal it names',
    ]);
  });

  it('warns about a session pattern whose role an earlier rule already names', () => {
    const policy = parsePolicy(
      usedTargetsText([
        { ...ETL_RULE, name: 'etl', principals: ['arn:aws:iam::123456789012:role/etl-*'] },
        {
          name: 'etl-night-sessions',
          principals: ['arn:aws:sts::123456789012:assumed-role/etl-loader/night-*'],
          effect: 'deny',
        },
      ]),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([
      expect.stringMatching(
        /^rules\[1\] \(etl-night-sessions\) is never reached: rules\[0\] \(etl\)/,
      ),
    ]);
  });

  it.each([
    [
      'a narrower pattern first',
      'arn:aws:iam::123456789012:role/etl-*',
      'arn:aws:iam::123456789012:role/*',
    ],
    ['another account', 'arn:aws:iam::210987654321:role/*', 'arn:aws:iam::123456789012:role/etl-a'],
    [
      'the account root after a wildcard',
      'arn:aws:iam::123456789012:*',
      'arn:aws:iam::123456789012:root',
    ],
  ])('does not warn for %s', (_, first, second) => {
    const policy = parsePolicy(
      usedTargetsText(
        [
          { name: 'first', principals: [first], effect: 'deny' },
          { name: 'second', principals: [second], effect: 'deny' },
        ],
        {},
      ),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([]);
  });

  it('warns only when every pattern of the later rule is covered', () => {
    const policy = parsePolicy(
      usedTargetsText(
        [
          { name: 'first', principals: ['arn:aws:iam::123456789012:role/etl-*'], effect: 'deny' },
          {
            name: 'second',
            principals: [
              'arn:aws:iam::123456789012:role/etl-a',
              'arn:aws:iam::123456789012:user/x',
            ],
            effect: 'deny',
          },
        ],
        {},
      ),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([]);
  });

  it('warns that a rule naming one role is never reached after a pattern covering that role', () => {
    const policy = parsePolicy(
      usedTargetsText([
        { ...ETL_RULE, name: 'all-etl' },
        { ...ETL_RULE, name: 'etl-loader', principals: ['arn:aws:iam::123456789012:role/etl-a'] },
      ]),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([
      'rules[1] (etl-loader) is never reached: rules[0] (all-etl) already matches every principal it names',
    ]);
  });

  it('does not warn about a final catch-all deny', () => {
    const policy = parsePolicy(
      usedTargetsText([ETL_RULE, { name: 'nobody-else', principals: ['*'], effect: 'deny' }]),
      'p.yaml',
    );

    expect(policy.warnings).toEqual([]);
  });
});
