import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback-server.js';
import { SetupError } from './setup-error.js';

/**
 * moto_server keeps no real Step Functions history: its GetExecutionHistory answers every
 * execution with the same sample events, oldest first whatever `reverseOrder` says. The
 * credentials task reads the history to find its own open `lambda:invoke` task, so this
 * loopback server answers GetExecutionHistory in the service's own wire protocol (AWS JSON 1.0:
 * a POST whose X-Amz-Target names the operation) from histories it is given, and passes every
 * other call through to moto_server unchanged. The real SDK client talks to it through
 * AWS_ENDPOINT_URL_SFN.
 *
 * A history is given with `PUT /stub/history?executionArn=<arn>` and a JSON array of events,
 * oldest first, in GetExecutionHistory's own shape (timestamps as epoch seconds).
 */

export interface StepFunctionsStub {
  readonly endpoint: string;
  close(): Promise<void>;
}

/** One history event as the wire carries it; only `id` is read here. */
export type WireHistoryEvent = { readonly id: number } & Readonly<Record<string, unknown>>;

const HISTORY_ROUTE = '/stub/history';

async function bodyOf(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify(body));
}

/** One page of `events` as GetExecutionHistory pages them (`nextToken` is an offset here). */
function page(
  events: readonly WireHistoryEvent[],
  input: { reverseOrder?: boolean; maxResults?: number; nextToken?: string },
) {
  const ordered = input.reverseOrder ? [...events].reverse() : events;
  const start = Number(input.nextToken ?? 0);
  const size = input.maxResults || 100;
  const end = Math.min(start + size, ordered.length);
  return {
    events: ordered.slice(start, end),
    ...(end < ordered.length && { nextToken: String(end) }),
  };
}

/** Starts the stub on a free loopback port in front of the emulator at `upstream`. */
export async function startStepFunctionsStub(upstream: string): Promise<StepFunctionsStub> {
  const histories = new Map<string, readonly WireHistoryEvent[]>();
  const server = createServer((request, response) => {
    void (async () => {
      const body = await bodyOf(request);
      const url = new URL(request.url ?? '/', 'http://stub');
      if (url.pathname === HISTORY_ROUTE && request.method === 'PUT') {
        histories.set(url.searchParams.get('executionArn') ?? '', JSON.parse(body.toString()));
        response.writeHead(204).end();
        return;
      }
      if (request.headers['x-amz-target'] === 'AWSStepFunctions.GetExecutionHistory') {
        const input = JSON.parse(body.toString() || '{}') as Parameters<typeof page>[1] & {
          executionArn?: string;
        };
        const history = histories.get(input.executionArn ?? '');
        if (history !== undefined) return reply(response, 200, page(history, input));
      }
      // Everything else, and the history of an execution nobody described here, is moto's.
      const answer = await fetch(new URL(request.url ?? '/', upstream), {
        method: request.method ?? 'POST',
        headers: Object.entries(request.headers).flatMap(([name, value]) =>
          typeof value === 'string' && name !== 'host' ? [[name, value] as [string, string]] : [],
        ),
        ...(body.length > 0 && { body }),
      });
      response.writeHead(answer.status, Object.fromEntries(answer.headers));
      response.end(Buffer.from(await answer.arrayBuffer()));
    })().catch((error: unknown) => {
      reply(response, 500, { __type: 'InternalFailure', message: String(error) });
    });
  });
  return listenOnLoopback(server);
}

/** Gives the stub at `endpoint` the history (oldest first) of `executionArn`. */
export async function recordHistory(
  endpoint: string,
  executionArn: string,
  events: readonly WireHistoryEvent[],
): Promise<void> {
  const url = new URL(HISTORY_ROUTE, endpoint);
  url.searchParams.set('executionArn', executionArn);
  const response = await fetch(url, { method: 'PUT', body: JSON.stringify(events) }).catch(
    () => undefined,
  );
  if (!response?.ok) {
    throw new SetupError(
      `AWS_ENDPOINT_URL_SFN=${endpoint} is not a local Step Functions stub: unset it (the local tools start one) or use the one npm start prints`,
    );
  }
}

/** How far an execution's credentials step (a `lambda:invoke` task) has got. */
export type TaskStage =
  | 'scheduled'
  | 'started'
  | 'succeeded'
  | 'failed'
  | 'timed out'
  | 'failed to start';

/**
 * The history of an execution whose credentials step invokes `functionName` and has got to
 * `stage`, oldest first, in GetExecutionHistory's wire shape.
 */
export function credentialsStepHistory(
  executionArn: string,
  functionName: string,
  stage: TaskStage = 'started',
  startedAt = Math.floor(Date.now() / 1000),
): WireHistoryEvent[] {
  const lambdaInvoke = { resourceType: 'lambda', resource: 'invoke' };
  const event = (id: number, previousEventId: number, type: string, details: object) => ({
    id,
    previousEventId,
    timestamp: startedAt + id,
    type,
    ...details,
  });
  const events = [
    event(1, 0, 'ExecutionStarted', { executionStartedEventDetails: { input: '{}' } }),
    event(2, 0, 'TaskStateEntered', {
      stateEnteredEventDetails: { name: 'GetDatabaseCredentials', input: '{}' },
    }),
    event(3, 2, 'TaskScheduled', {
      taskScheduledEventDetails: {
        ...lambdaInvoke,
        region: executionArn.split(':')[3] ?? '',
        parameters: JSON.stringify({ FunctionName: functionName, Payload: { executionArn } }),
      },
    }),
  ];
  if (stage === 'scheduled') return events;
  if (stage === 'failed to start') {
    return [
      ...events,
      event(4, 3, 'TaskStartFailed', {
        taskStartFailedEventDetails: { ...lambdaInvoke, error: 'Lambda.AccessDeniedException' },
      }),
    ];
  }
  events.push(event(4, 3, 'TaskStarted', { taskStartedEventDetails: lambdaInvoke }));
  const ends = {
    succeeded: ['TaskSucceeded', { taskSucceededEventDetails: { ...lambdaInvoke, output: '{}' } }],
    failed: ['TaskFailed', { taskFailedEventDetails: { ...lambdaInvoke, error: 'AccessDenied' } }],
    'timed out': ['TaskTimedOut', { taskTimedOutEventDetails: lambdaInvoke }],
  } as const;
  if (stage === 'started') return events;
  const [type, details] = ends[stage];
  return [...events, event(5, 4, type, details)];
}
