import { readCases } from './cases.js';
import { check } from './check.js';
import { diffPolicies, type Probe } from './diff.js';
import {
  loadVersion,
  probesOfCases,
  readPrincipals,
  readSource,
  type Source,
} from './diff-inputs.js';
import { counts, describeDiff, diffJson } from './diff-report.js';

/** What `policy diff` is asked. */
export interface DiffOptions {
  readonly base: string;
  readonly head: string;
  readonly principals?: { readonly label: string; readonly text: string };
  readonly cases?: { readonly label: string; readonly text: string };
  readonly json: boolean;
  /** `any` (default): exit 1 on any change; `gained`: only when some caller gains. */
  readonly failOn: 'any' | 'gained';
}

/**
 * `policy diff`: checks both versions first (an invalid one is exit 2, with its problems as
 * `check` prints them), then compares them; exit 0 when no decision changes, 1 when one does
 * (with `failOn: 'gained'`, only when some caller gains).
 */
export function runDiff(options: DiffOptions): { output: string; errors: string; code: number } {
  const sources: [Source, Source] = [readSource(options.base), readSource(options.head)];
  const [base, head] = [loadVersion(sources[0]), loadVersion(sources[1])];
  if (base === undefined || head === undefined) {
    // Each invalid one, as check prints it.
    const problems = sources
      .filter((_, i) => [base, head][i] === undefined)
      .map((source) => check(source.label, source.text, false).output);
    return {
      output: '',
      errors: `${problems.join('\n')}\npolicy diff compares valid policies only: fix the one above first`,
      code: 2,
    };
  }
  const casesFiles = new Map<string, string>();
  for (const cases of [...sources.map((source) => source.cases), options.cases]) {
    if (cases && !casesFiles.has(cases.label)) casesFiles.set(cases.label, cases.text);
  }
  const probes: Probe[] = [
    ...[...casesFiles].flatMap(([label, text]) => probesOfCases(readCases(text, label))),
    ...(options.principals
      ? readPrincipals(options.principals.text, options.principals.label).map(
          (principal): Probe => ({ principal, origin: 'principals' }),
        )
      : []),
  ];
  const diff = diffPolicies(base, head, probes);
  const tally = counts(diff);
  const changed =
    options.failOn === 'gained' ? tally.gained > 0 : tally.gained + tally.lost + tally.changed > 0;
  return {
    output: options.json
      ? diffJson(diff, base.label, head.label)
      : describeDiff(diff, base.label, head.label),
    errors: '',
    code: changed ? 1 : 0,
  };
}
