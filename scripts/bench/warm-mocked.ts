import { pathToFileURL } from 'node:url';
import { GetClusterCredentialsCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import { STUB_CLUSTER, STUB_PASSWORD } from '../../local/redshift-stub.js';
import {
  aboveFloor,
  bundleAsTheApi,
  type Handler,
  importQuietly,
  p50OverFloor,
  timeInterleaved,
} from './handlers.js';
import type { Figure } from './report.js';
import { triple, us } from './stats.js';

/**
 * The handler and the floor bundled as the template builds them (minified, no tsx in the way),
 * except that the Redshift client stays outside the bundle: it is the module aws-sdk-client-mock
 * replaces here.
 */
async function bundledWithRedshiftOutside(entry: string, name: string): Promise<Handler> {
  const file = await bundleAsTheApi(entry, `bench/warm-mocked/${name}`, [
    '@aws-sdk/client-redshift',
  ]);
  return importQuietly(pathToFileURL(file).href);
}

/**
 * Warm overhead of the API handler with the SDK mocked (aws-sdk-client-mock), interleaved with
 * the floor handler under the same mock. One catch-all behaviour: per-command matchers would add
 * sinon's argument matching to every call.
 */
export async function warmMocked(): Promise<Figure> {
  const redshift = mockClient(RedshiftClient);
  const described = {
    Clusters: [{ Endpoint: { Address: STUB_CLUSTER.host, Port: STUB_CLUSTER.port } }],
  };
  redshift.onAnyCommand().callsFake(async (input: object) =>
    'DbUser' in input
      ? {
          DbUser: 'IAM:reporting',
          DbPassword: STUB_PASSWORD,
          Expiration: new Date(Date.now() + 900_000),
        }
      : described,
  );
  const handler = await bundledWithRedshiftOutside('functions/credentials-api.ts', 'api');
  const floor = await bundledWithRedshiftOutside('scripts/bench/floor-handler.ts', 'floor');
  const [measured, floored] = await timeInterleaved([handler, floor], 2_000, 10_000);
  if (!measured || !floored) throw new Error('no figures');
  // What the mock itself costs per call, measured in the same run, to tell it from the handler's.
  const client = new RedshiftClient({
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const command = new GetClusterCredentialsCommand({
    ClusterIdentifier: STUB_CLUSTER.identifier,
    DbUser: 'reporting',
  });
  for (let i = 0; i < 2_000; i += 1) await client.send(command);
  const started = process.hrtime.bigint();
  for (let i = 0; i < 10_000; i += 1) await client.send(command);
  const mockMicros = Number(process.hrtime.bigint() - started) / 1000 / 10_000;
  redshift.restore();
  return {
    results: { warmMocked: { ...measured, floor: floored, mockSendMicros: mockMicros } },
    rows: [
      p50OverFloor(
        `warm handler, SDK mocked, p50 / the floor's (${measured.count} requests)`,
        measured,
        floored,
        1.3,
      ),
      { figure: '  vendor: mean / p50 / p99', value: triple(measured), target: '' },
      {
        figure: '  floor: floor-handler bundle, same mock, interleaved',
        value: triple(floored),
        target: '',
      },
      aboveFloor(measured, floored),
      { figure: '  aws-sdk-client-mock per send, alone (mean)', value: us(mockMicros), target: '' },
    ],
  };
}
