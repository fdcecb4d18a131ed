import { stringify } from 'yaml';
import { authorize } from '../../functions/domain/authorize.js';
import { principalFromArn } from '../../functions/domain/identity.js';
import { parsePolicy } from '../../functions/domain/policy-yaml.js';
import type { Figure } from './report.js';
import { median, us } from './stats.js';

/** Policy decisions with 10, 1,000 and 10,000 rules of realistic shapes; the matching rule last. */
export function policyDecisions(): Figure {
  const figure: Figure = { rows: [], results: {} };
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
    const text = stringify({
      version: 1,
      targets: { analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' } },
      rules,
    });
    // Parse, validate, compile and index: what a cold start does with the policy file's text.
    const loads: number[] = [];
    for (let run = 0; run < (count === 10_000 ? 7 : 1); run += 1) {
      const loadStarted = process.hrtime.bigint();
      parsePolicy(text, `bench-${count}.yaml`);
      loads.push(Number(process.hrtime.bigint() - loadStarted) / 1e6);
    }
    const policy = parsePolicy(text, `bench-${count}.yaml`);
    if (count === 10_000) {
      const load = median(loads);
      figure.results.policyLoad = { rules: count, runs: loads.length, medianMs: load };
      figure.rows.push({
        figure: `policy load (parse, validate, compile), ${count.toLocaleString('en')} rules (median of ${loads.length})`,
        value: `${load.toFixed(1)} ms`,
        target: '≤ 60 ms',
        met: load <= 60,
      });
    }
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
