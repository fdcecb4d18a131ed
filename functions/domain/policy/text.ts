import { load, YAMLException } from 'js-yaml';
import { PolicyError } from '../errors.js';
import { policyFromDocument, reviewPolicyDocument } from './compile.js';
import { isJsonPolicy, parsePolicyJson } from './document.js';
import type { ExactChecks } from './exact-warnings.js';
import type { Policy, PolicyReview } from './model.js';

/**
 * The policy as its authors write it: YAML (`policy.yaml`), or JSON for a file whose name ends
 * `.json`. Kept apart from the policy's rules so that a function reading a JSON policy never
 * loads a YAML parser.
 */

/**
 * Validates and compiles a policy given as text; throws PolicyError naming every problem. The
 * exact checks' warnings are there when `exact` is given.
 */
export function parsePolicy(text: string, file: string, exact?: ExactChecks): Policy {
  const parsed = parsePolicyText(text, file);
  if ('problem' in parsed) throw new PolicyError(file, parsed.problem.problems);
  return policyFromDocument(parsed.document, file, exact);
}

/** Parses a policy file's text into its document, or the syntax problem that stops it. */
export function parsePolicyText(
  text: string,
  file: string,
): { document: unknown } | { problem: PolicyReview } {
  if (isJsonPolicy(file)) return parsePolicyJson(text);
  try {
    // js-yaml's default (core) schema: YAML 1.2 types only; duplicate keys are errors.
    return { document: load(text, { filename: file }) };
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const line = error.mark ? `yaml line ${error.mark.line + 1}` : 'yaml';
    // Name the key a duplicate is about: the mapping key on the line the parser stopped at.
    const key = /^\s*(?:- )?([^:#\s][^:#]*?)\s*:/.exec(
      text.split('\n')[error.mark?.line ?? -1] ?? '',
    )?.[1];
    const problem =
      error.reason === 'duplicated mapping key' && key !== undefined
        ? `duplicated mapping key "${key}"`
        : error.reason;
    return {
      problem: {
        policy: undefined,
        problems: [{ field: `(${line})`, problem }],
        warnings: [],
      },
    };
  }
}

/** Every problem and warning of a policy given as text, in one pass. */
export function reviewPolicy(text: string, file: string, exact?: ExactChecks): PolicyReview {
  const parsed = parsePolicyText(text, file);
  return 'problem' in parsed ? parsed.problem : reviewPolicyDocument(parsed.document, exact);
}
