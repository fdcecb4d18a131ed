import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { GetClusterCredentialsCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { build } from 'esbuild';
import { stringify } from 'yaml';
import type { ApiEvent } from '../functions/commons/api-gateway.js';
import { authorize } from '../functions/domain/authorize.js';
import { principalFromArn } from '../functions/domain/identity.js';
import { parsePolicy } from '../functions/domain/policy.js';
import { lambdaContext } from '../local/lambda-context.js';
import { templateBundles } from './build.js';
import { readTemplate } from './cfn-yaml.js';

/**
 * `npm run bench`: bundle sizes, cold import, warm per-request overhead (SDK mocked, and the full
 * SDK stack against a local HTTP stub), and policy decision time, each against its target, on
 * this machine. Figures are medians or means over repeated runs; ratios are measured in one run.
 * Prints a table and writes bench/results.json.
 */

const FUNCTIONS = ['credentials-api', 'credentials-task'] as const;
const POLICY_FILE = 'layers/policy/policy/policy.yaml';
const EVENT = JSON.parse(readFileSync('events/api-iam-user.json', 'utf8')) as ApiEvent;
const ENVIRONMENT = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench-secret',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POLICY_FILE,
  TASK_OUTPUT_KEY_ID: 'alias/bench',
  POWERTOOLS_LOG_LEVEL: 'INFO',
};
Object.assign(process.env, ENVIRONMENT);
const CONTEXT = lambdaContext('credentials-api');

