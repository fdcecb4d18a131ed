import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readTemplate } from '../../local/template.js';
import type { Figure } from './report.js';
import { median } from './stats.js';

/**
 * Cold import: a fresh node importing a bundle (clients built, policy loaded) vs `node -e 0`,
 * all variants alternated in one run. Besides the functions: the floor (the vendor's libraries
 * alone) and credentials-api under the template's NODE_OPTIONS (what Lambda runs). The target
 * lookups a cold start makes are off here (TARGET_LOOKUP_AT_START=false), so this is the import
 * alone; INIT with them, and the first request after it, are the first-request figures.
 */
export function coldImport(
  functions: readonly string[],
  floorBundle: string,
  node = process.execPath,
  pairs = 41,
): Figure {
  const nodeOptions = readTemplate().Globals?.Function?.Environment as
    | { Variables?: { NODE_OPTIONS?: string } }
    | undefined;
  const importing = (file: string) => [
    '-e',
    `import(${JSON.stringify(pathToFileURL(file).href)}).then(({ handler }) => { if (!handler) process.exit(1); })`,
  ];
  const variants = [
    { key: 'bare', args: ['-e', '0'] },
    ...functions.map((name) => ({ key: name, args: importing(resolve(`dist/${name}/index.mjs`)) })),
    { key: 'floor', args: importing(floorBundle) },
    {
      key: 'credentials-api+NODE_OPTIONS',
      args: importing(resolve('dist/credentials-api/index.mjs')),
      env: { NODE_OPTIONS: nodeOptions?.Variables?.NODE_OPTIONS ?? '' },
    },
  ];
  const run = ({ args, env }: { args: string[]; env?: Record<string, string> }) => {
    const started = process.hrtime.bigint();
    const { status } = spawnSync(node, args, {
      stdio: 'ignore',
      env: { ...process.env, TARGET_LOOKUP_AT_START: 'false', ...env },
    });
    if (status !== 0) throw new Error(`node ${args.join(' ')} exited ${status}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const times = new Map(variants.map(({ key }) => [key, [] as number[]]));
  for (const variant of variants) run(variant);
  for (let i = 0; i < pairs; i += 1) {
    for (const variant of variants) times.get(variant.key)?.push(run(variant));
  }

  const medianOf = (key: string) => median(times.get(key) ?? []);
  const bare = medianOf('bare');
  const floor = medianOf('floor');
  const results = Object.fromEntries(
    variants.map(({ key }) => [
      `coldImport:${key}`,
      { runs: pairs, importMs: medianOf(key), bareMs: bare, floorMs: floor },
    ]),
  );
  /** `key`'s median over `reference`'s, as the ratio and the row's text. */
  const versus = (key: string, reference: number) => {
    const ms = medianOf(key);
    return {
      ratio: ms / reference,
      value: `${ms.toFixed(1)} ms / ${reference.toFixed(1)} ms = ${(ms / reference).toFixed(2)}`,
    };
  };
  const overFloor = (key: string) => versus(key, floor);
  const measure = (key: string) => versus(key, bare);
  const api = overFloor('credentials-api+NODE_OPTIONS');
  const task = overFloor('credentials-task');
  return {
    results,
    rows: [
      {
        figure: `credentials-api cold import, template's NODE_OPTIONS, / the floor's (median of ${pairs})`,
        value: api.value,
        target: '≤ 1.10',
        met: api.ratio <= 1.1,
      },
      {
        figure: "credentials-task cold import / the floor's",
        value: task.value,
        target: '≤ 1.15',
        met: task.ratio <= 1.15,
      },
      {
        figure: "  credentials-api without NODE_OPTIONS / the floor's",
        value: overFloor('credentials-api').value,
        target: '',
      },
      {
        figure: "  the floor (the vendor's libraries alone) / node -e 0",
        value: measure('floor').value,
        target: '',
      },
      {
        figure: '  credentials-api / node -e 0',
        value: measure('credentials-api').value,
        target: '',
      },
    ],
  };
}
