import { load, YAMLException } from 'js-yaml';
import { PolicyError } from './errors.js';
import {
  type Policy,
  type PolicyReview,
  policyFromDocument,
  reviewPolicyDocument,
} from './policy.js';

/**
 * The policy as its authors write it, YAML. Kept apart from the policy's rules so that a function
 * reading the policy's parsed JSON form never loads a YAML parser.
 */

/** Validates and compiles a policy given as YAML text; throws PolicyError naming every problem. */
export function parsePolicy(text: string, file: string): Policy {
  const parsed = parsePolicyYaml(text, file);
  if ('problem' in parsed) throw new PolicyError(file, parsed.problem.problems);
  return policyFromDocument(parsed.document, file);
}

/** Parses YAML text into the policy document, or the YAML problem that stops it. */
export function parsePolicyYaml(
  text: string,
  file: string,
): { document: unknown } | { problem: PolicyReview } {
  try {
    // js-yaml's default (core) schema: YAML 1.2 types only; duplicate keys are errors.
    return { document: load(text, { filename: file }) };
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const line = error.mark ? `yaml line ${error.mark.line + 1}` : 'yaml';
    return {
      problem: {
        policy: undefined,
        problems: [{ field: `(${line})`, problem: error.reason }],
        warnings: [],
      },
    };
  }
}

/** Every problem and warning of a policy given as YAML text, in one pass. */
export function reviewPolicy(text: string, file: string): PolicyReview {
  const parsed = parsePolicyYaml(text, file);
  return 'problem' in parsed ? parsed.problem : reviewPolicyDocument(parsed.document);
}
