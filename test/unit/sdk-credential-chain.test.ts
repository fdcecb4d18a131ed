import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Inside the Lambda bundles the AWS SDK clients' default credential chain is replaced, through
// npm `overrides`, by the environment-only one in functions/npm-overrides/ (Lambda hands the
// role's credentials in the environment; the full chain is much larger). An override applies per
// client package, so a client the functions import without one silently brings the full chain
// back; and since the override applies to the whole repository, code outside the functions
// (the CLI, the local stack, the scripts) must never rely on the default chain.
const SWAP = 'file:../../../functions/npm-overrides/aws-sdk-credential-provider-node';
const SKIPPED = new Set(['node_modules', 'dist']);

function sourcesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** The `@aws-sdk/client-*` packages a file imports, with the names it imports from them. */
function sdkClientImports(text: string): { pkg: string; names: string[] }[] {
  return [
    ...text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[\w-]+)'/g),
  ].map(([, names = '', pkg = '']) => ({
    pkg,
    names: names
      .split(',')
      .map((name) => name.replace(/^\s*type\s+/, '').trim())
      .filter((name) => name.length > 0),
  }));
}

/** The argument text of each `new NAME(` in `text`, up to its closing parenthesis. */
function constructorArguments(text: string, name: string): string[] {
  return [...text.matchAll(new RegExp(`new ${name}\\(`, 'g'))].map((match) => {
    let depth = 1;
    let end = (match.index ?? 0) + match[0].length;
    for (; end < text.length && depth > 0; end += 1) {
      if (text[end] === '(') depth += 1;
      if (text[end] === ')') depth -= 1;
    }
    return text.slice((match.index ?? 0) + match[0].length, end - 1);
  });
}

describe('the SDK credential chain swap', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
    overrides: Record<string, Record<string, string>>;
  };

  it('covers every AWS SDK client the functions import', () => {
    const imported = new Set(
      sourcesUnder('functions').flatMap((file) =>
        sdkClientImports(readFileSync(file, 'utf8')).map(({ pkg }) => pkg),
      ),
    );

    expect(imported.size).toBeGreaterThanOrEqual(5);
    const uncovered = [...imported].filter(
      (pkg) => manifest.overrides[pkg]?.['@aws-sdk/credential-provider-node'] !== SWAP,
    );
    expect(uncovered).toEqual([]);
  });

  it('is what npm installed for each of them', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, { resolved?: string; link?: boolean }>;
    };
    for (const pkg of Object.keys(manifest.overrides)) {
      const installed =
        lock.packages[`node_modules/${pkg}/node_modules/@aws-sdk/credential-provider-node`];
      expect([pkg, installed?.resolved]).toEqual([
        pkg,
        'functions/npm-overrides/aws-sdk-credential-provider-node',
      ]);
    }
  });

  it.each(['client', 'local', 'scripts'])(
    'is never relied on in %s/: every SDK client there is given its credentials',
    (folder) => {
      const implicit = sourcesUnder(folder).flatMap((file) => {
        const text = readFileSync(file, 'utf8');
        return sdkClientImports(text)
          .flatMap(({ names }) => names.filter((name) => name.endsWith('Client')))
          .flatMap((name) =>
            constructorArguments(text, name)
              .filter((args) => !/\bcredentials\b/.test(args))
              .map((args) => `${file}: new ${name}(${args})`),
          );
      });

      expect(implicit).toEqual([]);
    },
  );
});
