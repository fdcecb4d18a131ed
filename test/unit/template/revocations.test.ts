import { describe, expect, it } from 'vitest';
import { evaluateIam } from '#support/iam-evaluate.js';
import { deployed, statements, template } from '#support/template-deployment.js';

const ACCOUNT = '123456789012';
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/vendor-RevocationsTable-1A2B3C`;

/** What the functions' roles may do with DynamoDB, the table's ARN put in for its reference. */
const asFunction = (action: string, resource: string, leadingKeys?: string[]) =>
  evaluateIam({
    principal: `arn:aws:sts::${ACCOUNT}:assumed-role/vendor-CredentialsApiFunctionRole-X/fn`,
    action,
    resource,
    resourceAccount: ACCOUNT,
    context: leadingKeys === undefined ? {} : { 'dynamodb:LeadingKeys': leadingKeys },
    identityPolicies: [
      {
        Version: '2012-10-17',
        Statement: JSON.parse(
          JSON.stringify(statements()).replaceAll('"<RevocationsTable.Arn>"', `"${TABLE_ARN}"`),
        ),
      },
    ],
  });

describe('template.yaml, the revocations table', () => {
  it('is on demand, recoverable to a point in time, keyed as the parameters provider reads, and kept when the stack goes', () => {
    const table = template.Resources.RevocationsTable;

    expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(deployed('RevocationsTable')).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      KeySchema: [
        { AttributeName: 'id', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
  });

  it('is named to both functions, and by a stack output', () => {
    for (const id of ['CredentialsApiFunction', 'CredentialsTaskFunction']) {
      const { Environment } = deployed(id) as {
        Environment: { Variables: Record<string, string> };
      };
      expect(Environment.Variables.REVOCATIONS_TABLE).toBe('<RevocationsTable>');
    }
    expect(template.Outputs?.RevocationsTableName).toMatchObject({
      Value: { Ref: 'RevocationsTable' },
    });
  });

  it('may be read by the functions, only its revocations, and never written', async () => {
    expect(await asFunction('dynamodb:Query', TABLE_ARN, ['revocations'])).toBe('Allowed');
    expect(await asFunction('dynamodb:GetItem', TABLE_ARN, ['revocations'])).toBe('Allowed');
    expect(await asFunction('dynamodb:Query', TABLE_ARN, ['other'])).toBe('ImplicitlyDenied');
    for (const write of [
      'dynamodb:PutItem',
      'dynamodb:DeleteItem',
      'dynamodb:UpdateItem',
      'dynamodb:Scan',
    ]) {
      expect([write, await asFunction(write, TABLE_ARN, ['revocations'])]).toEqual([
        write,
        'ImplicitlyDenied',
      ]);
    }
    expect(
      await asFunction('dynamodb:Query', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/other`, [
        'revocations',
      ]),
    ).toBe('ImplicitlyDenied');
  });
});
