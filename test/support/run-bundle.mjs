// Runs a bundled handler once in this process, as Lambda would, and writes its result to the file
// named by RESULT_FILE, so a test can read the process's stdout/stderr separately from the result.
// Usage: RESULT_FILE=out.json node test/support/run-bundle.mjs dist/<function>/index.mjs event.json
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile] = process.argv.slice(2);
const { handler } = await import(pathToFileURL(resolve(bundle)).href);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const context = {
  awsRequestId: 'b7e1c0de-0000-4000-8000-000000000001',
  functionName: 'credentials-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:credentials-api',
  memoryLimitInMB: '256',
  logGroupName: '/aws/lambda/credentials-api',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 15_000,
};
writeFileSync(process.env.RESULT_FILE, JSON.stringify(await handler(event, context)));
