import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { prepareLocalAws } from './emulator.js';
import { type ApiHandler, LOCAL_API, startGateway } from './gateway.js';
import { DEFAULT_IDENTITIES_FILE, loadIdentities } from './identities.js';
import { LOCAL_POLICY_FILE } from './seed.js';

/**
 * `npm start`: the whole vendor on this machine. moto_server (seeded with the example cluster and
 * state machine), and on 127.0.0.1:${PORT:-3000} a gateway that verifies SigV4 like API Gateway's
 * AWS_IAM authorizer and invokes the bundled credentials-api handler. Ctrl-C stops everything.
 */
const port = Number(process.env.PORT ?? 3000);
const identitiesFile = process.env.IDENTITIES_FILE ?? DEFAULT_IDENTITIES_FILE;

const aws = await prepareLocalAws();
process.env.POLICY_FILE ??= LOCAL_POLICY_FILE;
process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';
// The local gateway's events name this API and stage, as API Gateway's name the deployed ones.
process.env.API_ID = LOCAL_API.apiId;
process.env.API_STAGE = LOCAL_API.stage;

try {
  const identities = loadIdentities(identitiesFile);
  const bundle = pathToFileURL(resolve('dist/credentials-api/index.mjs')).href;
  const { handler } = (await import(bundle)) as { handler: ApiHandler };
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const gateway = await startGateway({
    handler,
    identities,
    region,
    port,
    onRequest: (line) => console.error(`[gateway] ${line}`),
  });

  const stop = async (signal: string) => {
    console.error(`\n${signal}: stopping`);
    await gateway.close();
    await aws.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));

  const [example] = identities.values();
  console.log(
    [
      `redshift-credential-vendor ready: POST ${gateway.url}/credentials (region ${region}, policy ${process.env.POLICY_FILE}, identities ${identitiesFile}, AWS emulator ${aws.endpoint})`,
      '',
      'Try it (signed as the example IAM user of the identities file):',
      '',
      `  curl -sS ${gateway.url}/credentials \\`,
      `    --aws-sigv4 "aws:amz:${region}:execute-api" \\`,
      `    --user "${example?.accessKeyId}:${example?.secretAccessKey}" \\`,
      `    -H 'content-type: application/json' -d '{"durationSeconds": 900}'`,
      '',
    ].join('\n'),
  );
} catch (error) {
  await aws.stop();
  throw error;
}
