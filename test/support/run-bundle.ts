// Runs a bundled handler once in this process, as Lambda would, and writes its result to the file
// named by RESULT_FILE, so a test can read the process's stdout/stderr apart from the result.
// Usage: RESULT_FILE=out.json node --import tsx test/support/run-bundle.ts <bundle.mjs> <event.json>
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { lambdaContext } from '#local/lambda-context.js';

const [bundle = '', eventFile = '', resultFile = process.env.RESULT_FILE ?? ''] = [
  ...process.argv.slice(2),
];
const { handler } = (await import(pathToFileURL(resolve(bundle)).href)) as {
  handler: (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
};
const event: unknown = JSON.parse(readFileSync(eventFile, 'utf8'));
writeFileSync(resultFile, JSON.stringify(await handler(event, lambdaContext('credentials-api'))));
