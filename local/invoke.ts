import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prepareLocalAws } from './emulator.js';
import { lambdaContext } from './lambda-context.js';
import { LOCAL_POLICY_FILE } from './seed.js';
import { runTool, SetupError } from './setup-error.js';
import { readTemplate } from './template.js';

/**
 * `npm run invoke -- <function> <event.json>`: what `sam local invoke -e` does, without Docker.
 * Runs one bundled handler on an event file with the function's environment from template.yaml
 * (Globals, then the function's own), then `events/env.json`, then this shell's environment, and
 * the local policy unless the shell sets POLICY_FILE; maps `/opt/…` paths onto the function's
 * layers' content; prints the result on stdout and the
 * function's logs on stderr. Without AWS_ENDPOINT_URL it starts a seeded moto_server for the call.
 */
const [functionName, eventFile] = process.argv.slice(2);
if (!functionName || !eventFile) {
  console.error('usage: npm run invoke -- <function> <event.json>   (function: credentials-api)');
  process.exit(2);
}

const template = readTemplate();
/** The function's name: its esbuild entry point's, as `npm run build` names dist/<name>/. */
const nameOf = (resource: { Metadata?: Record<string, unknown> }) => {
  const properties = resource.Metadata?.BuildProperties as { EntryPoints?: string[] } | undefined;
  return basename(properties?.EntryPoints?.[0] ?? '', extname(properties?.EntryPoints?.[0] ?? ''));
};
const [logicalId, fn] =
  Object.entries(template.Resources).find(
    ([id, resource]) =>
      resource.Type === 'AWS::Serverless::Function' &&
      (id === functionName || nameOf(resource) === functionName),
  ) ?? [];
if (!logicalId || !fn) {
  console.error(`no function "${functionName}" in template.yaml`);
  process.exit(2);
}
const bundleName = nameOf(fn);

const variablesOf = (owner: Record<string, unknown> | undefined) =>
  (owner?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
const envFile = JSON.parse(readFileSync('events/env.json', 'utf8')) as Record<
  string,
  Record<string, string>
>;
const functionEnvironment: Record<string, unknown> = {
  ...variablesOf(template.Globals?.Function),
  ...variablesOf(fn.Properties),
  ...envFile[logicalId],
};
const shellEnvironment = { ...process.env };
for (const [name, value] of Object.entries(functionEnvironment)) {
  // Intrinsics (!Ref …) have no local value; NODE_OPTIONS cannot apply to a running process.
  if (typeof value === 'string' && name !== 'NODE_OPTIONS') process.env[name] = value;
}
// The user's own environment wins, as it would be the reason to set it; a local emulator
// replaces the Docker-host endpoint of env.json unless the shell names one.
Object.assign(process.env, shellEnvironment);
if (!shellEnvironment.AWS_ENDPOINT_URL) delete process.env.AWS_ENDPOINT_URL;
// The local policy, not the deployable one, unless the shell names a policy (even /opt/…).
process.env.POLICY_FILE = onLayers(shellEnvironment.POLICY_FILE ?? LOCAL_POLICY_FILE);

await runTool('npm run invoke', async () => {
  if (!existsSync(eventFile)) {
    throw new SetupError(`no event file ${eventFile}: name one of events/*.json or your own`);
  }
  let event: unknown;
  try {
    event = JSON.parse(readFileSync(eventFile, 'utf8'));
  } catch {
    throw new SetupError(`event file ${eventFile} is not JSON: fix it`);
  }
  const aws = await prepareLocalAws();
  try {
    const bundle = pathToFileURL(resolve(`dist/${bundleName}/index.mjs`)).href;
    // The function's logs go to stderr, so stdout carries the result alone (as with sam local invoke).
    const writeResult = process.stdout.write.bind(process.stdout);
    process.stdout.write = process.stderr.write.bind(process.stderr);
    const { handler } = (await import(bundle)) as {
      handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
    };
    try {
      const result = await handler(event, lambdaContext(bundleName));
      writeResult(`${JSON.stringify(result)}\n`);
    } catch (error) {
      // A failed invocation, as Lambda reports it (what a workflow's Catch sees).
      const { name, message } = error as Error;
      writeResult(`${JSON.stringify({ errorType: name, errorMessage: message })}\n`);
      process.exitCode = 1;
    }
  } finally {
    await aws.stop();
  }
});

/** Maps a `/opt/…` path to the content of one of the function's layers, as Lambda mounts it. */
function onLayers(path: string | undefined): string | undefined {
  if (!path?.startsWith('/opt/')) return path;
  const layers = (fn?.Properties?.Layers as { Ref?: string }[] | undefined) ?? [];
  for (const { Ref } of layers) {
    const contentUri = template.Resources[Ref ?? '']?.Properties?.ContentUri;
    const candidate =
      typeof contentUri === 'string' ? join(contentUri, path.slice('/opt/'.length)) : '';
    if (candidate && existsSync(candidate)) return candidate;
  }
  return path;
}
