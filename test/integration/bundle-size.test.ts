import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_BUDGET_BYTES } from '../../scripts/bench/bundle-sizes.js';
import { eagerBytes, eagerFiles } from '../../scripts/bench/eager-bytes.js';

// The credentials-api bundle's size budget (README, Performance): a size is deterministic, so it
// can be a test; timings are measured by `npm run bench`, never asserted here.
describe('credentials-api bundle', () => {
  it(`loads at most ${API_BUDGET_BYTES / 1000} KB at cold start`, () => {
    expect(eagerBytes('dist/credentials-api/index.mjs')).toBeLessThanOrEqual(API_BUDGET_BYTES);
  });

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
