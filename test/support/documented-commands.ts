import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';

const run = promisify(execFile);

/** Every page of the documentation: the README, the client's, the policies' and docs/. */
export const PAGES = [
  'README.md',
  'client/README.md',
  'CHANGELOG.md',
  'SECURITY.md',
  ...readdirSync('docs')
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
];

/** A shell block a page marks runnable (`<!-- run -->` above it), with where it is shown. */
export interface Runnable {
  /** `page:line` of each place that shows this very block (the same commands, the same check). */
  readonly places: readonly string[];
  readonly script: string;
  /** Text the block's output must contain, from `<!-- run: expect TEXT -->`. */
  readonly expect?: string;
  /** Whether it runs in a terminal where `npm start` runs: it sources `.local/env.sh`. */
  readonly needsLocalVendor: boolean;
}

/**
 * The runnable blocks of every page, in the pages' order; a block shown on two pages (the same
 * commands and the same expected text) is run once, named by both places.
 */
export function runnableBlocks(): Runnable[] {
  const blocks = new Map<string, Runnable>();
  for (const page of PAGES) {
    const text = readFileSync(page, 'utf8');
    for (const match of text.matchAll(
      /<!-- run(?:: expect (.+?))? -->\n```sh\n([\s\S]*?)^```$/gm,
    )) {
      const place = `${page}:${text.slice(0, match.index).split('\n').length}`;
      const script = match[2] ?? '';
      const key = JSON.stringify([script, match[1]]);
      const seen = blocks.get(key);
      blocks.set(key, {
        places: [...(seen?.places ?? []), place],
        script,
        ...(match[1] !== undefined && { expect: match[1] }),
        needsLocalVendor: /^\. \.local\/env\.sh$/m.test(script),
      });
    }
  }
  return [...blocks.values()];
}

/**
 * Runs a block as a user's second terminal would, in `clone`: with the user's own environment and
 * none of the tests' AWS, database or policy settings; what it prints must hold its expected text.
 */
export async function runAsWritten(block: Runnable, clone: string): Promise<void> {
  const environment = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(AWS_|REDSHIFT_|PG|NODE_EXTRA_CA_CERTS$|POLICY_FILE$|API_)/.test(name),
    ),
  );
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', block.script], {
    cwd: clone,
    env: environment,
    maxBuffer: 1 << 22,
  });
  if (block.expect !== undefined) expect(stdout).toContain(block.expect);
}

/**
 * npm test's static checks of the code in a clone, after the documented commands ran there: Biome
 * over every file and the type check (cfn-lint reads only the two templates, which no command
 * writes). The rest of npm test builds and runs the suite from test/, which no command touches.
 */
export async function expectStaticChecksGreen(clone: string): Promise<void> {
  const tools = join(clone, 'node_modules/.bin');
  for (const [tool, ...args] of [
    ['biome', 'check', '--error-on-warnings', '.'],
    ['tsc', '-p', '.'],
  ] as const) {
    await expect(run(join(tools, tool), args, { cwd: clone })).resolves.toBeDefined();
  }
}

/** The test name of a block: every place it is shown. */
export const placesOf = (block: Runnable) => block.places.join(' and ');
