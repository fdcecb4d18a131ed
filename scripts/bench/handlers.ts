import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { APIGatewayProxyResult, Context } from 'aws-lambda';
import { build } from 'esbuild';
import type { ApiEvent } from '../../functions/commons/api-gateway.js';
import { lambdaContext } from '../../local/lambda-context.js';
import { templateBundles } from '../build.js';
import type { Row } from './report.js';
import { type Stats, stats, us } from './stats.js';

/** The environment every timed handler runs in: example keys, the bench's one-cluster policy. */
export const ENVIRONMENT = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench-secret',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // A copy of scripts/bench/policy.yaml, as the layer ships it.
  POLICY_FILE: 'bench/policy/policy.yaml',
  // The API stage the sample event comes from, as the template tells the function.
  API_ID: 'a1b2c3d4e5',
  API_STAGE: 'v1',
  TASK_OUTPUT_KEY_ID: 'alias/bench',
  POWERTOOLS_LOG_LEVEL: 'INFO',
};

export type Handler = (event: ApiEvent, context: Context) => Promise<APIGatewayProxyResult>;

const EVENT = JSON.parse(readFileSync('events/api-iam-user.json', 'utf8')) as ApiEvent;
const CONTEXT = lambdaContext('credentials-api');

/**
 * Times `count` sequential invocations of each handler, after `warmUp` untimed ones, in
 * alternating batches so that a noisy neighbour slows them alike. Log output is discarded.
 */
export async function timeInterleaved(
  handlers: readonly Handler[],
  warmUp: number,
  count: number,
  batch = 100,
): Promise<Stats[]> {
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

/** What the vendor's code costs per request: the handler's mean less the floor's. */
/** The headline of a warm figure: the handler's p50 over the floor's, against `target`. */
export const p50OverFloor = (
  figure: string,
  measured: Stats,
  floored: Stats,
  target: number,
): Row => ({
  figure,
  value: `${us(measured.p50)} / ${us(floored.p50)} = ${(measured.p50 / floored.p50).toFixed(2)}`,
  target: `≤ ${target.toFixed(2)}`,
  met: measured.p50 / floored.p50 <= target,
});

export const aboveFloor = (measured: Stats, floored: Stats): Row => ({
  figure: '  vendor code above the floor (mean)',
  value: us(measured.mean - floored.mean),
  target: '',
});

/**
 * `entry` bundled into `outdir` with credentials-api's own esbuild options from the template
 * (`external` aside), so that what is timed is built as the function is. Returns the entry file.
 */
export async function bundleAsTheApi(
  entry: string,
  outdir: string,
  external?: string[],
): Promise<string> {
  const api = templateBundles().find(({ name }) => name === 'credentials-api');
  if (!api) throw new Error('template.yaml has no credentials-api function');
  await build({
    ...api.options,
    entryPoints: { index: entry },
    outdir,
    ...(external && { external }),
    logLevel: 'warning',
  });
  return resolve(outdir, 'index.mjs');
}

/** The floor handler, bundled as credentials-api is. */
export const buildFloor = () => bundleAsTheApi('scripts/bench/floor-handler.ts', 'bench/floor');

/** Puts the bench's policy where ENVIRONMENT says. */
export function placeBenchPolicy(): void {
  mkdirSync(dirname(ENVIRONMENT.POLICY_FILE), { recursive: true });
  copyFileSync('scripts/bench/policy.yaml', ENVIRONMENT.POLICY_FILE);
}

/** Imports a handler bundle without its cold-start log lines reaching the bench's output. */
export async function importQuietly(url: string): Promise<Handler> {
  const write = process.stdout.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const { handler } = (await import(url)) as { handler: Handler };
    return handler;
  } finally {
    process.stdout.write = write;
  }
}

/**
 * Runs `use` with the local Redshift stub listening in a process of its own (so its work is not
 * timed with the handler's), and stops the stub afterwards.
 */
export async function withStubProcess<T>(use: (endpoint: string) => Promise<T>): Promise<T> {
  const stub = spawn(process.execPath, ['--import', 'tsx', 'local/redshift-stub.ts'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(stub.stdout, 'data')) as [Buffer];
    return await use(line.toString().trim());
  } finally {
    stub.kill();
  }
}
