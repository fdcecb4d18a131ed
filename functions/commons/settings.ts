import * as z from 'zod/mini';
import { PolicyError, type PolicyProblem } from '../domain/errors.js';
import type { Grants } from '../domain/policy/grants.js';
import '../domain/zod-messages.js';

/** Where the policy layer mounts the policy in Lambda. */
export const DEFAULT_POLICY_FILE = '/opt/policy/policy.yaml';

// A KMS key id, key ARN, alias name or alias ARN: what EncryptCommand's KeyId accepts.
const KMS_KEY =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32}|alias\/[\w/-]{1,250}|arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:(?:key\/[\w-]+|alias\/[\w/-]+))$/;
// Comma-separated cluster identifiers or workgroup names; empty when the template lists none.
const NAME_LIST = /^(?:[a-z0-9][a-z0-9-]{0,63}(?:,[a-z0-9][a-z0-9-]{0,63})*)?$/;
const ROLE_ARN = 'arn:aws(?:-[a-z]+)*:iam::\\d{12}:role/[\\x21-\\x2b\\x2d-\\x7e]+';
const ROLE_LIST = new RegExp(`^(?:${ROLE_ARN}(?:,${ROLE_ARN})*)?$`);

const NonEmpty = z.string().check(z.minLength(1));

const SettingsSchema = z.object({
  POLICY_FILE: z._default(NonEmpty, DEFAULT_POLICY_FILE),
  TASK_OUTPUT_KEY_ID: z.optional(
    z.string().check(z.regex(KMS_KEY, 'must be a KMS key id, key ARN or alias')),
  ),
  API_ID: z.optional(z.string().check(z.regex(/^[a-z0-9]{1,64}$/, 'must be a REST API id'))),
  API_STAGE: z.optional(NonEmpty),
  GRANTED_CLUSTERS: z.optional(
    z.string().check(z.regex(NAME_LIST, 'must be comma-separated cluster identifiers')),
  ),
  GRANTED_WORKGROUPS: z.optional(
    z.string().check(z.regex(NAME_LIST, 'must be comma-separated workgroup names')),
  ),
  GRANTED_ROLES: z.optional(
    z.string().check(z.regex(ROLE_LIST, 'must be comma-separated IAM role ARNs')),
  ),
  TARGET_LOOKUP_AT_START: z._default(z.enum(['true', 'false']), 'true'),
  ADMIN_USER_MAX_AGE_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.gte(10), z.lte(3600)),
    300,
  ),
  REVOCATIONS_TABLE: z.optional(
    z.string().check(z.regex(/^[\w.-]{3,255}$/, 'must be a DynamoDB table name')),
  ),
  REVOCATIONS_MAX_AGE_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.gte(1), z.lte(300)),
    10,
  ),
  REVOCATIONS_STALE_SECONDS: z._default(
    z.coerce.number().check(z.int(), z.gte(0), z.lte(3600)),
    300,
  ),
});

/** The API and stage whose events the API function accepts. */
export interface ApiSource {
  readonly apiId: string;
  readonly stage: string;
}

/** The functions' environment, validated. */
export interface Settings {
  readonly policyFile: string;
  readonly taskOutputKeyId: string | undefined;
  /** Set for the API function: events from anywhere else are refused. */
  readonly api: ApiSource | undefined;
  /** What the deployment's IAM grants in this account; every target here must be in it. */
  readonly grants: Grants;
  /** Whether the cold start looks up every target before the first request. */
  readonly lookUpTargetsAtStart: boolean;
  /** How long a target's looked-up admin user (and endpoint) is used before it is looked up again. */
  readonly adminUserMaxAgeMs: number;
  /** Where operators record revocations, and how long a read of them serves; none: no table. */
  readonly revocations:
    | { readonly table: string; readonly maxAgeSeconds: number; readonly staleSeconds: number }
    | undefined;
}

const nameSet = (list: string) => new Set(list.split(',').filter((name) => name !== ''));

const invalid = (problems: PolicyProblem[]) =>
  new PolicyError(
    '(environment)',
    problems,
    undefined,
    "The function's settings are invalid; see the function log",
  );

/**
 * Reads the environment once, at cold start. A bad value is a PolicyError naming each variable,
 * so the function fails closed exactly as it does for a bad policy. The API function also needs
 * to know which API and stage it serves.
 */
export function readSettings(
  environment: Readonly<Record<string, string | undefined>>,
  role: 'api' | 'task',
): Settings {
  const parsed = SettingsSchema.safeParse(environment);
  if (!parsed.success) {
    throw invalid(
      parsed.error.issues.map((issue) => ({
        field: issue.path.map(String).join('.'),
        problem: issue.message,
      })),
    );
  }
  const {
    POLICY_FILE,
    TASK_OUTPUT_KEY_ID,
    API_ID,
    API_STAGE,
    GRANTED_CLUSTERS,
    GRANTED_WORKGROUPS,
    GRANTED_ROLES,
    TARGET_LOOKUP_AT_START,
    ADMIN_USER_MAX_AGE_SECONDS,
    REVOCATIONS_TABLE,
    REVOCATIONS_MAX_AGE_SECONDS,
    REVOCATIONS_STALE_SECONDS,
  } = parsed.data;
  if (REVOCATIONS_STALE_SECONDS < REVOCATIONS_MAX_AGE_SECONDS) {
    throw invalid([
      {
        field: 'REVOCATIONS_STALE_SECONDS',
        problem: 'must be at least REVOCATIONS_MAX_AGE_SECONDS',
      },
    ]);
  }
  if (role === 'api' && (API_ID === undefined || API_STAGE === undefined)) {
    throw invalid(
      [
        ['API_ID', API_ID],
        ['API_STAGE', API_STAGE],
      ]
        .filter(([, value]) => value === undefined)
        .map(([field = '']) => ({
          field,
          problem: 'is required: the API function serves exactly one REST API stage',
        })),
    );
  }
  return {
    policyFile: POLICY_FILE,
    taskOutputKeyId: TASK_OUTPUT_KEY_ID,
    api:
      API_ID !== undefined && API_STAGE !== undefined
        ? { apiId: API_ID, stage: API_STAGE }
        : undefined,
    grants: {
      ...(GRANTED_CLUSTERS !== undefined && { clusters: nameSet(GRANTED_CLUSTERS) }),
      ...(GRANTED_WORKGROUPS !== undefined && { workgroups: nameSet(GRANTED_WORKGROUPS) }),
      ...(GRANTED_ROLES !== undefined && { roles: nameSet(GRANTED_ROLES) }),
    },
    lookUpTargetsAtStart: TARGET_LOOKUP_AT_START === 'true',
    adminUserMaxAgeMs: ADMIN_USER_MAX_AGE_SECONDS * 1000,
    revocations:
      REVOCATIONS_TABLE === undefined
        ? undefined
        : {
            table: REVOCATIONS_TABLE,
            maxAgeSeconds: REVOCATIONS_MAX_AGE_SECONDS,
            staleSeconds: REVOCATIONS_STALE_SECONDS,
          },
  };
}
