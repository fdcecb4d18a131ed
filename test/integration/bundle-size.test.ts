import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_BUDGET_BYTES } from '../../scripts/bench/bundle-sizes.js';

// The credentials-api bundle's size budget (README, Performance): a size is deterministic, so it
// can be a test; timings are measured by `npm run bench`, never asserted here.
describe('credentials-api bundle', () => {
  it(`stays within its ${API_BUDGET_BYTES / 1000} KB budget`, () => {
    expect(statSync('dist/credentials-api/index.mjs').size).toBeLessThanOrEqual(API_BUDGET_BYTES);
  });
});
