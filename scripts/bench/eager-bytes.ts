import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The files a cold start loads before the handler runs: the entry bundle and every chunk it
 * imports statically, transitively. Chunks reached only by `import()` (clients a policy may not
 * need) are left out: they load on first use.
 */
export function eagerFiles(entry: string): string[] {
  const found = new Set<string>();
  const visit = (file: string) => {
    if (found.has(file)) return;
    found.add(file);
    const code = readFileSync(file, 'utf8');
    for (const [, chunk] of code.matchAll(/(?:^|[;}\s])import\s*[^(]*?from\s*"(\.\/[^"]+)"/g)) {
      visit(join(dirname(file), chunk ?? ''));
    }
  };
  visit(entry);
  return [...found];
}

/** The bytes of those files. */
export const eagerBytes = (entry: string) =>
  eagerFiles(entry).reduce((sum, file) => sum + readFileSync(file).length, 0);
