import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CredentialVendorClient } from '../../client/index.js';
import type { Figure } from './report.js';
import { median, us } from './stats.js';

/**
 * The client library on a service's hot path: a cache hit (signing identity resolved, key built,
 * the cached credential returned), and how many requests 1,000 concurrent cold callers make. The
 * vendor is a loopback server answering a 15-minute credential.
 */
export async function clientCache(): Promise<Figure> {
  let requests = 0;
  const server = createServer((_, response) => {
    requests += 1;
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        dbUser: 'IAM:reporting',
        dbPassword: 'bench-password',
        expiration: new Date(Date.now() + 900_000).toISOString(),
        target: 'analytics',
        clusterIdentifier: 'examplecluster',
        database: 'exampledb',
        dbGroups: ['reporting_ro'],
        host: 'examplecluster.abc123.us-east-1.redshift.amazonaws.com',
        port: 5439,
      }),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const client = new CredentialVendorClient({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/credentials`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'bench-secret' },
    });
    await Promise.all(
      Array.from({ length: 1_000 }, () => client.getCredentials({ target: 'analytics' })),
    );
    const coldRequests = requests;
    const batches: number[] = [];
    for (let batch = 0; batch < 21; batch += 1) {
      const calls = 20_000;
      const started = process.hrtime.bigint();
      for (let i = 0; i < calls; i += 1) await client.getCredentials({ target: 'analytics' });
      batches.push(Number(process.hrtime.bigint() - started) / 1000 / calls);
    }
    const hit = median(batches);
    return {
      rows: [
        {
          figure: 'client: cache hit (median of 21 batches of 20,000)',
          value: us(hit),
          target: '≤ 1 µs',
          met: hit <= 1,
        },
        {
          figure: 'client: 1,000 concurrent cold callers → requests to the vendor',
          value: String(coldRequests),
          target: '1',
          met: coldRequests === 1,
        },
      ],
      results: { clientCache: { hitMicros: hit, coldRequests } },
    };
  } finally {
    server.close();
  }
}
