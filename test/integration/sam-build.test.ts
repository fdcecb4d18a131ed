import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readTemplate } from '#local/template.js';
import { templateBundles } from '#scripts/build.js';
import { loadBundledHandler } from '#support/bundled-handler.js';
import { captureOutput, lambdaContext, readEvent } from '#support/lambda.js';

/**
 * `sam build` with a stock SAM CLI, as its esbuild builder (aws-lambda-builders,
 * workflows/nodejs_npm_esbuild) does it: copy CodeUri to a scratch directory without
 * node_modules, `npm install --omit=dev` there, take esbuild from that install, and run it with
 * the template's BuildProperties turned into command-line flags. The SAM CLI cannot run here, so
 * this does what it does, step by step.
 */
const SAM_EXCLUDES = new Set(['.aws-sam', '.git', 'node_modules']);

/** SAM CLI: PascalCase BuildProperties become snake_case builder options. */
const snakeCase = (key: string) => key.replace(/(?<!^)(?=[A-Z])/g, '_').toLowerCase();

/** aws-lambda-builders' EsbuildCommandBuilder: entry points, defaults, then each option. */
function samEsbuildArguments(properties: Record<string, unknown>, outdir: string): string[] {
  const options = Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [snakeCase(key), value]),
  );
  const flag = (key: string) => `--${key.replaceAll('_', '-')}`;
  const args = [...(options.entry_points as string[])];
  args.push('--bundle', '--platform=node', `--outdir=${outdir}`);
  if (!('target' in options)) args.push('--target=es2020');
  if (!('format' in options)) args.push('--format=cjs');
  if (!('minify' in options)) args.push('--minify');
  for (const [key, value] of Object.entries(options)) {
    if (['bundle', 'platform', 'outdir', 'use_npm_ci', 'entry_points'].includes(key)) continue;
    if (typeof value === 'boolean') {
      if (value) args.push(flag(key));
    } else if (typeof value === 'string') {
      args.push(`${flag(key)}=${value}`);
    } else if (Array.isArray(value)) {
      for (const item of value) args.push(`${flag(key)}:${item}`);
    } else {
      throw new Error(`sam build cannot pass ${key}: ${JSON.stringify(value)}`);
    }
  }
  return args;
}

/** The JavaScript files of a build, names and contents, in order. */
function outputs(folder: string): string[] {
  return readdirSync(folder)
    .filter((file) => file.endsWith('.mjs'))
    .map((file) => `${file}\n${readFileSync(join(folder, file), 'utf8')}`)
    .sort();
}

const functions = Object.entries(readTemplate().Resources).filter(
  ([, resource]) =>
    resource.Type === 'AWS::Serverless::Function' && resource.Metadata?.BuildMethod === 'esbuild',
);
let scratch: string;
let esbuild: string;
const artifacts = new Map<string, string>();
/** What `npm run build`'s options make of the same sources in the same place. */
const npmBuilt = new Map<string, string[]>();
const temporary: string[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'sam-build-scratch-'));
  temporary.push(scratch);
  cpSync('.', scratch, { recursive: true, filter: (source) => !SAM_EXCLUDES.has(source) });
  execFileSync('npm', ['install', '-q', '--no-audit', '--no-save', '--unsafe-perm', '--omit=dev'], {
    cwd: scratch,
    stdio: 'pipe',
  });
  const root = execFileSync('npm', ['root'], { cwd: scratch, encoding: 'utf8' }).trim();
  esbuild = join(root, '.bin', 'esbuild');
  const bundles = templateBundles();
  for (const [id, resource] of functions) {
    const outdir = mkdtempSync(join(tmpdir(), `sam-build-${id}-`));
    temporary.push(outdir);
    // A chunk's name hashes its output path too (and minified names follow the characters in
    // use), so both builds write to the same folder from the same sources: first npm run build's
    // options through esbuild's API, then the command line sam build runs.
    const properties = resource.Metadata?.BuildProperties as { EntryPoints?: string[] } | undefined;
    const entry = properties?.EntryPoints?.[0];
    const bundle = bundles.find((candidate) => candidate.entry === entry);
    if (bundle) {
      await build({
        ...bundle.options,
        entryPoints: [entry ?? ''],
        outdir,
        absWorkingDir: scratch,
      });
      npmBuilt.set(id, outputs(outdir));
      rmSync(outdir, { recursive: true, force: true });
    }
    if (existsSync(esbuild)) {
      execFileSync(
        esbuild,
        samEsbuildArguments(resource.Metadata?.BuildProperties as Record<string, unknown>, outdir),
        {
          cwd: scratch,
          stdio: 'pipe',
        },
      );
    }
    artifacts.set(id, outdir);
  }
}, 120_000);

afterAll(() => {
  delete process.env.AWS_ENDPOINT_URL;
  for (const folder of temporary) rmSync(folder, { recursive: true, force: true });
});

describe('sam build, as the SAM CLI’s esbuild builder does it', () => {
  it('finds esbuild in the production install of the project, as sam build looks for it', () => {
    expect(existsSync(esbuild)).toBe(true);
  });

  it.each(functions.map(([id, resource]) => [id, resource] as const))(
    'builds %s into the same files as npm run build’s options',
    (id, resource) => {
      const properties = resource.Metadata?.BuildProperties as { EntryPoints?: string[] };
      const name = basename(properties?.EntryPoints?.[0] ?? '', '.ts');
      const built = artifacts.get(id) ?? '';
      const handlerFile = `${String(resource.Properties?.Handler).replace(/\.handler$/, '')}.mjs`;

      expect(handlerFile).toBe('index.mjs');
      const [samBuilt, fromOptions] = [outputs(built), npmBuilt.get(id) ?? []];
      expect(samBuilt.map((file) => file.split('\n')[0])).toEqual(
        fromOptions.map((file) => file.split('\n')[0]),
      );
      // Compared file by file, so a failure does not print whole bundles.
      samBuilt.forEach((file, i) => {
        expect(file === fromOptions[i], file.split('\n')[0]).toBe(true);
      });
      expect(readdirSync(`dist/${name}`).filter((file) => file.endsWith('.mjs'))).toHaveLength(
        samBuilt.length,
      );
      for (const map of readdirSync(built).filter((file) => file.endsWith('.map'))) {
        expect(JSON.parse(readFileSync(join(built, map), 'utf8')).sourcesContent).toBeUndefined();
      }
    },
  );

  it('produces a credentials-api bundle whose handler answers a signed request', async () => {
    captureOutput();
    process.env.AWS_ENDPOINT_URL = inject('motoEndpoint');
    process.env.POLICY_FILE = 'local/policy.yaml';
    const handler = await loadBundledHandler<
      (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>
    >(artifacts.get('CredentialsApiFunction') ?? '');

    const response = await handler(readEvent('api-iam-user.json'), lambdaContext);

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ dbUser: 'IAM:reporting' });
  });
});
