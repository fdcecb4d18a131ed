import * as z from 'zod/mini';
import type { CredentialsRequest } from '../contract.js';
import { invalidRequest, requestFields } from './request.js';
import './zod-messages.js';

/** The Step Functions task's payload: the request fields and the execution (`$$.Execution.Id`). */
const TaskPayloadSchema = z.strictObject({
  ...requestFields,
  executionArn: z.string().check(z.minLength(1), z.maxLength(2048)),
});

/**
 * Validates a task payload. Anything but the request fields and `executionArn` — a forged
 * `requestContext` or `principal` among them — is an unknown field.
 */
export function parseTaskPayload(payload: unknown): {
  executionArn: string;
  request: CredentialsRequest;
} {
  const parsed = TaskPayloadSchema.safeParse(payload);
  if (!parsed.success)
    throw invalidRequest(parsed.error.issues, Object.keys(TaskPayloadSchema.shape));
  const { executionArn, ...request } = parsed.data;
  return { executionArn, request };
}
