import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { LocalIdentity } from './identities.js';
import { lambdaContext } from './lambda-context.js';
import { SetupError } from './setup-error.js';
import { type SignedRequest, verifySigV4 } from './sigv4-verifier.js';

/**
 * A local stand-in for the deployed REST API: `POST /credentials` (also under the `/v1` stage
 * prefix of the real URL) with API Gateway's AWS_IAM authorization, in front of the same handler
 * code. Loopback only.
 */

export type ApiHandler = (
  event: APIGatewayProxyEvent,
  context: Context,
) => Promise<APIGatewayProxyResult>;

export interface GatewayOptions {
  readonly handler: ApiHandler;
  readonly identities: ReadonlyMap<string, LocalIdentity>;
  readonly region: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Told about each request: method, path, status and who made it. */
  readonly onRequest?: (line: string) => void;
}

export interface LocalGateway {
  readonly url: string;
  close(): Promise<void>;
}

const ROUTES = new Set(['/credentials', '/v1/credentials']);
const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** The API id and stage the local gateway's events carry (the vendor accepts only its own). */
export const LOCAL_API = { apiId: 'local', stage: 'v1' };
const STAGE = LOCAL_API.stage;

export async function startGateway(options: GatewayOptions): Promise<LocalGateway> {
  const server = createServer((request, response) => {
    handle(request, response, options).catch((error: unknown) => {
      options.onRequest?.(`gateway failure: ${String(error)}`);
      if (!response.headersSent)
        send(response, 500, { message: 'Internal server error' }, randomUUID());
    });
  });
  server.listen(options.port, '127.0.0.1');
  try {
    await once(server, 'listening');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new SetupError(
      `port ${options.port} is in use: set PORT to a free port (PORT=${options.port + 1} npm start)`,
    );
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, options: GatewayOptions) {
  const requestId = randomUUID();
  const [rawPath = '/', rawQuery = ''] = (request.url ?? '/').split(/\?(.*)/s, 2);
  const log = (status: number, who: string) =>
    options.onRequest?.(`${request.method} ${rawPath} ${status} ${who}`);

  const body = await readBody(request);
  if (body === undefined) {
    send(response, 413, { message: 'Request Too Long' }, requestId);
    return log(413, '(body over 10 MB)');
  }
  // API Gateway answers an unknown route this way whether or not the request is signed.
  if (request.method !== 'POST' || !ROUTES.has(rawPath)) {
    send(
      response,
      403,
      { message: 'Missing Authentication Token' },
      requestId,
      'MissingAuthenticationTokenException',
    );
    return log(403, '(no such route)');
  }

  const signed: SignedRequest = {
    method: request.method,
    path: rawPath,
    query: parseQuery(rawQuery),
    headers: request.headers as Record<string, string | undefined>,
    body,
  };
  const verification = await verifySigV4(signed, options.identities, { region: options.region });
  if (!verification.ok) {
    send(response, 403, { message: verification.message }, requestId, verification.errorType);
    return log(403, verification.errorType);
  }

  const event = restApiEvent(request, signed, rawPath, verification.identity, requestId);
  let result: APIGatewayProxyResult;
  try {
    result = await options.handler(event, lambdaContext('credentials-api', requestId));
  } catch {
    send(response, 502, { message: 'Internal server error' }, requestId);
    return log(502, verification.identity.arn);
  }
  response.writeHead(result.statusCode, {
    ...stringHeaders(result.headers),
    'x-amzn-RequestId': requestId,
  });
  response.end(result.body);
  log(result.statusCode, verification.identity.arn);
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(rawQuery)) {
    const existing = query[key];
    query[key] = existing === undefined ? value : [existing, value].flat();
  }
  return query;
}

/** The REST API (v1) proxy event API Gateway builds, identity filled from the verified key. */
function restApiEvent(
  request: IncomingMessage,
  signed: SignedRequest,
  path: string,
  identity: LocalIdentity,
  requestId: string,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] ?? '';
    const value = request.rawHeaders[i + 1] ?? '';
    headers[name] = value;
    multiValueHeaders[name] = [...(multiValueHeaders[name] ?? []), value];
  }
  const query = Object.entries(signed.query);
  const now = new Date();
  const accountId = identity.arn.split(':')[4] ?? '';
  const uniqueId = uniqueIdOf(identity);
  const host = signed.headers.host ?? '127.0.0.1';
  return {
    resource: '/credentials',
    path: '/credentials',
    httpMethod: signed.method,
    headers,
    multiValueHeaders,
    queryStringParameters:
      query.length > 0
        ? Object.fromEntries(query.map(([k, v]) => [k, [v].flat().at(-1) ?? '']))
        : null,
    multiValueQueryStringParameters:
      query.length > 0 ? Object.fromEntries(query.map(([k, v]) => [k, [v].flat()])) : null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId,
      apiId: LOCAL_API.apiId,
      authorizer: undefined,
      domainName: host,
      domainPrefix: 'local',
      extendedRequestId: requestId,
      httpMethod: signed.method,
      identity: {
        accessKey: identity.accessKeyId,
        accountId,
        apiKey: null,
        apiKeyId: null,
        caller: uniqueId,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        user: uniqueId,
        userAgent: signed.headers['user-agent'] ?? null,
        userArn: identity.arn,
      },
      path: path.startsWith(`/${STAGE}/`) ? path : `/${STAGE}${path}`,
      protocol: `HTTP/${request.httpVersion}`,
      requestId,
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      resourceId: 'local',
      resourcePath: '/credentials',
      stage: STAGE,
    },
    body: signed.body.length > 0 ? signed.body.toString('utf8') : null,
    isBase64Encoded: false,
  };
}

/** A stable stand-in for the IAM unique id API Gateway reports as `caller`/`user`. */
function uniqueIdOf(identity: LocalIdentity): string {
  const digest = createHash('sha256').update(identity.arn).digest('hex').slice(0, 17).toUpperCase();
  const session = /:assumed-role\/[^/]+\/(.+)$/.exec(identity.arn)?.[1];
  return session === undefined ? `AIDA${digest}` : `AROA${digest}:${session}`;
}

function stringHeaders(headers: APIGatewayProxyResult['headers']): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]),
  );
}

function send(
  response: ServerResponse,
  status: number,
  body: { message: string },
  requestId: string,
  errorType?: string,
) {
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'x-amzn-RequestId': requestId,
    ...(errorType && { 'x-amzn-ErrorType': errorType }),
  });
  response.end(JSON.stringify(body));
}
