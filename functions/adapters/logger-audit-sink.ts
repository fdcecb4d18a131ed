import type { Logger } from '@aws-lambda-powertools/logger';
import type { AuditSink } from '../domain/ports.js';

/** Each decision as one `Credential decision` line of the function log. */
export const loggerAuditSink =
  (logger: Logger): AuditSink =>
  (record) =>
    logger.info('Credential decision', { ...record });
