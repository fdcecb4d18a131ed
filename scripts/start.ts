import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { type ApiEvent, callerArnOf } from '../functions/commons/api-gateway.js';
import { type Moto, startMoto } from './moto.js';
import { EXAMPLE_CLUSTER, seedExampleCluster } from './seed.js';

/**
 * `npm start`: runs the bundled credentials-api handler locally, against moto_server seeded with
 * the example cluster, on each sample event in events/ (or the event files given as arguments),
 * and prints what a caller would get. Until the local SigV4 gateway lands, this is the local run.
 */
const POLICY_FILE = 'layers/policy/policy/policy.yaml';

let moto: Moto | undefined;
const stop = async () => {
  await moto?.stop();
  moto = undefined;
};
process.once('SIGINT', () => void stop().then(() => process.exit(130)));

try {
  if (!process.env.AWS_ENDPOINT_URL) {
    moto = await startMoto();
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
  }
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'testing';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'testing';
  process.env.POLICY_FILE ??= POLICY_FILE;
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  await seedExampleCluster(process.env.AWS_ENDPOINT_URL, process.env.AWS_REGION);
  console.log(
    `moto_server at ${process.env.AWS_ENDPOINT_URL} with cluster ${EXAMPLE_CLUSTER.clusterIdentifier}; policy ${process.env.POLICY_FILE}\n`,
  );

  const { handler } = (await import(
    pathToFileURL(resolve('dist/credentials-api/index.mjs')).href
  )) as {
    handler: (event: ApiEvent, context: object) => Promise<APIGatewayProxyResult>;
  };
  const eventFiles = process.argv.slice(2);
  const files = eventFiles.length > 0 ? eventFiles : sampleEvents();
  for (const file of files) {
    const event = JSON.parse(readFileSync(file, 'utf8')) as ApiEvent;
    const response = await handler(event, {
      awsRequestId: `local-${Date.now()}`,
      functionName: 'credentials-api',
    });
    console.log(
      `POST /credentials  ${file}\n  caller ${callerArnOf(event)}\n  body   ${event.body}`,
    );
    console.log(`  -> ${response.statusCode} ${response.body}\n`);
  }
} finally {
  await stop();
}

function sampleEvents(): string[] {
  return readdirSync('events')
    .filter((file) => file.startsWith('api-') && file.endsWith('.json'))
    .map((file) => `events/${file}`);
}
