import * as z from 'zod/mini';
import { toDotPath } from 'zod/v4/core';
import { unknownField } from '../near-miss.js';
import { MAX_DURATION_SECONDS, MIN_DURATION_SECONDS, type PolicyReview } from './model.js';
import '../zod-messages.js';

/**
 * The policy document as its authors write it: the fields of each section and their types,
 * checked one field at a time so that one mistake never hides another.
 */

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const NonEmptyString = z.string().check(z.minLength(1));
const NonEmptyList = z.array(z.string()).check(z.minLength(1));

const Port = z.int().check(z.gte(1), z.lte(65535));
const DNS_NAME = z.hostname();
const IPV6 = z.ipv6();
/** A DNS name or an IP address: a client puts it into a connection URI as it is. */
const Host = z.string().check(
  z.refine((value) => DNS_NAME.safeParse(value).success || IPV6.safeParse(value).success, {
    message: 'must be a DNS name or an IP address',
  }),
);
const Duration = z.int().check(z.gte(MIN_DURATION_SECONDS), z.lte(MAX_DURATION_SECONDS));

/** A section of the document: the schema of each field it may have, and which it must have. */
export interface Section {
  readonly fields: Readonly<Record<string, z.ZodMiniType>>;
  readonly required: readonly string[];
}

export const DOCUMENT: Section = {
  fields: {
    version: z.literal(1),
    targets: z.custom<Record<string, unknown>>(isPlainObject, 'expected object'),
    protectedDbUsers: z.array(z.string()),
    rules: z.array(z.unknown()),
  },
  required: ['version', 'targets', 'rules'],
};

export const TARGET: Section = {
  fields: {
    clusterIdentifier: z.string(),
    workgroupName: z.string(),
    database: z.string(),
    host: Host,
    port: Port,
    region: z.string(),
    roleArn: z.string(),
    externalId: z.string(),
  },
  required: ['database'],
};

export const RULE: Section = {
  fields: {
    name: NonEmptyString,
    principals: NonEmptyList,
    effect: z.enum(['allow', 'deny']),
    targets: NonEmptyList,
    databases: NonEmptyList,
    dbUser: z.string(),
    trustSessionName: z.boolean(),
    dbGroups: z.array(z.string()),
    autoCreate: z.boolean(),
    maxDurationSeconds: Duration,
    // Gone: a task result in the execution history must never carry the password in the clear.
    taskOutput: z.unknown(),
  },
  required: ['name', 'principals'],
};

export interface RuleDocument {
  readonly name?: string;
  readonly principals?: string[];
  readonly effect?: 'allow' | 'deny';
  readonly targets?: string[];
  readonly databases?: string[];
  readonly dbUser?: string;
  readonly trustSessionName?: boolean;
  readonly dbGroups?: string[];
  readonly autoCreate?: boolean;
  readonly maxDurationSeconds?: number;
  readonly taskOutput?: unknown;
}

export type Report = (field: string, problem: string) => void;

/**
 * Checks each field of a section on its own, so that one bad field never hides another:
 * unknown fields (with the known one a near miss probably meant), missing required fields and
 * each field's type and range. Returns the fields that passed.
 */
export function checkSection(
  raw: unknown,
  section: Section,
  report: Report,
): Record<string, unknown> {
  if (!isPlainObject(raw)) {
    report('', 'expected object');
    return {};
  }
  const valid: Record<string, unknown> = Object.create(null);
  for (const [key, value] of Object.entries(raw)) {
    // Own fields only: a key such as "constructor" or "__proto__" is unknown like any other.
    const schema = Object.hasOwn(section.fields, key) ? section.fields[key] : undefined;
    if (schema === undefined) {
      report('', unknownField(key, Object.keys(section.fields)));
      continue;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) valid[key] = parsed.data;
    for (const issue of parsed.error?.issues ?? []) {
      report(
        `${key}${toDotPath(issue.path).replace(/^(?=[^[])/, issue.path.length ? '.' : '')}`,
        issue.message,
      );
    }
  }
  for (const key of section.required) {
    if (!Object.hasOwn(raw, key))
      report(
        key,
        section.fields[key]?.safeParse(undefined).error?.issues[0]?.message ?? 'is required',
      );
  }
  return valid;
}

/** Whether a policy file is written as JSON (by its name) rather than YAML. */
export const isJsonPolicy = (file: string) => file.toLowerCase().endsWith('.json');

/** Parses a policy written as JSON into its document, or the syntax problem that stops it. */
export function parsePolicyJson(text: string): { document: unknown } | { problem: PolicyReview } {
  try {
    return { document: JSON.parse(text) };
  } catch (error) {
    return {
      problem: {
        policy: undefined,
        problems: [{ field: '(json)', problem: (error as Error).message }],
        warnings: [],
      },
    };
  }
}
