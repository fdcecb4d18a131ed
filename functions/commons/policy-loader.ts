import { PolicyError } from '../domain/errors.js';
import { DEFAULT_POLICY_FILE, loadPolicy, type Policy } from '../domain/policy.js';
import { logger } from './logger.js';

/**
 * Loads the policy named by POLICY_FILE at cold start. An invalid policy fails closed: the error
 * is logged with file, rule and field, and returned so every request is refused with PolicyError.
 */
export function loadPolicyOrFailClosed(
  file = process.env.POLICY_FILE || DEFAULT_POLICY_FILE,
): Policy | PolicyError {
  try {
    const policy = loadPolicy(file);
    for (const warning of policy.warnings) logger.warn('Access policy warning', { file, warning });
    logger.info('Access policy loaded', { file, rules: policy.rules.length });
    return policy;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    for (const problem of error.problems) {
      logger.error('Access policy invalid; refusing every request', { file, ...problem });
    }
    return error;
  }
}
