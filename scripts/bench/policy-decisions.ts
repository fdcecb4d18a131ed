import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, stringify } from 'yaml';
import { authorize } from '../../functions/domain/authorize.js';
import { principalFromArn } from '../../functions/domain/identity.js';
import { parsePolicy } from '../../functions/domain/policy/text.js';
import { bundleAsTheApi } from './handlers.js';
import type { Figure } from './report.js';
import { median, us } from './stats.js';

const ACCOUNTS = ['123456789012', '210987654321', '111122223333', '444455556666'];
const SHAPES = [
  (i: number, account: string) => `arn:aws:iam::${account}:role/team-${i}-*`,
  (i: number, account: string) => `arn:aws:iam::${account}:user/services/svc-${i}`,
  (i: number, account: string) =>
    `arn:aws:sts::${account}:assumed-role/AWSReservedSSO_Team${i}_*/*`,
  (i: number, account: string) => `arn:aws:iam::${account}:role/app-${i}`,
  (i: number) => `arn:aws:iam::*:role/shared-${i}`,
];

/**
 * `count` rules of realistic shapes (roles by prefix, service users, Identity Center sessions,
 * single roles, a role in any account), each with its own db user; the last one names the
 * `etl-target` role and renders `etl_${roleName}`.
 */
export function benchRules(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const last = i === count - 1;
    const shape = SHAPES[i % SHAPES.length] ?? SHAPES[0];
    return {
      name: `rule-${i}`,
      principals: [
        last
          ? 'arn:aws:iam::123456789012:role/etl-target'
          : (shape?.(i, ACCOUNTS[i % ACCOUNTS.length] ?? '') ?? ''),
      ],
      targets: ['analytics'],
      dbUser: last ? 'etl_${roleName}' : `user_${i}`,
    };
  });
}

/** Policy decisions with 10, 1,000 and 10,000 rules of realistic shapes; the matching rule last. */
export async function policyDecisions(): Promise<Figure> {
  const figure: Figure = { rows: [], results: {} };
  const caller = principalFromArn('arn:aws:sts::123456789012:assumed-role/etl-target/run-42');
  for (const count of [10, 1_000, 10_000]) {
    const rules = benchRules(count);
    const text = stringify({
      version: 1,
      targets: { analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' } },
      rules,
    });
    const policy = parsePolicy(text, `bench-${count}.yaml`);
    if (count === 10_000) await policyLoad(figure, text, count);
    const iterations = 200_000;
    for (let i = 0; i < 10_000; i += 1) authorize(policy, caller, {});
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i += 1) authorize(policy, caller, {});
    const mean = Number(process.hrtime.bigint() - started) / 1000 / iterations;
    if (authorize(policy, caller, {}).rule !== `rule-${count - 1}`)
      throw new Error('wrong rule matched');
    figure.results[`policyDecision:${count}`] = { rules: count, iterations, meanMicros: mean };
    figure.rows.push({
      figure: `policy decision, ${count.toLocaleString('en')} rules (mean of ${iterations.toLocaleString('en')})`,
      value: us(mean),
      ...(count === 10_000 ? { target: '≤ 5 µs', met: mean <= 5 } : { target: '—' }),
    });
  }
  return figure;
}

/**
 * What a cold start does with the policy file: read it, parse it (YAML, or JSON for a policy
 * written as JSON), validate, compile and index, through the reader as it is bundled.
 */
async function policyLoad(figure: Figure, text: string, count: number): Promise<void> {
  const { readPolicyFile } = await bundledPolicyFile();
  const folder = mkdtempSync(join(tmpdir(), 'bench-policy-'));
  const files = { yaml: join(folder, 'policy.yaml'), json: join(folder, 'policy.json') };
  writeFileSync(files.yaml, text);
  writeFileSync(files.json, JSON.stringify(parse(text)));
  const runs = { yaml: [] as number[], json: [] as number[] };
  for (let run = 0; run < 9; run += 1) {
    for (const key of ['yaml', 'json'] as const) {
      const started = process.hrtime.bigint();
      await readPolicyFile(files[key]);
      runs[key].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  rmSync(folder, { recursive: true, force: true });
  const yaml = median(runs.yaml);
  const json = median(runs.json);
  figure.results.policyLoad = { rules: count, runs: runs.yaml.length, medianMs: yaml };
  figure.results.policyLoadJson = { rules: count, runs: runs.json.length, medianMs: json };
  const rules = count.toLocaleString('en');
  figure.rows.push(
    {
      figure: `policy load (read, parse YAML, validate, compile), ${rules} rules (median of ${runs.yaml.length})`,
      value: `${yaml.toFixed(1)} ms`,
      target: '≤ 60 ms',
      met: yaml <= 60,
    },
    {
      figure: `policy load of the same policy written as JSON (policy.json), ${rules} rules`,
      value: `${json.toFixed(1)} ms`,
      target: '≤ 60 ms',
      met: json <= 60,
    },
  );
}

/** The policy reader as the functions run it: bundled and minified with their build options. */
async function bundledPolicyFile(): Promise<
  typeof import('../../functions/adapters/policy-file.js')
> {
  const file = await bundleAsTheApi('functions/adapters/policy-file.ts', 'bench/policy-file');
  return import(pathToFileURL(file).href);
}
