import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { pgEnvironment } from '#client/connection.js';
import { type LocalVendor, startLocalVendor } from '#support/local-vendor.js';
import { copyOfRepository } from '#support/repository-copy.js';

// The documentation is part of the product: a person finds each task on a page of its own, every
// link leads somewhere, and every block a page marks runnable (`<!-- run -->` above a shell block)
// works exactly as written, against the local vendor where it needs one.
const run = promisify(execFile);

const PAGES = [
  'README.md',
  'client/README.md',
  'CHANGELOG.md',
  'SECURITY.md',
  ...readdirSync('docs')
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
];

interface Runnable {
  readonly page: string;
  readonly line: number;
  readonly script: string;
  /** Text the block's output must contain, from `<!-- run: expect TEXT -->`. */
  readonly expect?: string;
}

/** The shell blocks a page marks runnable, in the page's order. */
function runnableBlocks(page: string): Runnable[] {
  const text = readFileSync(page, 'utf8');
  return [...text.matchAll(/<!-- run(?:: expect (.+?))? -->\n```sh\n([\s\S]*?)^```$/gm)].map(
    (match) => ({
      page,
      line: text.slice(0, match.index).split('\n').length,
      script: match[2] ?? '',
      ...(match[1] !== undefined && { expect: match[1] }),
    }),
  );
}

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

describe('the documented commands, run as written', () => {
  const blocks = PAGES.flatMap(runnableBlocks);
  let copy: string;
  let vendor: LocalVendor;

  beforeAll(async () => {
    // A clone as a new user has it (the bundles `npm test` built included), and `npm start` in
    // it, started as that user's first terminal does.
    copy = copyOfRepository({ withBuild: true });
    vendor = await startLocalVendor({ AWS_ENDPOINT_URL: '' }, copy);
  }, 60_000);

  afterAll(async () => {
    await vendor?.stop();
  });

  it('has runnable blocks in the README', () => {
    expect(blocks.filter(({ page }) => page === 'README.md').length).toBeGreaterThanOrEqual(3);
  });

  it.each(blocks.map((block) => [`${block.page}:${block.line}`, block] as const))(
    'runs %s',
    async (_, block) => {
      // A second terminal: the user's own environment, none of the test's AWS settings.
      const environment = Object.fromEntries(
        Object.entries(process.env).filter(
          ([name]) => !/^(AWS_|REDSHIFT_|PG|NODE_EXTRA_CA_CERTS$|POLICY_FILE$|API_)/.test(name),
        ),
      );

      const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', block.script], {
        cwd: copy,
        env: environment,
        maxBuffer: 1 << 22,
      });

      if (block.expect !== undefined) expect(stdout).toContain(block.expect);
    },
    120_000,
  );

  it('leaves npm test’s static checks green in the clone: what the commands wrote is ignored', async () => {
    // The rest of npm test builds and runs the suite from test/ alone, which no command touches.
    for (const script of ['lint', 'typecheck']) {
      await expect(run('npm', ['run', '--silent', script], { cwd: copy })).resolves.toBeDefined();
    }
  }, 120_000);
});
