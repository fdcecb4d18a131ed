import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { GetClusterCredentialsCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { stringify } from 'yaml';
import type { ApiEvent } from '../functions/commons/api-gateway.js';
import { authorize } from '../functions/domain/authorize.js';
import { principalFromArn } from '../functions/domain/identity.js';
import { parsePolicy } from '../functions/domain/policy.js';
import { lambdaContext } from '../local/lambda-context.js';

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

// 2. Cold import: a fresh node importing the bundle (clients built, policy loaded) vs `node -e 0`.
function coldImport(pairs = 41) {
  const run = (args: string[]) => {
    const started = process.hrtime.bigint();
    const { status } = spawnSync(process.execPath, args, { stdio: 'ignore', env: process.env });
    if (status !== 0) throw new Error(`node ${args.join(' ')} exited ${status}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  for (const name of FUNCTIONS) {
    const bundle = pathToFileURL(resolve(`dist/${name}/index.mjs`)).href;
    const importing = [
      '-e',
      `import(${JSON.stringify(bundle)}).then(({ handler }) => { if (!handler) process.exit(1); })`,
    ];
    run(['-e', '0']);
    run(importing);
    const bare: number[] = [];
    const withBundle: number[] = [];
    for (let i = 0; i < pairs; i += 1) {
      bare.push(run(['-e', '0']));
      withBundle.push(run(importing));
    }
    const ratio = median(withBundle) / median(bare);
    results[`coldImport:${name}`] = {
      pairs,
      bareMs: median(bare),
      importMs: median(withBundle),
      ratio,
    };
    rows.push({
      figure: `${name} cold import vs node -e 0 (median of ${pairs} pairs)`,
      value: `${median(withBundle).toFixed(1)} ms / ${median(bare).toFixed(1)} ms = ${ratio.toFixed(2)}`,
      ...(name === 'credentials-api' ? { target: '≤ 1.7', met: ratio <= 1.7 } : { target: '—' }),
    });
  }
}

type Handler = (event: ApiEvent, context: typeof lambdaContext) => Promise<APIGatewayProxyResult>;

/** Times `count` sequential invocations after `warmUp` untimed ones; log output is discarded. */
async function timeInvocations(handler: Handler, warmUp: number, count: number) {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    for (let i = 0; i < warmUp; i += 1) await handler(EVENT, lambdaContext);
    const micros: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const started = process.hrtime.bigint();
      const response = await handler(EVENT, lambdaContext);
      micros.push(Number(process.hrtime.bigint() - started) / 1000);
      if (response.statusCode !== 200)
        throw new Error(`unexpected ${response.statusCode}: ${response.body}`);
    }
    return stats(micros);
  } finally {
    process.stdout.write = write;
  }
}

// 3. Warm overhead of the API handler with the SDK mocked (aws-sdk-client-mock). One catch-all
// behaviour: per-command matchers would add sinon's argument matching to every call.
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
  const measured = await timeInvocations(handler as unknown as Handler, 2_000, 10_000);
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
  results.warmMocked = { ...measured, mockSendMicros: mockMicros };
  rows.push({
    figure: `warm overhead, SDK mocked (${measured.count} requests): mean / p50 / p99`,
    value: `${us(measured.mean)} / ${us(measured.p50)} / ${us(measured.p99)}`,
    target: '≤ 25 µs mean, ≤ 80 µs p99',
    met: measured.mean <= 25 && measured.p99 <= 80,
  });
  rows.push({
    figure: '  of which aws-sdk-client-mock per send (mean)',
    value: us(mockMicros),
    target: '',
  });
}

// 4. The bundled handler with the full SDK stack (signing, serialisation, XML parsing) against a
// local HTTP stub, in its own process, that answers like Redshift.
async function warmFullStack() {
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
    const measured = await timeInvocations(handler, 1_000, 5_000);
    results.warmFullStack = { ...measured, endpoint };
    rows.push({
      figure: `warm overhead, full SDK stack vs local stub (${measured.count}): mean / p50 / p99`,
      value: `${us(measured.mean)} / ${us(measured.p50)} / ${us(measured.p99)}`,
      target: '≤ 200 µs mean',
      met: measured.mean <= 200,
    });
  } finally {
    delete process.env.AWS_ENDPOINT_URL;
    stub.kill();
  }
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

bundleSizes();
coldImport();
await warmMocked();
await warmFullStack();
policyDecisions();
printTable();
mkdirSync('bench', { recursive: true });
writeFileSync('bench/results.json', `${JSON.stringify({ ...results, table: rows }, null, 2)}\n`);
console.log('\nwrote bench/results.json');
process.exit(rows.some((row) => row.met === false) ? 1 : 0);
