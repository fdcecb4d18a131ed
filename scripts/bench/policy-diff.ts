import { stringify } from 'yaml';
import { diffPolicies } from '../policy/diff.js';
import { versionOf } from '../policy/diff-inputs.js';
import { benchRules } from './policy-decisions.js';
import type { Figure } from './report.js';
import { median } from './stats.js';

/**
 * `npm run policy -- diff` on a pull request that widens one rule (a second pattern) of a policy
 * of 10, 100 and 1,000 rules, and on one that turns its catch-all deny into an allow: the whole
 * comparison, examples included, as a reviewer waits for it (the files already read).
 */
export function policyDiff(): Figure {
  const figure: Figure = { rows: [], results: {} };
  const widened = (count: number) => (version: 'base' | 'head') =>
    benchRules(count).map((rule, i) =>
      version === 'head' && i === 3
        ? { ...rule, principals: [...rule.principals, 'arn:aws:iam::123456789012:role/new-*'] }
        : rule,
    );
  // Every pattern reaches a change to the rule that decides whoever the others do not.
  const catchAll = (count: number) => (version: 'base' | 'head') => [
    ...benchRules(count),
    version === 'base'
      ? { name: 'nobody-else', principals: ['*'], effect: 'deny' }
      : { name: 'nobody-else', principals: ['*'], targets: ['analytics'], dbUser: 'everyone' },
  ];
  for (const [scenario, rulesOf] of [
    ['one rule of', widened],
    ['the catch-all rule after', catchAll],
  ] as const) {
    for (const count of [10, 100, 1_000])
      measure(figure, `${scenario} ${count.toLocaleString('en')}`, count, rulesOf(count));
  }
  return figure;
}

/** The comparison of the two versions `rulesOf` gives, timed. */
function measure(
  figure: Figure,
  what: string,
  count: number,
  rulesOf: (version: 'base' | 'head') => unknown[],
): void {
  const version = (label: 'base' | 'head') =>
    versionOf({
      label: `${label}.yaml`,
      text: stringify({
        version: 1,
        targets: { analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' } },
        rules: rulesOf(label),
      }),
    });
  const [base, head] = [version('base'), version('head')];
  const runs = count < 1_000 ? 5 : 3;
  const millis: number[] = [];
  let examples = 0;
  for (let run = 0; run < runs; run += 1) {
    const started = process.hrtime.bigint();
    const diff = diffPolicies(base, head, []);
    millis.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (diff.changes.length === 0) throw new Error(`no change found: ${what}`);
    examples = diff.compared.example;
  }
  const value = median(millis);
  figure.results[`policyDiff:${what}`] = { rules: count, runs, examples, medianMs: value };
  figure.rows.push({
    figure: `policy diff, ${what} rules changed (median of ${runs}; ${examples.toLocaleString('en')} example callers)`,
    value: `${value.toFixed(0)} ms`,
    target: '—',
  });
}
