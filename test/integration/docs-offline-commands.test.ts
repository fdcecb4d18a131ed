import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectStaticChecksGreen,
  placesOf,
  runAsWritten,
  runnableBlocks,
} from '#support/documented-commands.js';
import { copyOfRepository } from '#support/repository-copy.js';

// The runnable blocks that need no local vendor (they do not source .local/env.sh: the policy
// tools, `npm run invoke` with its own emulator) work as written in a terminal of their own.
const blocks = runnableBlocks().filter((block) => !block.needsLocalVendor);

describe('the documented commands, without npm start, run as written', () => {
  let clone: string;

  beforeAll(() => {
    clone = copyOfRepository({ withBuild: true });
  });

  it('include the policy review and npm run invoke', () => {
    expect(blocks.map((block) => block.script).join('\n')).toMatch(
      /npm run policy[\s\S]*npm run invoke/,
    );
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
