import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '#support/cfn-evaluate.js';
import { evaluateIam } from '#support/iam-evaluate.js';
import {
  deployed,
  deployment,
  type Statement,
  statementsOf,
  template,
} from '#support/template-deployment.js';

describe('template.yaml, least privilege', () => {
  const raw = readFileSync('template.yaml', 'utf8');
  /**
   * Actions whose resource the template cannot name: DescribeClusters supports no resource-level
   * permission; GetWorkgroup and GetNamespace take ids that exist only once the workgroup does.
   */
  const NO_RESOURCE_ARN = new Set([
    'redshift:DescribeClusters',
    'redshift-serverless:GetWorkgroup',
    'redshift-serverless:GetNamespace',
  ]);

  /** Every statement of every identity policy the template writes, with where it is. */
  function identityStatements(): { where: string; statement: Statement & { Sid?: string } }[] {
    const found: { where: string; statement: Statement & { Sid?: string } }[] = [];
    const visit = (where: string, node: unknown) => {
      if (Array.isArray(node)) {
        node.forEach((item, i) => {
          visit(`${where}[${i}]`, item);
        });
      } else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'KeyPolicy') continue; // a key policy's '*' is the key itself
          if (key === 'Statement' && Array.isArray(value)) {
            for (const statement of value) found.push({ where, statement: statement as Statement });
          } else visit(`${where}.${key}`, value);
        }
      }
    };
    visit('Resources', template.Resources);
    return found;
  }

  it("grants Resource '*' only for actions that support no resource ARN, each with a comment saying so", () => {
    const wildcards = identityStatements().filter(({ statement }) =>
      [statement.Resource].flat().some((resource) => resource === '*'),
    );

    expect(wildcards.length).toBeGreaterThan(0);
    for (const { statement } of wildcards) {
      expect([statement.Action].flat().every((action) => NO_RESOURCE_ARN.has(action))).toBe(true);
      const sidLine = raw.split('\n').findIndex((line) => line.includes(`Sid: ${statement.Sid}`));
      expect(raw.split('\n')[sidLine - 1]).toMatch(/# .*Resource '\*'/);
    }
  });

  const resourcePolicy = (parameters: Record<string, string | string[]> = {}) =>
    statementsOf(
      (deployed('CredentialsApi', parameters).DefinitionBody as Record<string, unknown>)[
        'x-amazon-apigateway-policy'
      ],
    );
  const OWN_ACCOUNT = '123456789012';

  it.each([
    ['defaults', {}],
    ['other accounts named', { AllowedCallerAccountIds: ['210987654321', '111122223333'] }],
    ['an organisation named', { AllowedCallerOrgId: 'o-abcdef1234' }],
  ])(
    'admits no principal of the API’s own account without an identity policy (%s)',
    (_, parameters) => {
      for (const statement of resourcePolicy(parameters).filter((s) => s.Effect === 'Allow')) {
        const principal = statement.Principal as '*' | { AWS: string[] };
        if (principal === '*') {
          expect(statement.Condition?.StringNotEquals?.['aws:PrincipalAccount']).toBe(OWN_ACCOUNT);
        } else {
          expect(principal.AWS).not.toContain(OWN_ACCOUNT);
          expect(principal.AWS.length).toBeGreaterThan(0);
        }
      }
    },
  );

  it('allows other accounts and the organisation only when the parameters name them', () => {
    expect(resourcePolicy().filter((s) => s.Effect === 'Allow')).toEqual([]);
    expect(
      resourcePolicy({
        AllowedCallerAccountIds: ['210987654321'],
        AllowedCallerOrgId: 'o-abcdef1234',
      })
        .filter((s) => s.Effect === 'Allow')
        .map((s) => s.Sid),
    ).toEqual(['NamedAccountsInvoke', 'OrganizationAccountsInvoke']);
  });

  it('denies every principal outside this account, the named accounts and the organisation', () => {
    const deny = resourcePolicy({ AllowedCallerAccountIds: ['210987654321'] }).find(
      (s) => s.Sid === 'EveryoneElseDenied',
    );

    expect(deny).toMatchObject({
      Principal: '*',
      Action: 'execute-api:Invoke',
      Condition: {
        StringNotEquals: {
          'aws:PrincipalAccount': [OWN_ACCOUNT, '210987654321'],
          'aws:PrincipalOrgID': 'o-none',
        },
      },
    });
  });

  describe('refuses roles named like IAM Identity Center’s outside its path', () => {
    const API_ARN = `arn:aws:execute-api:us-east-1:${OWN_ACCOUNT}:a1b2c3d4e5`;
    // API Gateway reads execute-api:/… in its resource policy as this API's own ARN.
    const deployedPolicy = () => ({
      Version: '2012-10-17',
      Statement: JSON.parse(
        JSON.stringify(resourcePolicy()).replaceAll('"execute-api:/', `"${API_ARN}/`),
      ),
    });
    const invoke = (roleArn: string) => {
      const [, , , , account = '', resource = ''] = roleArn.split(':');
      const roleName = resource.split('/').at(-1);
      return evaluateIam({
        principal: `arn:aws:sts::${account}:assumed-role/${roleName}/jane.doe@example.com`,
        action: 'execute-api:Invoke',
        resource: `${API_ARN}/v1/POST/credentials`,
        resourceAccount: OWN_ACCOUNT,
        context: { 'aws:PrincipalArn': roleArn, 'aws:PrincipalAccount': account },
        resourcePolicy: deployedPolicy(),
      });
    };

    it.each([
      `arn:aws:iam::${OWN_ACCOUNT}:role/AWSReservedSSO_Analyst_selfmade`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/team/AWSReservedSSO_Analyst_0123456789abcdef`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/aws-reserved/AWSReservedSSO_Analyst_0123456789abcdef`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/sso.amazonaws.com/AWSReservedSSO_DBA_0123456789abcdef`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/x/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DBA_1`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/MyAWSReservedSSO_Analyst_copy`,
    ])('denies a session of %s', async (roleArn) => {
      expect(await invoke(roleArn)).toBe('ExplicitlyDenied');
    });

    it.each([
      `arn:aws:iam::${OWN_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Analyst_0123456789abcdef`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DBA_abcdef0123456789`,
      `arn:aws:iam::${OWN_ACCOUNT}:role/etl-loader`,
    ])('leaves a session of %s to the identity policy', async (roleArn) => {
      expect(await invoke(roleArn)).toBe('Allowed');
    });
  });

  /** The AssertDescription of every Rules assertion a deployment with `parameters` fails. */
  const failedRules = (parameters: Record<string, string | string[]>) =>
    Object.values(template.Rules ?? {})
      .flatMap((rule) => rule.Assertions)
      .filter(({ Assert }) => evaluate(Assert, deployment(parameters)) !== true)
      .map(({ AssertDescription }) => AssertDescription);

  it.each([
    ['none', ['']],
    ['another account', ['210987654321']],
    ['two other accounts', ['210987654321', '111122223333']],
  ])('deploys with %s among AllowedCallerAccountIds', (_, accounts) => {
    expect(failedRules({ AllowedCallerAccountIds: accounts })).toEqual([]);
  });

  it.each([
    ['this account', [OWN_ACCOUNT], /must not list this account/],
    ['this account beside another', ['210987654321', OWN_ACCOUNT], /must not list this account/],
    ['"*"', ['*'], /must name accounts: "\*" would admit every AWS account/],
  ])('refuses to deploy with %s among AllowedCallerAccountIds', (_, accounts, description) => {
    expect(failedRules({ AllowedCallerAccountIds: accounts })).toEqual([
      expect.stringMatching(description),
    ]);
  });

  it('orders the API after the account’s logging role setting, and keeps that role when the stack goes', () => {
    const ready = template.Resources[String(template.Resources.CredentialsApi?.DependsOn)];

    expect(evaluate(ready?.Metadata, deployment({ CreateApiGatewayLoggingRole: 'true' }))).toEqual({
      AccountSetting: '<ApiGatewayAccount>',
    });
    expect(template.Resources.ApiGatewayLoggingRole).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});
