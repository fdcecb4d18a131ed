import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** What a copy leaves out: installs (linked instead), history, and what tools write. */
const SKIPPED = new Set(['node_modules', '.git', 'bench', 'coverage', '.local']);

/**
 * A copy of the repository in a temp folder, with this one's node_modules linked in, for running
 * what a user runs (npm start, the documented commands) without touching the working tree.
 * `withBuild` keeps dist/ (the bundles `npm test` built); without it the copy builds its own.
 */
export function copyOfRepository({ withBuild = false } = {}): string {
  const copy = mkdtempSync(join(tmpdir(), 'vendor-copy-'));
  cpSync('.', copy, {
    recursive: true,
    filter: (source) => !SKIPPED.has(source) && (withBuild || source !== 'dist'),
  });
  symlinkSync(resolve('node_modules'), join(copy, 'node_modules'));
  return copy;
}
