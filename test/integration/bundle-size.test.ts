import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUDGET_BYTES } from '#scripts/bench/bundle-sizes.js';
import { eagerBytes, eagerFiles } from '#scripts/bench/eager-bytes.js';

// Each function's size budget (README, Performance): a size is deterministic, so it can be a
// test; timings are measured by `npm run bench`, never asserted here.
describe('function bundles', () => {
  it.each(Object.entries(BUDGET_BYTES))(
    '%s loads at most %i bytes at cold start',
    (name, budget) => {
      expect(eagerBytes(`dist/${name}/index.mjs`)).toBeLessThanOrEqual(budget);
    },
  );

  it('loads the Redshift Serverless and STS clients only when a target needs them', () => {
    const metafile = JSON.parse(readFileSync('dist/credentials-api/metafile.json', 'utf8')) as {
      outputs: Record<string, { inputs: Record<string, unknown> }>;
    };
    const eager = eagerFiles('dist/credentials-api/index.mjs');
    const inputsOf = (loadedAtStart: boolean) =>
      Object.entries(metafile.outputs)
        .filter(([output]) => eager.some((file) => file.endsWith(output)) === loadedAtStart)
        .flatMap(([, { inputs }]) => Object.keys(inputs));

    expect(
      inputsOf(true).filter((input) => /client-(redshift-serverless|sts)\//.test(input)),
    ).toEqual([]);
    expect(inputsOf(false).some((input) => input.includes('client-redshift-serverless/'))).toBe(
      true,
    );
    expect(inputsOf(false).some((input) => input.includes('client-sts/'))).toBe(true);
  });
});
