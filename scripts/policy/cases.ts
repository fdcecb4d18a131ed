import { load } from 'js-yaml';
import * as z from 'zod/mini';
import type { Policy } from '../../functions/domain/policy/model.js';
import { type Explanation, explain } from './explain.js';

const Expectation = z.strictObject({
  decision: z.enum(['issued', 'denied']),
  rule: z.optional(z.string()),
  dbUser: z.optional(z.string()),
  dbGroups: z.optional(z.array(z.string())),
  target: z.optional(z.string()),
  database: z.optional(z.string()),
  durationSeconds: z.optional(z.number()),
  code: z.optional(z.string()),
  reason: z.optional(z.string()),
});

const CasesFile = z.strictObject({
  cases: z.array(
    z.strictObject({
      name: z.string(),
      principal: z.string(),
      request: z.optional(z.unknown()),
      expect: Expectation,
    }),
  ),
});

export type Cases = z.infer<typeof CasesFile>['cases'];

/** Reads a cases file; throws an Error naming each problem of its shape. */
export function readCases(text: string, file: string): Cases {
  const parsed = CasesFile.safeParse(load(text, { filename: file }));
  if (parsed.success) return parsed.data.cases;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(document)'}: ${issue.message}`,
  );
  throw new Error(`${file}: ${problems.join('; ')}`);
}

/** The fields where the explanation differs from what the case expects. */
function differences(expected: Cases[number]['expect'], actual: Explanation): string[] {
  return Object.entries(expected)
    .filter(
      ([key, value]) => JSON.stringify(actual[key as keyof Explanation]) !== JSON.stringify(value),
    )
    .map(
      ([key, value]) =>
        `${key}: expected ${JSON.stringify(value)}, got ${JSON.stringify(actual[key as keyof Explanation])}`,
    );
}

/** `policy test`: each case with PASS or FAIL (and, failing, expected vs actual); last line the tally. */
export function runCases(policy: Policy, cases: Cases): { output: string; code: number } {
  let failed = 0;
  const lines = cases.map((testCase) => {
    const actual = explain(policy, testCase.principal, testCase.request ?? {});
    const wrong = differences(testCase.expect, actual);
    if (wrong.length === 0) return `PASS ${testCase.name}`;
    failed += 1;
    return [`FAIL ${testCase.name}`, ...wrong.map((line) => `     ${line}`)].join('\n');
  });
  lines.push(`${cases.length - failed} passed, ${failed} failed`);
  return { output: lines.join('\n'), code: failed > 0 ? 1 : 0 };
}
