import * as z from 'zod/mini';
import type { CredentialsRequest } from '../contract.js';
import { InvalidRequestError } from './errors.js';
import { unknownField } from './near-miss.js';
import './zod-messages.js';

const Name = z.string().check(z.minLength(1), z.maxLength(128));

/** The request fields, shared by the HTTP API body and the Step Functions task payload. */
export const requestFields = {
  target: z.optional(Name),
  database: z.optional(Name),
  dbGroups: z.optional(
    z.array(Name).check(
      z.maxLength(64),
      z.refine((groups) => new Set(groups).size === groups.length, 'must not repeat a group'),
    ),
  ),
  // Its range depends on the caller's rule, so authorize checks it and states that range.
  durationSeconds: z.optional(z.int()),
};

const CredentialsRequestSchema = z.strictObject(requestFields);

const MAX_MESSAGE_LENGTH = 300;

/** Validates a request body already decoded from JSON; throws InvalidRequestError. */
export function parseCredentialsRequest(body: unknown): CredentialsRequest {
  const parsed = CredentialsRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw invalidRequest(parsed.error.issues, Object.keys(requestFields));
}

/** An InvalidRequestError naming each field's problem, and the field a misspelt one meant. */
export function invalidRequest(
  issues: readonly z.core.$ZodIssue[],
  known: readonly string[],
): InvalidRequestError {
  const message = issues
    .map((issue) => {
      const field = issue.path.map(String).join('.');
      const problem =
        issue.code === 'unrecognized_keys'
          ? issue.keys.map((key) => unknownField(key, known)).join(', ')
          : issue.message;
      return field ? `${field}: ${problem}` : problem;
    })
    .join('; ');
  return new InvalidRequestError(truncate(message));
}

const truncate = (text: string) =>
  text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text;
