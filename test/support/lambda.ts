import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { vi } from 'vitest';
import type { ApiEvent } from '../../functions/commons/api-gateway.js';

/** A Lambda context as the runtime passes it. */
export const lambdaContext: Context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'redshift-credential-vendor-CredentialsApiFunction-AbC123',
  functionVersion: '$LATEST',
  invokedFunctionArn:
    'arn:aws:lambda:us-east-1:123456789012:function:redshift-credential-vendor-CredentialsApiFunction-AbC123',
  memoryLimitInMB: '256',
  awsRequestId: '7f1c6a3e-2b4d-4c5e-9f8a-1b2c3d4e5f60',
  logGroupName: '/aws/lambda/redshift-credential-vendor-credentials-api',
  logStreamName: '2026/11/26/[$LATEST]0123456789abcdef0123456789abcdef',
  getRemainingTimeInMillis: () => 15_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

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
  const { handler } = await import('../../functions/credentials-api.js');
  return (event: ApiEvent) => handler(event, lambdaContext);
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
