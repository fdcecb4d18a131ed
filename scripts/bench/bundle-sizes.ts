import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { eagerFiles } from './eager-bytes.js';
import type { Figure } from './report.js';
import { kb } from './stats.js';

/**
 * Each function's budget: the bytes a cold start loads (the entry bundle and the chunks it
 * imports statically), with 2% headroom over a measured size, so growth is a deliberate
 * decision. Measured 2026-12-05, once both functions read the revocations table: credentials-api
 * 388,485 bytes, credentials-task 447,417 (before it, 329,692 and 388,876: the DynamoDB client,
 * its JSON protocol in @smithy/core, util-dynamodb, Powertools Parameters and the revocation
 * check cost ~58.7 KB each, docs/performance.md). Also asserted by the size test in `npm test`.
 */
export const BUDGET_BYTES: Readonly<Record<string, number>> = {
  'credentials-api': 396_255,
  'credentials-task': 456_365,
};

/** Bundle sizes, and what weighs most in each (esbuild's metafile). */
export function bundleSizes(functions: readonly string[]): Figure {
  const figure: Figure = { rows: [], results: {} };
  for (const name of functions) {
    const files = eagerFiles(`dist/${name}/index.mjs`);
    const code = Buffer.concat(files.map((file) => readFileSync(file)));
    const metafile = JSON.parse(readFileSync(`dist/${name}/metafile.json`, 'utf8')) as {
      outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
    };
    const byPackage = new Map<string, number>();
    for (const [output, { inputs }] of Object.entries(metafile.outputs)) {
      if (!files.some((file) => file.endsWith(output))) continue;
      for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
        const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? '(this project)';
        byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + bytesInOutput);
      }
    }
    const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 5);
    const gzip = gzipSync(code).length;
    figure.results[`bundle:${name}`] = {
      bytes: code.length,
      gzipBytes: gzip,
      topPackages: Object.fromEntries(top),
    };
    figure.rows.push({
      figure: `${name} bundle loaded at cold start, minified (gzip)`,
      value: `${kb(code.length)} (${kb(gzip)})`,
      ...(BUDGET_BYTES[name] === undefined
        ? { target: '—' }
        : { target: `≤ ${kb(BUDGET_BYTES[name])}`, met: code.length <= BUDGET_BYTES[name] }),
    });
    figure.rows.push({
      figure: `  top packages in ${name}`,
      value: top.map(([pkg, bytes]) => `${pkg} ${kb(bytes)}`).join(', '),
      target: '',
    });
  }
  return figure;
}
