import { DynamoDBProvider } from '@aws-lambda-powertools/parameters/dynamodb';
import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { createDynamoDbClient } from '../../functions/commons/clients/dynamodb.js';
import { createRedshiftClient } from '../../functions/commons/clients/redshift.js';
import { logger } from '../../functions/commons/logger.js';
import { withLambdaContext } from '../../functions/commons/middleware.js';

/**
 * For `npm run bench`: the least an API handler built on the vendor's libraries (Powertools Logger
 * and Parameters, middy, the Redshift and DynamoDB clients) can do, with none of the vendor's own
 * code. It has the credentials-api handler's shape (the same client settings, logger, middleware
 * and revocations provider, built at load as the function builds them) but no policy, identity,
 * schema or response: one GetClusterCredentials call and one audit line. What it costs is the floor under every figure
 * the bench compares with a target; what the real handler costs above it is the vendor's code.
 */
const redshift = createRedshiftClient();
// Built, not read: the bench's functions run with no revocations table, so neither reads one.
export const revocations = new DynamoDBProvider({
  tableName: 'bench-revocations',
  awsSdkV3Client: createDynamoDbClient(),
});

const floorHandler = async (): Promise<APIGatewayProxyResult> => {
  const reply = await redshift.send(
    new GetClusterCredentialsCommand({
      ClusterIdentifier: 'examplecluster',
      DbUser: 'reporting',
      DurationSeconds: 900,
    }),
  );
  logger.info('Credential decision', { decision: 'issued', dbUser: reply.DbUser });
  return { statusCode: 200, body: '' };
};

export const handler = withLambdaContext(floorHandler);
