import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, resolve } from 'node:path';
import { type BuildOptions, build, stop } from 'esbuild';
import { readTemplate } from '../local/template.js';

/**
 * `npm run build`: bundles every esbuild function of template.yaml into dist/<name>/index.mjs,
 * with exactly the BuildProperties `sam build` reads from the template (one source of truth).
 */
interface EsbuildProperties {
  EntryPoints: string[];
  EntryNames?: string;
  Format?: 'esm' | 'cjs';
  Target?: string;
  Minify?: boolean;
  Splitting?: boolean;
  Sourcemap?: boolean;
  /** A string, because `sam build` passes a boolean option only when it is true. */
  SourcesContent?: boolean | 'true' | 'false';
  KeepNames?: boolean;
  TreeShaking?: boolean;
  MainFields?: string;
  External?: string[];
  Banner?: string[];
  OutExtension?: string[];
}

/**
 * Translates SAM's esbuild BuildProperties to esbuild options, as aws-lambda-builders turns them
 * into esbuild's command line (a test builds with that command line and compares the files).
 */
function esbuildOptions(properties: EsbuildProperties): BuildOptions {
  const pairs = (entries: string[] = []) =>
    Object.fromEntries(entries.map((entry) => entry.split(/=(.*)/s, 2) as [string, string]));
  return {
    bundle: true,
    platform: 'node',
    format: properties.Format ?? 'cjs',
    target: properties.Target?.toLowerCase() ?? 'es2020',
    minify: properties.Minify ?? true,
    splitting: properties.Splitting ?? false,
    sourcemap: properties.Sourcemap ?? false,
    sourcesContent: String(properties.SourcesContent ?? true) === 'true',
    ...(properties.EntryNames && { entryNames: properties.EntryNames }),
    keepNames: properties.KeepNames ?? false,
    treeShaking: properties.TreeShaking,
    mainFields: properties.MainFields?.split(','),
    external: properties.External,
    banner: pairs(properties.Banner),
    outExtension: pairs(properties.OutExtension),
  };
}

/** Each esbuild-built function of the template: its name (the entry file's) and options. */
export function templateBundles(template = readTemplate()) {
  return Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Serverless::Function')
    .filter((resource) => resource.Metadata?.BuildMethod === 'esbuild')
    .map((resource) => {
      const properties = resource.Metadata?.BuildProperties as EsbuildProperties;
      const [entry] = properties.EntryPoints;
      if (entry === undefined) throw new Error('esbuild function without EntryPoints');
      return { name: basename(entry, extname(entry)), entry, options: esbuildOptions(properties) };
    });
}

/** The client library (dependencies left to the consumer) and its self-contained CLI. */
async function buildClient() {
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: 'client/dist',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  };
  await build({ ...common, entryPoints: { index: 'client/index.ts' }, packages: 'external' });
  await build({
    ...common,
    entryPoints: { 'redshift-credentials': 'client/cli.ts' },
    minify: true,
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire } from 'node:module';const require = createRequire(import.meta.url);",
    },
  });
  chmodSync('client/dist/redshift-credentials.mjs', 0o755);
  execFileSync(process.execPath, [typescriptCompiler(), '-p', 'tsconfig.client.json'], {
    stdio: 'inherit',
  });
  console.error('built client/dist/ from client/');
}

/** `tsc`, wherever the installed typescript package declares it (its package.json `bin`). */
function typescriptCompiler(): string {
  const manifest = createRequire(import.meta.url).resolve('typescript/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { tsc: string } };
  return resolve(dirname(manifest), bin.tsc);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  rmSync('dist', { recursive: true, force: true });
  rmSync('client/dist', { recursive: true, force: true });
  for (const { name, entry, options } of templateBundles()) {
    const { metafile } = await build({
      ...options,
      entryPoints: [entry],
      outdir: `dist/${name}`,
      metafile: true,
      logLevel: 'warning',
    });
    // What went into the bundle, for `npm run bench` (and esbuild's analyzer).
    writeFileSync(`dist/${name}/metafile.json`, JSON.stringify(metafile));
    console.error(`built dist/${name}/ from ${entry}`);
  }
  await buildClient();
  // Ends esbuild's service process now, so this process reaps it instead of leaving it behind.
  await stop();
}
