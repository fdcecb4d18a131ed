import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pgEnvironment } from '#client/connection.js';
import { PAGES } from '#support/documented-commands.js';

// The documentation is part of the product: a person finds each task on a page of its own, every
// link leads somewhere, and every block a page marks runnable (`<!-- run -->` above a shell block)
// works exactly as written (docs-commands.test.ts and docs-offline-commands.test.ts run those).
const run = promisify(execFile);

/** The fenced code blocks of a page in one language. */
function codeBlocks(page: string, language: string): string[] {
  const text = readFileSync(page, 'utf8');
  return [...text.matchAll(new RegExp(`\`\`\`${language}\n([\\s\\S]*?)\`\`\``, 'g'))].map(
    ([, code = '']) => code,
  );
}

/** The relative links of a page (not web addresses, not anchors within it). */
function relativeLinks(page: string): string[] {
  const text = readFileSync(page, 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, target = '']) => target)
    .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'));
}

describe('the documentation', () => {
  it('keeps the README the short front door: at most 15 KB', () => {
    expect(statSync('README.md').size).toBeLessThanOrEqual(15 * 1024);
  });

  it.each(PAGES)('links %s only to files that exist', (page) => {
    const missing = relativeLinks(page).filter(
      (target) => !existsSync(join(dirname(page), target.split('#')[0] ?? '')),
    );

    expect(missing).toEqual([]);
  });

  it('shows on the policy page an example policy that passes its own strict check', async () => {
    const example = /```yaml\n([\s\S]*?)```/.exec(readFileSync('docs/policy.md', 'utf8'))?.[1];
    const file = join(mkdtempSync(join(tmpdir(), 'policy-example-')), 'policy.yaml');
    writeFileSync(file, example ?? '');

    const { stdout } = await run(process.execPath, [
      '--import',
      'tsx',
      'scripts/policy.ts',
      'check',
      '--strict',
      file,
    ]);

    expect(stdout.trim()).toBe(`${file}: 0 problems, 0 warnings — valid`);
  });

  it.each(
    PAGES.flatMap((page) =>
      codeBlocks(page, 'python').map((code, i) => [`${page} #${i + 1}`, code]),
    ),
  )('shows in %s Python that parses', async (_, code) => {
    // Python the machine cannot run (no psycopg, SQLAlchemy or Airflow here) is checked for syntax.
    const checked = run('python3', ['-c', 'import ast, sys; ast.parse(sys.stdin.read())']);
    checked.child.stdin?.end(code);

    await expect(checked).resolves.toBeDefined();
  });

  it('shows a dbt profile that reads only variables the CLI’s env format prints', () => {
    const [profile] = codeBlocks('docs/recipes.md', 'yaml');
    const read = [...(profile ?? '').matchAll(/env_var\('(\w+)'\)/g)].map(([, name]) => name);
    const printed = Object.keys(
      pgEnvironment({ host: 'h', port: 5439, database: 'd', dbUser: 'u', dbPassword: 'p' }),
    );

    expect(read.length).toBeGreaterThanOrEqual(5);
    expect(read.filter((name) => !printed.includes(name ?? ''))).toEqual([]);
    expect(parse(profile ?? '')).toMatchObject({
      analytics: { outputs: { prod: { type: 'redshift', sslmode: 'verify-full' } } },
    });
  });

  it.each(['LICENSE', 'CHANGELOG.md', 'SECURITY.md'])('ships %s', (file) => {
    expect(existsSync(file)).toBe(true);
  });
});
