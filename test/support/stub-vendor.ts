import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One canned answer of the stub: status, headers and JSON body. */
export interface StubAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
}

export interface StubVendor {
  readonly url: string;
  /** The requests received so far: headers, path with query, body. */
  readonly requests: { headers: IncomingHttpHeaders; url: string; body: string }[];
  close(): Promise<void>;
}

/**
 * A loopback HTTP server standing in for the vendor: it answers each request with the next
 * answer (the last one repeats), after an optional delay, and records what it received.
 */
export async function startStubVendor(answers: StubAnswer[], delayMs = 0): Promise<StubVendor> {
  const requests: StubVendor['requests'] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      requests.push({ headers: request.headers, url: request.url ?? '', body });
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)] as StubAnswer;
      setTimeout(() => {
        response.writeHead(answer.status, {
          'content-type': 'application/json',
          ...answer.headers,
        });
        response.end(JSON.stringify(answer.body));
      }, delayMs);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/credentials`,
    requests,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A 200 answer with a credential that expires `seconds` after `now`. */
export function issued(password: string, now: number, seconds = 900): StubAnswer {
  return {
    status: 200,
    headers: { 'x-amzn-RequestId': `req-${password}` },
    body: {
      dbUser: 'IAM:reporting',
      dbPassword: password,
      expiration: new Date(now + seconds * 1000).toISOString(),
      target: 'analytics',
      clusterIdentifier: 'examplecluster',
      database: 'exampledb',
      dbGroups: ['reporting_ro'],
      host: 'examplecluster.abc123.us-east-1.redshift.amazonaws.com',
      port: 5439,
    },
  };
}

/** A vendor error answer as the credentials-api function sends it. */
export function refused(
  status: number,
  code: string,
  headers: Record<string, string> = {},
): StubAnswer {
  return {
    status,
    headers,
    body: { error: { code, message: `${code} for the test` }, requestId: `req-${code}` },
  };
}
