import { isAbsolute, join } from 'node:path';
import { pathToFileURL } from 'node:url';

let coldStarts = 0;

/**
 * A function's handler from its bundle, loaded afresh (a cold start, reading the environment as it
 * is now) by Node's own loader, as Lambda loads it: the test exercises the shipped file, not the
 * sources. `bundle` is a function's name (`dist/<name>/`, as `npm run build` made it) or the
 * absolute path of a build's output folder; the handler is its `index.mjs`.
 */
export async function loadBundledHandler<Handler>(bundle: string): Promise<Handler> {
  coldStarts += 1;
  const folder = isAbsolute(bundle) ? bundle : join('dist', bundle);
  const url = `${pathToFileURL(join(folder, 'index.mjs')).href}?cold-start=${coldStarts}`;
  const { handler } = (await import(/* @vite-ignore */ url)) as { handler: Handler };
  return handler;
}
