import * as z from 'zod/mini';
import { PolicyError } from '../domain/errors.js';
import '../domain/zod-messages.js';

/** Where the policy layer mounts the policy in Lambda. */
export const DEFAULT_POLICY_FILE = '/opt/policy/policy.yaml';

// A KMS key id, key ARN, alias name or alias ARN: what EncryptCommand's KeyId accepts.
const KMS_KEY =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[\w/-]{1,250}|arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:(?:key\/[\w-]+|alias\/[\w/-]+))$/;

const SettingsSchema = z.object({
  POLICY_FILE: z._default(z.string().check(z.minLength(1)), DEFAULT_POLICY_FILE),
  TASK_OUTPUT_KEY_ID: z.optional(
    z.string().check(z.regex(KMS_KEY, 'must be a KMS key id, key ARN or alias')),
  ),
  POWERTOOLS_SERVICE_NAME: z._default(
    z.string().check(z.minLength(1)),
    'redshift-credential-vendor',
  ),
});

/** The functions' environment, validated. */
export interface Settings {
  readonly policyFile: string;
  readonly taskOutputKeyId: string | undefined;
  readonly serviceName: string;
}

/**
 * Reads the environment once, at cold start. A bad value is a PolicyError naming each variable,
 * so the function fails closed exactly as it does for a bad policy.
 */
export function readSettings(environment: Readonly<Record<string, string | undefined>>): Settings {
  const parsed = SettingsSchema.safeParse(environment);
  if (!parsed.success) {
    throw new PolicyError(
      '(environment)',
      parsed.error.issues.map((issue) => ({
        field: issue.path.map(String).join('.'),
        problem: issue.message,
      })),
      undefined,
      "The function's settings are invalid; see the function log",
    );
  }
  const { POLICY_FILE, TASK_OUTPUT_KEY_ID, POWERTOOLS_SERVICE_NAME } = parsed.data;
  return {
    policyFile: POLICY_FILE,
    taskOutputKeyId: TASK_OUTPUT_KEY_ID,
    serviceName: POWERTOOLS_SERVICE_NAME,
  };
}
