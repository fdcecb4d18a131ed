import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  aboveFloor,
  type Handler,
  importQuietly,
  p50OverFloor,
  timeInterleaved,
  withStubProcess,
} from './handlers.js';
import type { Figure } from './report.js';
import { triple } from './stats.js';

/** A keep-alive POST of the form GetClusterCredentials sends, as a handler: the wire alone. */
function rawRoundTrip(endpoint: string): Handler {
  const agent = new Agent({ keepAlive: true });
  const body =
    'Action=GetClusterCredentials&Version=2012-12-01&ClusterIdentifier=examplecluster&DbUser=reporting&DurationSeconds=900';
  return () =>
    new Promise<APIGatewayProxyResult>((done, fail) => {
      const sent = request(
        endpoint,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'content-length': body.length,
          },
        },
        (reply) => {
          let text = '';
          reply.setEncoding('utf8');
          reply.on('data', (chunk: string) => {
            text += chunk;
          });
          reply.on('end', () => done({ statusCode: reply.statusCode ?? 0, body: text }));
        },
      );
      sent.on('error', fail);
      sent.end(body);
    });
}

/**
 * The bundled handler with the full SDK stack (signing, serialisation, XML parsing) against the
 * local Redshift stub in its own process; interleaved with the floor bundle and with a bare HTTP
 * request of the same size.
 */
export function warmFullStack(floorBundle: string): Promise<Figure> {
  return withStubProcess(async (endpoint) => {
    process.env.AWS_ENDPOINT_URL = endpoint;
    try {
      const bundle = pathToFileURL(resolve('dist/credentials-api/index.mjs')).href;
      const handler = await importQuietly(bundle);
      const floor = await importQuietly(pathToFileURL(floorBundle).href);
      const [measured, floored, wire] = await timeInterleaved(
        [handler, floor, rawRoundTrip(endpoint)],
        1_000,
        5_000,
      );
      if (!measured || !floored || !wire) throw new Error('no figures');
      return {
        results: { warmFullStack: { ...measured, floor: floored, rawHttp: wire, endpoint } },
        rows: [
          p50OverFloor(
            `warm handler, full SDK vs local stub, p50 / the floor's (${measured.count})`,
            measured,
            floored,
            1.05,
          ),
          { figure: '  vendor: mean / p50 / p99', value: triple(measured), target: '' },
          {
            figure: '  floor: floor-handler bundle, interleaved',
            value: triple(floored),
            target: '',
          },
          {
            figure: '  the wire alone: keep-alive HTTP POST to the stub',
            value: triple(wire),
            target: '',
          },
          aboveFloor(measured, floored),
        ],
      };
    } finally {
      delete process.env.AWS_ENDPOINT_URL;
    }
  });
}
