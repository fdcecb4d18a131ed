import { readFileSync } from 'node:fs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { PolicyError } from '../domain/errors.js';
import { policyFromDocument, reviewPolicyDocument } from '../domain/policy/compile.js';
import { isJsonPolicy, parsePolicyJson } from '../domain/policy/document.js';
import { type Grants, ungrantedTargets } from '../domain/policy/grants.js';
import type { Policy } from '../domain/policy/model.js';
import { REVOCATIONS_SOURCE } from '../domain/revocations.js';

/**
 * Reads, validates and compiles the policy file; throws PolicyError naming every problem.
 * The decision comes from this one file, the one reviewers read: nothing else in its folder
 * is read, so no other file can change what it says.
 */
export async function readPolicyFile(file: string): Promise<Policy> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new PolicyError(file, [{ field: '(file)', problem: `cannot be read (${reason})` }], {
      cause: error,
    });
  }
  // A JSON policy needs no YAML parser, which is loaded only for a YAML one.
  const parsed = isJsonPolicy(file)
    ? parsePolicyJson(text)
    : (await import('../domain/policy/text.js')).parsePolicyText(text, file);
  if ('problem' in parsed) throw new PolicyError(file, parsed.problem.problems);
  const review = reviewPolicyDocument(parsed.document);
  if (review.policy === undefined) throw new PolicyError(file, review.problems);
  if (!review.exactChecksPending) return review.policy;
  // The exact checks' code loads only for a policy they have something to search in.
  const { exactWarnings } = await import('../domain/policy/exact-warnings.js');
  return policyFromDocument(parsed.document, file, exactWarnings);
}

/**
 * Loads the policy at cold start. An invalid policy fails closed: each problem is logged with
 * file, rule and field, and the error is returned so every request is refused with PolicyError.
 * So does a target in this account on a cluster or workgroup the deployment does not grant,
 * which could only ever fail upstream.
 */
export async function loadPolicyOrFailClosed(
  file: string,
  logger: Logger,
  grants: Grants = {},
): Promise<Policy | PolicyError> {
  try {
    const policy = await readPolicyFile(file);
    const ungranted = ungrantedTargets(policy, grants);
    if (ungranted.length > 0) throw new PolicyError(file, ungranted);
    for (const warning of policy.warnings) logger.warn('Access policy warning', { file, warning });
    logger.info('Access policy loaded', { file, rules: policy.rules.length });
    return policy;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    logConfigurationProblems(error, logger);
    return error;
  }
}

/** One ERROR line per problem of a configuration that failed closed. */
export function logConfigurationProblems(error: PolicyError, logger: Logger): void {
  const message =
    error.file === '(environment)'
      ? 'Function settings invalid; refusing every request'
      : error.file === REVOCATIONS_SOURCE
        ? 'Revocation malformed; refusing every request until it is fixed or removed'
        : 'Access policy invalid; refusing every request';
  for (const problem of error.problems) logger.error(message, { file: error.file, ...problem });
}
