import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';

/** The revocations table of the local vendor: `npm start` creates it in the emulator. */
export const LOCAL_REVOCATIONS_TABLE = 'redshift-credential-vendor-revocations';

/**
 * Creates a revocations table keyed as the template's (partition `id`, sort `sk`), unless it
 * exists. The emulator's tables are active at once.
 */
export async function createRevocationsTable(
  endpoint: string,
  region: string,
  tableName = LOCAL_REVOCATIONS_TABLE,
): Promise<void> {
  // The emulator's credentials, named: the SDK's default chain here is the functions' own.
  const dynamodb = new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'id', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    dynamodb.destroy();
  }
}
