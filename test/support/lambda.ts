import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { vi } from 'vitest';
import type { ApiEvent } from '#commons/api-gateway.js';
import { lambdaContext as localLambdaContext } from '#local/lambda-context.js';

/** The context the tests' handlers run with. */
export const lambdaContext: Context = localLambdaContext(
  'redshift-credential-vendor-CredentialsApiFunction-AbC123',
  '7f1c6a3e-2b4d-4c5e-9f8a-1b2c3d4e5f60',
);

/** Everything written to stdout and stderr while active (nothing reaches the terminal). */
export interface CapturedOutput {
  text(): string;
  /** The JSON log lines written so far, parsed. */
  logLines(): Record<string, unknown>[];
}

export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const record = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  vi.spyOn(process.stdout, 'write').mockImplementation(record);
  vi.spyOn(process.stderr, 'write').mockImplementation(record);
  const text = () => chunks.join('');
  return {
    text,
    logLines: () =>
      text()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** The API handler module, imported afresh so it loads `policyFile` at its cold start. */
export async function loadApiHandler(policyFile: string) {
  vi.resetModules();
  process.env.POLICY_FILE = policyFile;
  const { handler } = await import('#functions/credentials-api.js');
  return (event: ApiEvent, context: Context = lambdaContext) => handler(event, context);
}

/** The task handler module, imported afresh with `policyFile` and the task-output key set. */
export async function loadTaskHandler(policyFile: string, taskOutputKeyId: string | undefined) {
  vi.resetModules();
  process.env.POLICY_FILE = policyFile;
  if (taskOutputKeyId === undefined) delete process.env.TASK_OUTPUT_KEY_ID;
  else process.env.TASK_OUTPUT_KEY_ID = taskOutputKeyId;
  const { handler } = await import('#functions/credentials-task.js');
  return (payload: unknown) => handler(payload, lambdaContext);
}

/** A sample event from events/, as API Gateway sends it (the files are real event shapes). */
export function readEvent(name: string): ApiEvent {
  return JSON.parse(readFileSync(`events/${name}`, 'utf8')) as ApiEvent;
}

/** A REST API (v1) event for `callerArn` with `body`, built from the IAM-user sample. */
export function restEvent(callerArn: string | undefined, body: unknown = {}): ApiEvent {
  const event = readEvent('api-iam-user.json') as APIGatewayProxyEvent;
  return {
    ...event,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    requestContext: {
      ...event.requestContext,
      identity: { ...event.requestContext.identity, userArn: callerArn ?? null },
    },
  };
}
