import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readPolicyFile } from '../functions/adapters/policy-file.js';
import { seedDatabase } from './database-seed.js';
import { prepareLocalAws } from './emulator.js';
import { ENVIRONMENT_FILE } from './environment-file.js';
import { type ApiHandler, LOCAL_API, startGateway } from './gateway.js';
import { DEFAULT_IDENTITIES_FILE, loadIdentities } from './identities.js';
import { type LocalDatabase, startPostgres } from './postgres.js';
import { type RedshiftDataStub, startRedshiftDataStub } from './redshift-data-stub.js';
import { type LoginProxy, startRedshiftLoginProxy } from './redshift-login-proxy.js';
import { LOCAL_POLICY_FILE } from './seed.js';
import { runTool } from './setup-error.js';
import { stopEach } from './stop-each.js';

/**
 * `npm start`: the whole vendor on this machine. moto_server (seeded with the example targets and
 * state machine); a PostgreSQL server playing the clusters, which gets every login the local
 * Redshift issues; and on 127.0.0.1:${PORT:-3000} a gateway that verifies SigV4 like API
 * Gateway's AWS_IAM authorizer and invokes the bundled credentials-api handler. Ctrl-C (or
 * SIGTERM) stops everything it started.
 */
await runTool('npm start', async () => {
  const port = Number(process.env.PORT ?? 3000);
  const identitiesFile = process.env.IDENTITIES_FILE ?? DEFAULT_IDENTITIES_FILE;

  // A setup mistake in the identities file is reported before anything is started.
  const identities = loadIdentities(identitiesFile);
  const aws = await prepareLocalAws();
  process.env.POLICY_FILE ??= LOCAL_POLICY_FILE;
  process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';
  // The local gateway's events name this API and stage, as API Gateway's name the deployed ones.
  process.env.API_ID = LOCAL_API.apiId;
  process.env.API_STAGE = LOCAL_API.stage;

  let database: LocalDatabase | undefined;
  let proxy: LoginProxy | undefined;
  let dataApi: RedshiftDataStub | undefined;
  const stopAll = () =>
    stopEach([
      () => proxy?.close(),
      () => dataApi?.close(),
      () => database?.stop(),
      () => aws.stop(),
    ]);

  try {
    try {
      database = await startPostgres();
      const admin = await database.admin();
      // The local policy's fixed users exist, as on a prepared cluster; anyone else's do not.
      const local = database;
      await seedDatabase(
        admin,
        {
          databasesFrom: await readPolicyFile(process.env.POLICY_FILE),
          usersFrom: await readPolicyFile(LOCAL_POLICY_FILE),
        },
        (name) => local.admin(name),
      );
      await admin.end();
      // The Redshift Data API of `npm run revoke -- … --end-sessions` runs its SQL here.
      dataApi = await startRedshiftDataStub((name) => local.admin(name));
      const validSeconds = Number(process.env.LOCAL_LOGIN_VALID_SECONDS) || undefined;
      proxy = await startRedshiftLoginProxy(aws.endpoint, database, {
        ...(validSeconds !== undefined && { validSeconds }),
      });
      // Redshift calls go through the proxy, so that an issued login exists in the database.
      process.env.AWS_ENDPOINT_URL_REDSHIFT = proxy.endpoint;
    } catch (error) {
      console.error(
        `local database: ${(error as Error).message}. The vendor runs without it; logging in with an issued credential will not work.`,
      );
    }
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

    const forgetEnvironment = () => rmSync(ENVIRONMENT_FILE, { force: true });
    process.once('exit', forgetEnvironment);
    let stopping = false;
    const stop = async (signal: string) => {
      // Ctrl-C reaches every process of the group: npm passes on a signal of its own while this
      // one stops, which must not start the stopping again or cut it short.
      if (stopping) return;
      stopping = true;
      console.error(`\n${signal}: stopping`);
      await stopEach([() => gateway.close(), stopAll]);
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));

    const [example] = identities.values();
    const environment = [
      `export REDSHIFT_CREDENTIALS_ENDPOINT=${gateway.url}/credentials AWS_REGION=${region}`,
      `export AWS_ACCESS_KEY_ID=${example?.accessKeyId} AWS_SECRET_ACCESS_KEY=${example?.secretAccessKey}`,
      `export AWS_ENDPOINT_URL=${aws.endpoint} AWS_ENDPOINT_URL_SFN=${aws.sfnEndpoint}${proxy ? ` AWS_ENDPOINT_URL_REDSHIFT=${proxy.endpoint}` : ''}${dataApi ? ` AWS_ENDPOINT_URL_REDSHIFT_DATA=${dataApi.endpoint}` : ''}`,
      `export REVOCATIONS_TABLE=${process.env.REVOCATIONS_TABLE}`,
      ...(database
        ? [
            `export PGSSLROOTCERT=${database.certificates.caFile} NODE_EXTRA_CA_CERTS=${database.certificates.caFile}`,
          ]
        : []),
    ];
    // One file a second terminal sources, written anew at every start (ports and CA change).
    mkdirSync(dirname(ENVIRONMENT_FILE), { recursive: true });
    writeFileSync(ENVIRONMENT_FILE, `${environment.join('\n')}\n`);
    console.log(
      [
        `redshift-credential-vendor ready: POST ${gateway.url}/credentials (region ${region}, policy ${process.env.POLICY_FILE}, identities ${identitiesFile}, AWS emulator ${aws.endpoint}${database ? `, database 127.0.0.1:${database.port}` : ''})`,
        '',
        'Try it (signed as the example IAM user of the identities file):',
        '',
        `  curl -sS ${gateway.url}/credentials \\`,
        `    --aws-sigv4 "aws:amz:${region}:execute-api" \\`,
        `    --user "${example?.accessKeyId}:${example?.secretAccessKey}" \\`,
        `    -H 'content-type: application/json' -d '{"durationSeconds": 900}'`,
        '',
        `Or, in another terminal, the redshift-credentials CLI with this environment (also in ${ENVIRONMENT_FILE}):`,
        '',
        `  . ${ENVIRONMENT_FILE}`,
        `  npx redshift-credentials psql -- -c 'select current_user'`,
        '',
        ...environment.map((line) => `  ${line}`),
        '',
      ].join('\n'),
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
});
