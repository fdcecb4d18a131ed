import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stub does with the n-th GetClusterCredentials request (0-based). */
export type StubReply =
  | { readonly credentials: { readonly password?: string; readonly expiresInSeconds: number } }
  | { readonly error: { readonly status: number; readonly code: string } }
  | 'hang';

export interface RedshiftStub {
  readonly endpoint: string;
  /** GetClusterCredentials requests received. */
  readonly requests: () => number;
  reply(behaviour: (attempt: number) => StubReply): void;
  close(): Promise<void>;
}

const NAMESPACE = 'http://redshift.amazonaws.com/doc/2012-12-01/';
const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}/, '');

function send(response: ServerResponse, reply: Exclude<StubReply, 'hang'>) {
  if ('error' in reply) {
    response.writeHead(reply.error.status, { 'content-type': 'text/xml' });
    response.end(
      `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${reply.error.code}</Code><Message>stubbed ${reply.error.code}</Message></Error><RequestId>stub</RequestId></ErrorResponse>`,
    );
    return;
  }
  const { password, expiresInSeconds } = reply.credentials;
  response.writeHead(200, { 'content-type': 'text/xml' });
  response.end(
    `<GetClusterCredentialsResponse xmlns="${NAMESPACE}"><GetClusterCredentialsResult><DbUser>IAM:reporting</DbUser>` +
      `<Expiration>${isoSeconds(new Date(Date.now() + expiresInSeconds * 1000))}</Expiration>` +
      (password === undefined ? '' : `<DbPassword>${password}</DbPassword>`) +
      `</GetClusterCredentialsResult><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></GetClusterCredentialsResponse>`,
  );
}

/**
 * A loopback HTTP server that speaks Redshift's Query protocol for GetClusterCredentials, so the
 * real SDK — its retries, timeouts and XML parsing — runs against scripted faults.
 */
export async function startRedshiftStub(): Promise<RedshiftStub> {
  let count = 0;
  let behaviour: (attempt: number) => StubReply = () => ({
    credentials: { password: 'p', expiresInSeconds: 900 },
  });
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const reply = behaviour(count);
      count += 1;
      if (reply !== 'hang') send(response, reply);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: () => count,
    reply: (next) => {
      count = 0;
      behaviour = next;
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
