import { beforeEach, expect } from 'vitest';

/**
 * The functions' log lines in tests: a Powertools line (one JSON object starting `{"level":`) that
 * the code under test writes to stdout or stderr is kept for the test to assert on and never
 * reaches the terminal, so a passing run prints only the runner's own report. Tests assert on
 * what was logged with `expect(output).toHaveLogged({ field: value, … })`, where `output` has the
 * parsed lines (`captureOutput()` of test/support/lambda.ts, or `uncapturedLogLines`).
 */
const POWERTOOLS_LINE = /^\{"level":"/;
const kept: string[] = [];
const HELD = Symbol.for('redshift-credential-vendor.test-log-lines');

type Write = typeof process.stdout.write;
for (const stream of [process.stdout, process.stderr]) {
  const marked = stream as typeof stream & { [HELD]?: true };
  if (marked[HELD]) continue;
  marked[HELD] = true;
  const write = stream.write.bind(stream) as Write;
  stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (!POWERTOOLS_LINE.test(text)) return write(chunk, ...rest);
    kept.push(text);
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as Write;
}

beforeEach(() => {
  kept.length = 0;
});

/** The log lines written during this test outside any `captureOutput()`. */
export const uncapturedLogLines = {
  logLines: (): Record<string, unknown>[] =>
    kept
      .join('')
      .split('\n')
      .filter((line) => POWERTOOLS_LINE.test(line))
      .map((line) => JSON.parse(line) as Record<string, unknown>),
};

interface LogLines {
  logLines(): Record<string, unknown>[];
}

expect.extend({
  /** Whether some log line holds every field given (other fields may be there too). */
  toHaveLogged(received: LogLines, fields: Record<string, unknown>) {
    const lines = received.logLines();
    const pass = lines.some((line) => this.equals(line, expect.objectContaining(fields)));
    return {
      pass,
      message: () =>
        `expected ${pass ? 'no' : 'a'} log line with ${this.utils.printExpected(fields)}; logged:\n${lines
          .map((line) => `  ${JSON.stringify(line)}`)
          .join('\n')}`,
    };
  },
});

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: vitest declares Matchers with this default
  interface Matchers<T = any> {
    /** Whether some log line holds every field given (other fields may be there too). */
    toHaveLogged(fields: Record<string, unknown>): T;
  }
}
