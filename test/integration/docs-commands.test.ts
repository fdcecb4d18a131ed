import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectStaticChecksGreen,
  placesOf,
  runAsWritten,
  runnableBlocks,
} from '#support/documented-commands.js';
import { type LocalVendor, startLocalVendor } from '#support/local-vendor.js';
import { copyOfRepository } from '#support/repository-copy.js';

// Every block a page marks runnable (`<!-- run -->` above a shell block) works exactly as written.
// The blocks that source .local/env.sh run in a second terminal beside `npm start`.
const blocks = runnableBlocks().filter((block) => block.needsLocalVendor);

describe('the documented commands, beside npm start, run as written', () => {
  let clone: string;
  let vendor: LocalVendor;

  beforeAll(async () => {
    // A clone as a new user has it (the bundles `npm test` built included), and `npm start` in
    // it, started as that user's first terminal does.
    clone = copyOfRepository({ withBuild: true });
    vendor = await startLocalVendor({ AWS_ENDPOINT_URL: '' }, clone);
  }, 60_000);

  afterAll(async () => {
    await vendor?.stop();
  });

  it('has runnable blocks in the README', () => {
    expect(
      blocks.filter((block) => block.places.some((place) => place.startsWith('README.md:'))).length,
    ).toBeGreaterThanOrEqual(3);
  });

  it.each(blocks.map((block) => [placesOf(block), block] as const))(
    'runs %s',
    (_, block) => runAsWritten(block, clone),
    120_000,
  );

  it(
    'leaves npm test’s static checks green in the clone: what the commands wrote is ignored',
    () => expectStaticChecksGreen(clone),
    120_000,
  );
});
