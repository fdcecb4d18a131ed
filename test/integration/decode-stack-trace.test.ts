import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeStack } from '#scripts/decode-stack-trace.js';

// Minified frames of a deployed bundle, mapped back to the sources with the maps the build ships.
const bundleDir = 'dist/credentials-api';

/** Where `text` is in the built bundle, as a stack frame would name it. */
function frameAt(text: string): string {
  for (const file of readdirSync(bundleDir).filter((name) => name.endsWith('.mjs'))) {
    const code = readFileSync(join(bundleDir, file), 'utf8');
    const offset = code.indexOf(text);
    if (offset < 0) continue;
    const before = code.slice(0, offset).split('\n');
    const line = before.length;
    const column = (before.at(-1)?.length ?? 0) + 1;
    return `    at loggerAuditSink (/var/task/${file}:${line}:${column})`;
  }
  throw new Error(`${text} is not in the bundle`);
}

describe('npm run decode-stack-trace', () => {
  it('maps a minified frame back to the TypeScript line it came from', () => {
    const trace = `Error: boom\n${frameAt('"Credential decision"')}\n    at node:internal/x:1:1\n`;

    const decoded = decodeStack(trace, bundleDir);

    expect(decoded).toMatch(
      /^Error: boom\n {4}at loggerAuditSink \(functions\/adapters\/logger-audit-sink\.ts:\d+:\d+\)\n/,
    );
    expect(decoded).toContain('at node:internal/x:1:1');
  });

  it('leaves frames it has no map for as they are', () => {
    const trace = '    at handler (/var/task/other.mjs:1:10)\n';

    expect(decodeStack(trace, bundleDir)).toBe(trace);
  });
});