interface Row {
  readonly figure: string;
  readonly value: string;
  readonly target: string;
  readonly met?: boolean;
}
const rows: Row[] = [];
const results: Record<string, unknown> = {
  machine: machine(),
  measuredAt: new Date().toISOString(),
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const stats = (micros: number[]) => {
  const sorted = [...micros].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { count: sorted.length, mean, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};
const us = (value: number) => `${value.toFixed(1)} µs`;
const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;

// 1. Bundle sizes, and what weighs most in each (esbuild's metafile).
function bundleSizes() {
  for (const name of FUNCTIONS) {
    const code = readFileSync(`dist/${name}/index.mjs`);
    const metafile = JSON.parse(readFileSync(`dist/${name}/metafile.json`, 'utf8')) as {
      outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
    };
    const output = Object.entries(metafile.outputs).find(([file]) => file.endsWith('.mjs'))?.[1];
    const byPackage = new Map<string, number>();
    for (const [file, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? '(this project)';
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
    }
    const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 5);
    const gzip = gzipSync(code).length;
    results[`bundle:${name}`] = {
      bytes: code.length,
      gzipBytes: gzip,
      topPackages: Object.fromEntries(top),
    };
    rows.push({
      figure: `${name} bundle, minified (gzip)`,
      value: `${kb(code.length)} (${kb(gzip)})`,
      ...(name === 'credentials-api'
        ? { target: '≤ 350 KB', met: code.length <= 350_000 }
        : { target: '—' }),
    });
    rows.push({
      figure: `  top packages in ${name}`,
      value: top.map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`).join(', '),
      target: '',
    });
  }
}

// 2. Cold import: a fresh node importing a bundle (clients built, policy loaded) vs `node -e 0`,
// all variants alternated in one run. Besides the functions: the floor (the design's libraries
// alone) and credentials-api under the template's NODE_OPTIONS (what Lambda runs).
function coldImport(floorBundle: string, pairs = 41) {
  const nodeOptions = readTemplate().Globals?.Function?.Environment as
    | { Variables?: { NODE_OPTIONS?: string } }
    | undefined;
  const importing = (file: string) => [
    '-e',
    `import(${JSON.stringify(pathToFileURL(file).href)}).then(({ handler }) => { if (!handler) process.exit(1); })`,
  ];
  const variants = [
    { key: 'bare', args: ['-e', '0'] },
    ...FUNCTIONS.map((name) => ({ key: name, args: importing(resolve(`dist/${name}/index.mjs`)) })),
    { key: 'floor', args: importing(floorBundle) },
    {
      key: 'credentials-api+NODE_OPTIONS',
      args: importing(resolve('dist/credentials-api/index.mjs')),
      env: { NODE_OPTIONS: nodeOptions?.Variables?.NODE_OPTIONS ?? '' },
    },
  ];
  const run = ({ args, env }: { args: string[]; env?: Record<string, string> }) => {
    const started = process.hrtime.bigint();
    const { status } = spawnSync(process.execPath, args, {
      stdio: 'ignore',
      env: { ...process.env, ...env },
    });
    if (status !== 0) throw new Error(`node ${args.join(' ')} exited ${status}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const times = new Map(variants.map(({ key }) => [key, [] as number[]]));
  for (const variant of variants) run(variant);
  for (let i = 0; i < pairs; i += 1) {
    for (const variant of variants) times.get(variant.key)?.push(run(variant));
  }
  const bare = median(times.get('bare') ?? []);
  const figure = (key: string) => {
    const ms = median(times.get(key) ?? []);
    results[`coldImport:${key}`] = { runs: pairs, bareMs: bare, importMs: ms, ratio: ms / bare };
    return {
      ratio: ms / bare,
      value: `${ms.toFixed(1)} ms / ${bare.toFixed(1)} ms = ${(ms / bare).toFixed(2)}`,
    };
  };
  const api = figure('credentials-api');
  rows.push({
    figure: `credentials-api cold import vs node -e 0 (median of ${pairs}, alternated)`,
    value: api.value,
    target: '≤ 1.7',
    met: api.ratio <= 1.7,
  });
  rows.push({
    figure: "  floor: the design's libraries alone (bench-floor.ts)",
    value: figure('floor').value,
    target: '',
  });
  rows.push({
    figure: `  credentials-api with the template's NODE_OPTIONS`,
    value: figure('credentials-api+NODE_OPTIONS').value,
    target: '',
  });
  rows.push({
    figure: 'credentials-task cold import vs node -e 0',
    value: figure('credentials-task').value,
    target: '—',
  });
}

type Handler = (event: ApiEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Times `count` sequential invocations of each handler, after `warmUp` untimed ones, in
 * alternating batches so that a noisy neighbour slows them alike. Log output is discarded.
 */
async function timeInterleaved(handlers: Handler[], warmUp: number, count: number, batch = 100) {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    for (const handler of handlers) {
      for (let i = 0; i < warmUp; i += 1) await handler(EVENT, CONTEXT);
    }
    const micros = handlers.map(() => [] as number[]);
    for (let done = 0; done < count; done += batch) {
      for (const [h, handler] of handlers.entries()) {
        for (let i = 0; i < batch; i += 1) {
          const started = process.hrtime.bigint();
          const response = await handler(EVENT, CONTEXT);
          micros[h]?.push(Number(process.hrtime.bigint() - started) / 1000);
          if (response.statusCode !== 200)
            throw new Error(`unexpected ${response.statusCode}: ${response.body}`);
        }
      }
    }
    return micros.map(stats);
  } finally {
    process.stdout.write = write;
  }
}

type Stats = ReturnType<typeof stats>;
const triple = (s: Stats) => `${us(s.mean)} / ${us(s.p50)} / ${us(s.p99)}`;
/** What the vendor's code costs per request: the handler's mean less the floor's. */
const aboveFloor = (measured: Stats, floored: Stats): Row => ({
  figure: '  vendor code above the floor (mean)',
  value: us(measured.mean - floored.mean),
  target: '',
});

// 3. Warm overhead of the API handler with the SDK mocked (aws-sdk-client-mock), interleaved with
// the floor handler under the same mock. One catch-all behaviour: per-command matchers would add
// sinon's argument matching to every call.
async function warmMocked() {
  const redshift = mockClient(RedshiftClient);
  const described = {
    Clusters: [
      {
        Endpoint: { Address: 'examplecluster.abc123.us-east-1.redshift.amazonaws.com', Port: 5439 },
      },
    ],
  };
  redshift.onAnyCommand().callsFake(async (input: object) =>
    'DbUser' in input
      ? {
          DbUser: 'IAM:reporting',
          DbPassword: 'EXAMPLEjArE3hcnQj8zt4XQj9Xtma8oxYEM8Oy',
          Expiration: new Date(Date.now() + 900_000),
        }
      : described,
  );
  const { handler } = await import('../functions/credentials-api.js');
  const floor = await import('./bench-floor.js');
  const [measured, floored] = await timeInterleaved(
    [handler as unknown as Handler, floor.handler as unknown as Handler],
    2_000,
    10_000,
  );
  if (!measured || !floored) throw new Error('no figures');
  // What the mock itself costs per call, measured in the same run, to tell it from the handler's.
  const client = new RedshiftClient({});
  const command = new GetClusterCredentialsCommand({
    ClusterIdentifier: 'examplecluster',
    DbUser: 'reporting',
  });
  for (let i = 0; i < 2_000; i += 1) await client.send(command);
  const started = process.hrtime.bigint();
  for (let i = 0; i < 10_000; i += 1) await client.send(command);
  const mockMicros = Number(process.hrtime.bigint() - started) / 1000 / 10_000;
  redshift.restore();
  results.warmMocked = { ...measured, floor: floored, mockSendMicros: mockMicros };
  rows.push({
    figure: `warm overhead, SDK mocked (${measured.count} requests): mean / p50 / p99`,
    value: triple(measured),
    target: '≤ 25 µs mean, ≤ 80 µs p99',
    met: measured.mean <= 25 && measured.p99 <= 80,
  });
  rows.push({
    figure: '  floor: bench-floor.ts, same mock, interleaved',
    value: triple(floored),
    target: '',
  });
  rows.push(aboveFloor(measured, floored));
  rows.push({
    figure: '  aws-sdk-client-mock per send, alone (mean)',
    value: us(mockMicros),
    target: '',
  });
}

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

// 4. The bundled handler with the full SDK stack (signing, serialisation, XML parsing) against a
// local HTTP stub, in its own process, that answers like Redshift; interleaved with the floor
// bundle and with a bare HTTP request of the same size.
async function warmFullStack(floorBundle: string) {
  const stub: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/redshift-stub.ts'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [firstLine] = (await once(stub.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  const endpoint = firstLine.toString().trim();
  process.env.AWS_ENDPOINT_URL = endpoint;
  try {
    const bundle = pathToFileURL(resolve('dist/credentials-api/index.mjs')).href;
    const { handler } = (await import(bundle)) as { handler: Handler };
    const floor = (await import(pathToFileURL(floorBundle).href)) as { handler: Handler };
    const [measured, floored, wire] = await timeInterleaved(
      [handler, floor.handler, rawRoundTrip(endpoint)],
      1_000,
      5_000,
    );
    if (!measured || !floored || !wire) throw new Error('no figures');
    results.warmFullStack = { ...measured, floor: floored, rawHttp: wire, endpoint };
    rows.push({
      figure: `warm overhead, full SDK stack vs local stub (${measured.count}): mean / p50 / p99`,
      value: triple(measured),
      target: '≤ 200 µs mean',
      met: measured.mean <= 200,
    });
    rows.push({
      figure: '  floor: bench-floor bundle, interleaved',
      value: triple(floored),
      target: '',
    });
    rows.push({
      figure: '  the wire alone: keep-alive HTTP POST to the stub',
      value: triple(wire),
      target: '',
    });
    rows.push(aboveFloor(measured, floored));
  } finally {
    delete process.env.AWS_ENDPOINT_URL;
    stub.kill();
  }
}

/** The floor handler bundled with credentials-api's own esbuild options from the template. */
async function buildFloor() {
  const api = templateBundles().find(({ name }) => name === 'credentials-api');
  if (!api) throw new Error('template.yaml has no credentials-api function');
  await build({
    ...api.options,
    entryPoints: { index: 'scripts/bench-floor.ts' },
    outdir: 'bench/floor',
    logLevel: 'warning',
  });
  return resolve('bench/floor/index.mjs');
}

// 5. Policy decisions with 10, 1,000 and 10,000 rules of realistic shapes; the matching rule last.
function policyDecisions() {
  const accounts = ['123456789012', '210987654321', '111122223333', '444455556666'];
  const shapes = [
    (i: number, account: string) => `arn:aws:iam::${account}:role/team-${i}-*`,
    (i: number, account: string) => `arn:aws:iam::${account}:user/services/svc-${i}`,
    (i: number, account: string) =>
      `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_Team${i}_*/*`,
    (i: number, account: string) => `arn:aws:iam::${account}:role/app-${i}`,
    (i: number) => `arn:aws:iam::*:role/shared-${i}`,
  ];
  const caller = principalFromArn('arn:aws:sts::123456789012:assumed-role/etl-target/run-42');
  for (const count of [10, 1_000, 10_000]) {
    const rules = Array.from({ length: count }, (_, i) => {
      const last = i === count - 1;
      const shape = shapes[i % shapes.length] ?? shapes[0];
      return {
        name: `rule-${i}`,
        principals: [
          last
            ? 'arn:aws:iam::123456789012:role/etl-target'
            : (shape?.(i, accounts[i % accounts.length] ?? '') ?? ''),
        ],
        targets: ['analytics'],
        dbUser: last ? 'etl_${roleName}' : `user_${i}`,
      };
    });
    const policy = parsePolicy(
      stringify({
        version: 1,
        targets: { analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' } },
        rules,
      }),
      `bench-${count}.yaml`,
    );
    const iterations = 200_000;
    for (let i = 0; i < 10_000; i += 1) authorize(policy, caller, {});
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i += 1) authorize(policy, caller, {});
    const mean = Number(process.hrtime.bigint() - started) / 1000 / iterations;
    if (authorize(policy, caller, {}).rule !== `rule-${count - 1}`)
      throw new Error('wrong rule matched');
    results[`policyDecision:${count}`] = { rules: count, iterations, meanMicros: mean };
    rows.push({
      figure: `policy decision, ${count.toLocaleString('en')} rules (mean of ${iterations.toLocaleString('en')})`,
      value: us(mean),
      ...(count === 10_000 ? { target: '≤ 20 µs', met: mean <= 20 } : { target: '—' }),
    });
  }
}

function machine() {
  const cpus = spawnSync('nproc', { encoding: 'utf8' }).stdout.trim();
  return { node: process.version, platform: `${process.platform}-${process.arch}`, cpus };
}

function printTable() {
  const widths = [0, 1, 2].map((column) =>
    Math.max(...rows.map((row) => [row.figure, row.value, row.target][column]?.length ?? 0)),
  );
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  console.log(line(['figure', 'value', 'target']), ' met');
  for (const row of rows) {
    const met = row.met === undefined ? '' : row.met ? 'yes' : 'NO';
    console.log(line([row.figure, row.value, row.target]), ` ${met}`);
  }
}

const floorBundle = await buildFloor();
bundleSizes();
coldImport(floorBundle);
await warmMocked();
await warmFullStack(floorBundle);
policyDecisions();
printTable();
mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', `${JSON.stringify({ ...results, table: rows }, null, 2)}\n`);
console.log('\nwrote bench/results.json');
const unmet = rows.filter((row) => row.met === false).map((row) => row.figure.trim());
if (unmet.length > 0) console.log(`targets not met (exit 1): ${unmet.join('; ')}`);
process.exit(unmet.length > 0 ? 1 : 0);
