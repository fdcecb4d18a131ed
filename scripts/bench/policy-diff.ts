import { stringify } from 'yaml';
import { diffPolicies } from '../policy/diff.js';
import { versionOf } from '../policy/diff-inputs.js';
import { benchRules } from './policy-decisions.js';
import type { Figure } from './report.js';
import { median } from './stats.js';

/**
 * `npm run policy -- diff` on a pull request that widens one rule (a second pattern) of a policy
 * of 10, 100 and 1,000 rules: the whole comparison, examples included, as a reviewer waits for
 * it (the files already read).
 */
export function policyDiff(): Figure {
  const figure: Figure = { rows: [], results: {} };
  for (const count of [10, 100, 1_000]) {
    const text = (widened: boolean) =>
      stringify({
        version: 1,
        targets: { analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' } },
        rules: benchRules(count).map((rule, i) =>
          widened && i === 3
            ? { ...rule, principals: [...rule.principals, 'arn:aws:iam::123456789012:role/new-*'] }
            : rule,
        ),
      });
    const base = versionOf({ label: 'base.yaml', text: text(false) });
    const head = versionOf({ label: 'head.yaml', text: text(true) });
    const runs = count < 1_000 ? 5 : 3;
    const millis: number[] = [];
    let examples = 0;
    for (let run = 0; run < runs; run += 1) {
      const started = process.hrtime.bigint();
      const diff = diffPolicies(base, head, []);
      millis.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (diff.changes.length !== 1) throw new Error('the widened rule was not found');
      examples = diff.compared.example;
    }
    const value = median(millis);
    figure.results[`policyDiff:${count}`] = { rules: count, runs, examples, medianMs: value };
    figure.rows.push({
      figure: `policy diff, one rule of ${count.toLocaleString('en')} widened (median of ${runs}; ${examples.toLocaleString('en')} example callers)`,
      value: `${value.toFixed(0)} ms`,
      target: '—',
    });
  }
  return figure;
}
