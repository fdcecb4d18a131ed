import { Logger } from '@aws-lambda-powertools/logger';

/** The one Powertools logger every function shares; JSON lines, level from POWERTOOLS_LOG_LEVEL. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'redshift-credential-vendor',
});
