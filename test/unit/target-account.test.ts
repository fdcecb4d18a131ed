import { describe, expect, it } from 'vitest';
import { readTemplate } from '#local/template.js';
import { evaluate } from '#support/cfn-evaluate.js';

// target-account/template.yaml: the role a target account deploys for the vendor to assume.
const template = readTemplate('target-account/template.yaml');
const VENDOR_ROLES = [
  'arn:aws:iam::123456789012:role/vendor-CredentialsApiFunctionRole-AbC',
  'arn:aws:iam::123456789012:role/vendor-CredentialsTaskFunctionRole-DeF',
];

function role(parameters: Record<string, string | string[]>) {
  const defaults = {
    ExternalId: '',
    RoleName: 'redshift-credential-vendor-access',
    RedshiftClusterIdentifiers: [''],
    RedshiftServerlessWorkgroups: [''],
    RedshiftAdminUsers: ['awsuser'],
  };
  return evaluate(template.Resources.VendorAccessRole?.Properties, {
    parameters: { ...defaults, VendorFunctionRoleArns: VENDOR_ROLES, ...parameters },
    conditions: template.Conditions ?? {},
    resources: new Set(Object.keys(template.Resources)),
  }) as {
    AssumeRolePolicyDocument: { Statement: Record<string, unknown>[] };
    Policies: { PolicyDocument: { Statement: Record<string, unknown>[] } }[];
  };
}

describe('target-account/template.yaml', () => {
  it('trusts only the vendor’s function roles, with the external id and the vendor’s session name', () => {
    const { AssumeRolePolicyDocument } = role({ ExternalId: 'finance-2026' });

    expect(AssumeRolePolicyDocument.Statement).toEqual([
      {
        Sid: 'TheVendorFunctionsOnly',
        Effect: 'Allow',
        Principal: { AWS: VENDOR_ROLES },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: {
            'sts:ExternalId': 'finance-2026',
            'sts:RoleSessionName': 'redshift-credential-vendor',
          },
        },
      },
    ]);
  });

  it('grants issuing only on the listed clusters and workgroups, never their admin or system users', () => {
    const { Policies } = role({
      RedshiftClusterIdentifiers: ['finance-dwh'],
      RedshiftServerlessWorkgroups: ['finance-wg'],
    });
    const [issue, deny, describeClusters, lookUp] = Policies[0]?.PolicyDocument.Statement ?? [];

    expect(issue?.Resource).toEqual([
      'arn:*:redshift:*:*:dbuser:finance-dwh/*',
      'arn:*:redshift:*:*:dbuser:redshift-serverless-finance-wg/*',
      'arn:*:redshift:*:*:dbname:finance-dwh/*',
      'arn:*:redshift:*:*:dbname:redshift-serverless-finance-wg/*',
      'arn:*:redshift:*:*:dbgroup:finance-dwh/*',
      'arn:*:redshift:*:*:dbgroup:redshift-serverless-finance-wg/*',
    ]);
    expect(deny).toMatchObject({
      Effect: 'Deny',
      Resource: ['arn:*:redshift:*:*:dbuser:*/rdsdb*', 'arn:*:redshift:*:*:dbuser:*/awsuser'],
    });
    expect(describeClusters).toMatchObject({ Action: 'redshift:DescribeClusters', Resource: '*' });
    expect(lookUp).toMatchObject({
      Action: ['redshift-serverless:GetWorkgroup', 'redshift-serverless:GetNamespace'],
    });
  });

  it('grants workgroups alone when the account has no cluster, and no Serverless lookups without workgroups', () => {
    const serverlessOnly = role({ RedshiftServerlessWorkgroups: ['wg1'] }).Policies[0]
      ?.PolicyDocument.Statement[0];
    const clustersOnly = role({ RedshiftClusterIdentifiers: ['c1'] }).Policies[0]?.PolicyDocument
      .Statement;

    expect(serverlessOnly?.Resource).toEqual([
      'arn:*:redshift:*:*:dbuser:redshift-serverless-wg1/*',
      'arn:*:redshift:*:*:dbname:redshift-serverless-wg1/*',
      'arn:*:redshift:*:*:dbgroup:redshift-serverless-wg1/*',
    ]);
    expect(JSON.stringify(clustersOnly)).not.toContain('redshift-serverless');
  });
});
