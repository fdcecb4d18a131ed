import { randomBytes } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  paginateQuery,
} from '@aws-sdk/client-dynamodb';
import { PolicyError } from '../../functions/domain/errors.js';
import {
  parseRevocations,
  REVOCATIONS_KEY,
  REVOCATIONS_SOURCE,
  type Revocation,
  type RevocationValue,
  revocationFrom,
} from '../../functions/domain/revocations.js';

/**
 * The revocations table as operators change it: one item per revocation (partition `id` =
 * "revocations", sort key `sk` = the revocation's id, `value` = its JSON), so two operators
 * adding at once each write their own item and neither loses the other's.
 */
export interface RevocationStore {
  add(value: RevocationValue): Promise<Revocation>;
  list(): Promise<Revocation[]>;
  /** The revocation removed, or undefined when there was none with that id. */
  remove(id: string): Promise<Revocation | undefined>;
}

/** A new revocation's id: when it was recorded (so `list` shows them in order), and a random tail. */
export const newRevocationId = (at: Date): string =>
  `rv-${at.toISOString().replace(/[-:]|\.\d+/g, '')}-${randomBytes(4).toString('hex')}`;

export function revocationStore(dynamodb: DynamoDBClient, table: string): RevocationStore {
  const key = (id: string) => ({ id: { S: REVOCATIONS_KEY }, sk: { S: id } });
  return {
    async add(value) {
      for (;;) {
        const id = newRevocationId(new Date(value.at));
        try {
          await dynamodb.send(
            new PutItemCommand({
              TableName: table,
              Item: { ...key(id), value: { S: JSON.stringify(value) } },
              // Never overwrites: an id drawn twice is drawn again.
              ConditionExpression: 'attribute_not_exists(sk)',
            }),
          );
          return revocationFrom(id, value);
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }
      }
    },
    async list() {
      const values: Record<string, string> = {};
      const pages = paginateQuery(
        { client: dynamodb },
        {
          TableName: table,
          KeyConditionExpression: 'id = :key',
          ExpressionAttributeValues: { ':key': { S: REVOCATIONS_KEY } },
          ConsistentRead: true,
        },
      );
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          const id = item.sk?.S;
          if (id !== undefined) values[id] = item.value?.S ?? '';
        }
      }
      return parseRevocations(values);
    },
    async remove(id) {
      const { Attributes } = await dynamodb.send(
        new DeleteItemCommand({ TableName: table, Key: key(id), ReturnValues: 'ALL_OLD' }),
      );
      return Attributes === undefined ? undefined : readOne(id, Attributes.value?.S ?? '');
    },
  };
}

function readOne(id: string, text: string): Revocation {
  const [revocation] = parseRevocations({ [id]: text });
  if (revocation === undefined)
    throw new PolicyError(REVOCATIONS_SOURCE, [{ field: id, problem: 'unreadable' }]);
  return revocation;
}
