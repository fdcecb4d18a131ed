import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The credentials-api bundle's size budget (README, Performance): a size is deterministic, so it
// can be a test; timings are measured by `npm run bench`, never asserted here.
const BUDGET_BYTES = 357_000;

describe('credentials-api bundle', () => {
  it(`stays within its ${BUDGET_BYTES / 1000} KB budget`, () => {
    expect(statSync('dist/credentials-api/index.mjs').size).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
