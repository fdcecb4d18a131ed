import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

/** The functions' DynamoDB client, mocked once for every unit test that reads revocations. */
export const dynamoMock = mockClient(DynamoDBClient);

/** A revocations-table item as the template's table holds it: `value` is the JSON text given. */
export const revocationItem = (sk: string, value: Record<string, unknown> | string) =>
  marshall({
    id: 'revocations',
    sk,
    value: typeof value === 'string' ? value : JSON.stringify(value),
  });

/** The revocations table holds these values, keyed by id. */
export function revocationsAre(values: Record<string, Record<string, unknown>>) {
  dynamoMock.on(QueryCommand).resolves({
    Items: Object.entries(values).map(([sk, value]) => revocationItem(sk, value)),
  });
}
