import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from '@aws-lambda-powertools/logger';
import { PolicyError } from '../domain/errors.js';
import {
  type Grants,
  type Policy,
  policyFromDocument,
  ungrantedTargets,
} from '../domain/policy.js';

/**
 * Beside `policy.yaml`, the build writes `policy.parsed.json`: the same document already parsed,
 * with the SHA-256 of the YAML it was made from. A function uses it only while that digest matches
 * the YAML next to it, so an edited policy is never judged by a stale copy, and it then skips
 * the YAML parser altogether (a 10,000-rule policy parses ~20 times faster as JSON). Either way
 * the document goes through the same validation and fails closed the same way.
 */
export const parsedFormOf = (file: string) => `${file.replace(/\.ya?ml$/, '')}.parsed.json`;

const FORMAT = 'redshift-credential-vendor/parsed-policy/1';

interface ParsedForm {
  readonly format: typeof FORMAT;
  readonly sourceSha256: string;
  readonly document: unknown;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The parsed form's text for a policy's YAML, or undefined when the YAML does not parse. */
export async function parsedPolicyForm(text: string, file: string): Promise<string | undefined> {
  const { parsePolicyYaml } = await import('../domain/policy-yaml.js');
  const parsed = parsePolicyYaml(text, file);
  if (!('document' in parsed)) return undefined;
  const form: ParsedForm = {
    format: FORMAT,
    sourceSha256: sha256(text),
    document: parsed.document,
  };
  return `${JSON.stringify(form)}\n`;
}

/** The document of `file`'s parsed form, or why it was not used. */
function readParsedForm(file: string, text: string): { document: unknown } | { unused: string } {
  let form: Partial<ParsedForm>;
  try {
    form = JSON.parse(readFileSync(parsedFormOf(file), 'utf8')) as Partial<ParsedForm>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { unused: code === 'ENOENT' ? 'absent' : 'unreadable' };
  }
  if (form.format !== FORMAT || !('document' in form)) return { unused: 'not a parsed policy' };
  if (form.sourceSha256 !== sha256(text)) return { unused: 'made from another version' };
  return { document: form.document };
}

/**
 * Why the parsed form beside `file` would not be used for `text`, when there is one that would
 * not; undefined when there is none, or when it matches.
 */
export function unusedParsedForm(file: string, text: string): string | undefined {
  const parsed = readParsedForm(file, text);
  return 'unused' in parsed && parsed.unused !== 'absent' ? parsed.unused : undefined;
}

export interface PolicyFile {
  readonly policy: Policy;
  /** Why the parsed form was not used, when it was not. */
  readonly parsedFormUnused?: string;
}

/** Reads, validates and compiles the policy file; throws PolicyError naming every problem. */
export async function readPolicyFile(file: string): Promise<PolicyFile> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new PolicyError(file, [{ field: '(file)', problem: `cannot be read (${reason})` }], {
      cause: error,
    });
  }
  const parsed = readParsedForm(file, text);
  if ('document' in parsed) return { policy: policyFromDocument(parsed.document, file) };
  const { parsePolicyYaml } = await import('../domain/policy-yaml.js');
  const yaml = parsePolicyYaml(text, file);
  if ('problem' in yaml) throw new PolicyError(file, yaml.problem.problems);
  return { policy: policyFromDocument(yaml.document, file), parsedFormUnused: parsed.unused };
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
    const { policy, parsedFormUnused } = await readPolicyFile(file);
    if (parsedFormUnused !== undefined && parsedFormUnused !== 'absent') {
      logger.warn('Access policy read from YAML: its parsed form was not used', {
        file: parsedFormOf(file),
        reason: parsedFormUnused,
      });
    }
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
      : 'Access policy invalid; refusing every request';
  for (const problem of error.problems) logger.error(message, { file: error.file, ...problem });
}
