import { createServer, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback-server.js';

/**
 * moto_server has no Redshift Serverless, so this loopback server answers the two calls the
 * vendor makes, GetWorkgroup and GetNamespace, in the service's own wire protocol (AWS JSON 1.1:
 * a POST whose X-Amz-Target names the operation), from a table of workgroups. The real SDK
 * client talks to it through AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS.
 */

export interface StubWorkgroup {
  readonly workgroupName: string;
  readonly namespaceName: string;
  readonly adminUsername: string;
  readonly address: string;
  readonly port: number;
}

export interface RedshiftServerlessStub {
  readonly endpoint: string;
  /** How many calls of each operation it answered. */
  readonly calls: () => Record<string, number>;
  close(): Promise<void>;
}

/** The example workgroup of the local vendor, in the example account and region. */
export const EXAMPLE_WORKGROUP: StubWorkgroup = {
  workgroupName: 'lake-wg',
  namespaceName: 'lake-ns',
  adminUsername: 'admin',
  address: 'lake-wg.123456789012.us-east-1.redshift-serverless.amazonaws.com',
  port: 5439,
};

function reply(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

const notFound = (response: ServerResponse, what: string) =>
  reply(response, 400, { __type: 'ResourceNotFoundException', message: `${what} not found` });

/** Starts the stub on a free loopback port, serving `workgroups`. */
export async function startRedshiftServerlessStub(
  workgroups: readonly StubWorkgroup[] = [EXAMPLE_WORKGROUP],
): Promise<RedshiftServerlessStub> {
  const calls: Record<string, number> = {};
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(
        /^RedshiftServerless\./,
        '',
      );
      calls[operation] = (calls[operation] ?? 0) + 1;
      const input = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, string>;
      if (operation === 'GetWorkgroup') {
        const found = workgroups.find((w) => w.workgroupName === input.workgroupName);
        if (!found) return notFound(response, `Workgroup ${input.workgroupName}`);
        return reply(response, 200, {
          workgroup: {
            workgroupName: found.workgroupName,
            namespaceName: found.namespaceName,
            status: 'AVAILABLE',
            endpoint: { address: found.address, port: found.port },
          },
        });
      }
      if (operation === 'GetNamespace') {
        const found = workgroups.find((w) => w.namespaceName === input.namespaceName);
        if (!found) return notFound(response, `Namespace ${input.namespaceName}`);
        return reply(response, 200, {
          namespace: {
            namespaceName: found.namespaceName,
            adminUsername: found.adminUsername,
            status: 'AVAILABLE',
          },
        });
      }
      return reply(response, 400, {
        __type: 'UnknownOperationException',
        message: `the local stub does not serve ${operation}`,
      });
    });
  });
  return { ...(await listenOnLoopback(server)), calls: () => ({ ...calls }) };
}
