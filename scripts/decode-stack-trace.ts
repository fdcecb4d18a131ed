import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { basename, join } from 'node:path';
import { runTool, SetupError } from '../local/setup-error.js';

/**
 * `npm run decode-stack-trace -- FUNCTION < trace.txt`: a stack trace from a function's log, its minified frames
 * (`/var/task/index.mjs:1:2345`) mapped back to the TypeScript and package sources through the
 * source maps the build writes beside each bundle. The functions run without
 * `--enable-source-maps` (it costs every cold start time: docs/performance.md); decode with the maps of the same
 * commit that was deployed.
 */
export function decodeStack(trace: string, bundleDir: string): string {
  const maps = new Map<string, SourceMap | undefined>();
  const mapOf = (file: string) => {
    if (!maps.has(file)) {
      const path = join(bundleDir, `${file}.map`);
      maps.set(
        file,
        existsSync(path) ? new SourceMap(JSON.parse(readFileSync(path, 'utf8'))) : undefined,
      );
    }
    return maps.get(file);
  };
  return trace.replace(
    /(?:file:\/\/)?[^\s()]*?([\w-]+\.mjs):(\d+):(\d+)/g,
    (frame, file: string, line: string, column: string) => {
      const entry = mapOf(basename(file))?.findEntry(Number(line) - 1, Number(column) - 1);
      if (!entry || !('originalSource' in entry)) return frame;
      const source = entry.originalSource.replace(/^(\.\.\/)+/, '');
      return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    },
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runTool('npm run decode-stack-trace', async () => {
    const [name] = process.argv.slice(2);
    const bundleDir = join('dist', name ?? '');
    if (!name || !existsSync(join(bundleDir, 'index.mjs.map'))) {
      throw new SetupError(
        'usage: npm run decode-stack-trace -- credentials-api|credentials-task < trace.txt (after npm run build, at the deployed commit)',
      );
    }
    process.stdout.write(decodeStack(readFileSync(0, 'utf8'), bundleDir));
  });
}
