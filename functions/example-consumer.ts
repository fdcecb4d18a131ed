import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { decryptTaskCredentials, type TaskCredentials } from '../client/task-credentials.js';
import { logger } from './commons/logger.js';

/**
 * The example workflow's consumer step: it receives the credentials-task result and decrypts the
 * password, which is where a real step would open its (SSL) connection to Redshift. It returns
 * the connection details without the password, so nothing secret reaches the history.
 */
const lambdaHandler = async ({ credentials }: { credentials: TaskCredentials }) => {
  const password = await decryptTaskCredentials(credentials);
  logger.info('Decrypted task credentials', { dbUser: credentials.dbUser, host: credentials.host });
  return {
    dbUser: credentials.dbUser,
    host: credentials.host,
    port: credentials.port,
    database: credentials.database,
    passwordReceived: password.length > 0,
  };
};

export const handler = middy(lambdaHandler).use(injectLambdaContext(logger));
