import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withStubProcess } from './handlers.js';
import type { Figure } from './report.js';
import { median } from './stats.js';

/**
 * A cold start as a caller meets it: a fresh node imports the bundle (INIT) and answers one
 * request against the local Redshift stub, then some warm ones. Run in a child process per
 * sample, vendor and floor alternated. The stub speaks plain HTTP on loopback, so the TLS
 * handshake a first request to Redshift pays on Lambda is not in these figures.
 */
const CHILD = `
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = () => true;
const { readFileSync } = await import('node:fs');
const event = JSON.parse(readFileSync('events/api-iam-user.json', 'utf8'));
const context = {
  awsRequestId: 'bench', functionName: 'credentials-api', functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:credentials-api',
  memoryLimitInMB: '256', logGroupName: '/aws/lambda/credentials-api', logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => 15000,
};
const { handler } = await import(process.env.BENCH_BUNDLE);
const init = performance.now();
const { statusCode } = await handler(event, context);
const first = performance.now() - init;
const warm = [];
for (let i = 0; i < 25; i += 1) {
  const started = performance.now();
  await handler(event, context);
  warm.push(performance.now() - started);
}
warm.sort((a, b) => a - b);
write(JSON.stringify({ statusCode, init, first, warm: warm[12] }) + '\\n');
`;

interface Sample {
  readonly statusCode: number;
  /** From the process's start to the handler imported: node's own start, then INIT. */
  readonly init: number;
  readonly first: number;
  /** The median of the warm requests after the first. */
  readonly warm: number;
}

function sample(node: string, bundle: string, endpoint: string): Sample {
  const { stdout, status, stderr } = spawnSync(node, ['--input-type=module', '-e', CHILD], {
    env: { ...process.env, AWS_ENDPOINT_URL: endpoint, BENCH_BUNDLE: pathToFileURL(bundle).href },
    encoding: 'utf8',
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Sample;
  if (status !== 0 || result.statusCode !== 200) {
    throw new Error(`${bundle}: exit ${status}, status ${result.statusCode}: ${stderr}`);
  }
  return result;
}

export function firstRequest(
  floorBundle: string,
  node = process.execPath,
  pairs = 21,
): Promise<Figure> {
  return withStubProcess(async (endpoint) => {
    const bundles = { vendor: resolve('dist/credentials-api/index.mjs'), floor: floorBundle };
    const samples = { vendor: [] as Sample[], floor: [] as Sample[] };
    sample(node, bundles.vendor, endpoint);
    sample(node, bundles.floor, endpoint);
    for (let i = 0; i < pairs; i += 1) {
      samples.vendor.push(sample(node, bundles.vendor, endpoint));
      samples.floor.push(sample(node, bundles.floor, endpoint));
    }
    const of = (key: 'vendor' | 'floor', pick: (s: Sample) => number) =>
      median(samples[key].map(pick));
    const total = (s: Sample) => s.init + s.first;
    const [vendorTotal, floorTotal] = [of('vendor', total), of('floor', total)];
    const [vendorFirst, vendorWarm] = [of('vendor', (s) => s.first), of('vendor', (s) => s.warm)];
    const [floorFirst, floorWarm] = [of('floor', (s) => s.first), of('floor', (s) => s.warm)];
    const ms = (value: number) => `${value.toFixed(2)} ms`;
    return {
      results: {
        firstRequest: {
          pairs,
          vendor: {
            totalMs: vendorTotal,
            initMs: of('vendor', (s) => s.init),
            firstMs: vendorFirst,
            warmMs: vendorWarm,
          },
          floor: {
            totalMs: floorTotal,
            initMs: of('floor', (s) => s.init),
            firstMs: floorFirst,
            warmMs: floorWarm,
          },
        },
      },
      rows: [
        {
          figure: `INIT + first request vs local stub / the floor's (median of ${pairs})`,
          value: `${ms(vendorTotal)} / ${ms(floorTotal)} = ${(vendorTotal / floorTotal).toFixed(2)}`,
          target: '≤ 1.10',
          met: vendorTotal / floorTotal <= 1.1,
        },
        {
          figure: 'first request after INIT / a warm request (credentials-api)',
          value: `${ms(vendorFirst)} / ${ms(vendorWarm)} = ${(vendorFirst / vendorWarm).toFixed(2)}`,
          target: '≤ 2',
          met: vendorFirst / vendorWarm <= 2,
        },
        {
          figure: "  the floor's first request / its warm request",
          value: `${ms(floorFirst)} / ${ms(floorWarm)} = ${(floorFirst / floorWarm).toFixed(2)}`,
          target: '',
        },
      ],
    };
  });
}
