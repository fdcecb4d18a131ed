import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback-server.js';

/**
 * A loopback HTTP server that speaks Redshift's Query protocol (form-encoded POST, XML answers)
 * for GetClusterCredentials and DescribeClusters, so the real SDK — its signing, retries,
 * timeouts and XML parsing — runs against it. Tests script its GetClusterCredentials answers to
 * inject faults; `npm run bench` runs it as a child process (`tsx local/redshift-stub.ts` prints
 * its URL) to measure the full stack without AWS.
 */

/** What the stub does with the n-th GetClusterCredentials request (0-based). */
export type StubReply =
  | { readonly credentials: { readonly password?: string; readonly expiresInSeconds: number } }
  | { readonly error: { readonly status: number; readonly code: string } }
  | 'hang';

export interface RedshiftStub {
  readonly endpoint: string;
  /** GetClusterCredentials requests received since the last `reply`. */
  readonly requests: () => number;
  reply(behaviour: (attempt: number) => StubReply): void;
  close(): Promise<void>;
}

/** The example cluster the stub describes. */
export const STUB_CLUSTER = {
  identifier: 'examplecluster',
  database: 'exampledb',
  host: 'examplecluster.abc123.us-east-1.redshift.amazonaws.com',
  port: 5439,
  masterUsername: 'awsuser',
};
export const STUB_PASSWORD =
  'EXAMPLEjArE3hcnQj8zt4XQj9Xtma8oxYEM8OyxpDHwXVPyJYBDm/gqX2Eeaq6P3DgTzgPg==';

const NAMESPACE = 'http://redshift.amazonaws.com/doc/2012-12-01/';
const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}/, '');
const metadata = () =>
  `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;

function xml(response: ServerResponse, status: number, body: string) {
  response.writeHead(status, { 'content-type': 'text/xml' });
  response.end(body);
}

function describeClusters(response: ServerResponse) {
  const { identifier, database, host, port, masterUsername } = STUB_CLUSTER;
  xml(
    response,
    200,
    `<DescribeClustersResponse xmlns="${NAMESPACE}"><DescribeClustersResult><Clusters><Cluster>` +
      `<ClusterIdentifier>${identifier}</ClusterIdentifier><ClusterStatus>available</ClusterStatus>` +
      `<DBName>${database}</DBName><MasterUsername>${masterUsername}</MasterUsername>` +
      `<Endpoint><Address>${host}</Address><Port>${port}</Port></Endpoint>` +
      `</Cluster></Clusters></DescribeClustersResult>${metadata()}</DescribeClustersResponse>`,
  );
}

function getClusterCredentials(response: ServerResponse, reply: Exclude<StubReply, 'hang'>) {
  if ('error' in reply) {
    xml(
      response,
      reply.error.status,
      `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${reply.error.code}</Code>` +
        `<Message>stubbed ${reply.error.code}</Message></Error><RequestId>stub</RequestId></ErrorResponse>`,
    );
    return;
  }
  const { password, expiresInSeconds } = reply.credentials;
  xml(
    response,
    200,
    `<GetClusterCredentialsResponse xmlns="${NAMESPACE}"><GetClusterCredentialsResult><DbUser>IAM:reporting</DbUser>` +
      `<Expiration>${isoSeconds(new Date(Date.now() + expiresInSeconds * 1000))}</Expiration>` +
      (password === undefined ? '' : `<DbPassword>${password}</DbPassword>`) +
      `</GetClusterCredentialsResult>${metadata()}</GetClusterCredentialsResponse>`,
  );
}

/** Starts the stub on a free loopback port; by default every credential is valid for 15 minutes. */
export async function startRedshiftStub(): Promise<RedshiftStub> {
  let count = 0;
  let behaviour: (attempt: number) => StubReply = () => ({
    credentials: { password: STUB_PASSWORD, expiresInSeconds: 900 },
  });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const action = new URLSearchParams(Buffer.concat(chunks).toString()).get('Action');
      if (action === 'DescribeClusters') {
        describeClusters(response);
        return;
      }
      const reply = behaviour(count);
      count += 1;
      if (reply !== 'hang') getClusterCredentials(response, reply);
    });
  });
  // Keep-alive longer than any client's idle time, as AWS endpoints do.
  server.keepAliveTimeout = 60_000;
  return {
    ...(await listenOnLoopback(server)),
    requests: () => count,
    reply: (next) => {
      count = 0;
      behaviour = next;
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const stub = await startRedshiftStub();
  console.log(stub.endpoint);
}
