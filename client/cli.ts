import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ConnectionDetails, connectionUri, pgEnvironment, pgpassLine } from './connection.js';
import { decryptTaskCredentials, type TaskCredentials } from './task-credentials.js';
import { CredentialVendorClient, CredentialVendorError } from './vendor-client.js';

const REQUEST_OPTIONS = `request options:
  --endpoint URL      POST /credentials URL (or REDSHIFT_CREDENTIALS_ENDPOINT)
  --region REGION     signing region (default: from an execute-api URL, else AWS_REGION)
  --target NAME  --database NAME  --group NAME (repeatable)  --duration SECONDS
  --ca FILE           CA bundle the database's certificate is verified against (or PGSSLROOTCERT)`;

const EXIT_CODES = `exit status: 0 ok; 1 refused or failed (the vendor's error code on stderr); 2 usage.
psql exits with psql's own status.`;

const HELP: Record<string, string> = {
  get: `usage: redshift-credentials get [request options] [--format json|env|uri|pgpass]

Prints a fresh credential: json (default), env (export lines for eval, PGSSLMODE=verify-full),
uri (postgresql://…?sslmode=verify-full) or pgpass (one ~/.pgpass line).

${REQUEST_OPTIONS}

example:
  eval "$(redshift-credentials get --target analytics --format env)" && psql -c 'select 1'

${EXIT_CODES}`,
  psql: `usage: redshift-credentials psql [request options] [-- psql arguments]

Runs psql logged in with a fresh credential; the password goes in psql's environment, never on its
command line. psql must be on the PATH (checked before a credential is requested).

${REQUEST_OPTIONS}

example:
  redshift-credentials psql --target analytics -- -c 'select current_user'

${EXIT_CODES}`,
  'decrypt-task-output': `usage: redshift-credentials decrypt-task-output [--input FILE] [--path JSONPATH]
         [--format json|env|uri|pgpass|password] [--ca FILE]

Decrypts a credentials-task result (read from --input, or stdin) with KMS, under the encryption
context of the execution it was issued to. --path picks the result out of a whole workflow state,
as the state machine's ResultPath put it (e.g. $.redshift.credentials).

example:
  aws stepfunctions describe-execution --execution-arn ARN --query output --output text \
    | redshift-credentials decrypt-task-output --path '$.redshift.credentials' --format env

${EXIT_CODES}`,
};

const USAGE = `usage:
  redshift-credentials get [request options] [--format json|env|uri|pgpass]
  redshift-credentials psql [request options] [-- psql arguments]
  redshift-credentials decrypt-task-output [--input FILE] [--path JSONPATH] [--format json|env|uri|pgpass|password]
  redshift-credentials COMMAND --help     (each command's options and an example)

${REQUEST_OPTIONS}

${EXIT_CODES}`;

class UsageError extends Error {}

/** libpq's variables, with the CA to verify against when there is one. */
const environmentOf = (c: ConnectionDetails, ca: string | undefined): Record<string, string> => ({
  ...pgEnvironment(c),
  ...(ca && { PGSSLROOTCERT: ca }),
});

const FORMATS = {
  json: (c: ConnectionDetails & Record<string, unknown>) => JSON.stringify(c),
  env: (c: ConnectionDetails, ca: string | undefined) =>
    Object.entries(environmentOf(c, ca))
      .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
      .join('\n'),
  uri: (c: ConnectionDetails, ca: string | undefined) =>
    `${connectionUri(c)}${ca ? `&sslrootcert=${encodeURIComponent(ca)}` : ''}`,
  pgpass: pgpassLine,
  password: (c: ConnectionDetails) => c.dbPassword,
} as const;
type Format = keyof typeof FORMATS;

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      region: { type: 'string' },
      target: { type: 'string' },
      database: { type: 'string' },
      group: { type: 'string', multiple: true },
      duration: { type: 'string' },
      format: { type: 'string' },
      input: { type: 'string' },
      path: { type: 'string' },
      ca: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help) {
    console.log((command && HELP[command]) || USAGE);
    return 0;
  }
  const ca = values.ca ?? (process.env.PGSSLROOTCERT || undefined);
  if (values.ca !== undefined && !existsSync(values.ca)) {
    throw new UsageError(`--ca ${values.ca}: no such file`);
  }

  const format = (name: string, allowed: readonly Format[]): Format => {
    if (!(allowed as readonly string[]).includes(name)) {
      throw new UsageError(`--format must be one of ${allowed.join(', ')}`);
    }
    return name as Format;
  };

  switch (command) {
    case 'get': {
      const output = format(values.format ?? 'json', ['json', 'env', 'uri', 'pgpass']);
      const credentials = await requestCredentials(values);
      const printable = { ...credentials, expiration: credentials.expiration.toISOString() };
      console.log(FORMATS[output](printable, ca));
      return 0;
    }
    case 'psql': {
      const psql = onPath('psql');
      if (!psql) {
        throw new SetupError(
          'psql is not on the PATH: install the PostgreSQL client (apt-get install postgresql-client, brew install libpq)',
        );
      }
      const credentials = await requestCredentials(values);
      return runPsql(psql, rest, environmentOf(credentials, ca));
    }
    case 'decrypt-task-output': {
      const output = format(values.format ?? 'json', ['json', 'env', 'uri', 'pgpass', 'password']);
      const result = taskResultOf(readInput(values.input), values.path);
      const dbPassword = await decryptTaskCredentials(result);
      const { encryptedPassword: _, keyId: __, ...plain } = result;
      console.log(FORMATS[output]({ ...plain, dbPassword }, ca));
      return 0;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  }
}

async function requestCredentials(values: {
  endpoint?: string;
  region?: string;
  target?: string;
  database?: string;
  group?: string[];
  duration?: string;
}) {
  const endpoint = values.endpoint ?? process.env.REDSHIFT_CREDENTIALS_ENDPOINT;
  if (!endpoint) throw new UsageError('--endpoint (or REDSHIFT_CREDENTIALS_ENDPOINT) is required');
  const durationSeconds = values.duration === undefined ? undefined : Number(values.duration);
  if (durationSeconds !== undefined && !Number.isInteger(durationSeconds)) {
    throw new UsageError('--duration must be a whole number of seconds');
  }
  let client: CredentialVendorClient;
  try {
    client = new CredentialVendorClient({
      endpoint,
      ...(values.region && { region: values.region }),
    });
  } catch (error) {
    // The constructor's only refusals: an endpoint that is not a URL, and no region to sign for.
    throw new UsageError(
      /region/.test((error as Error).message)
        ? '--region (or AWS_REGION) is required when the endpoint is not an execute-api URL'
        : `--endpoint ${endpoint}: not a URL`,
    );
  }
  return client.getCredentials({
    ...(values.target && { target: values.target }),
    ...(values.database && { database: values.database }),
    ...(values.group && { dbGroups: values.group }),
    ...(durationSeconds !== undefined && { durationSeconds }),
  });
}

/** A setup problem the user can fix: one line, exit 1. */
class SetupError extends Error {}

/** The first executable `name` on the PATH, as a shell would find it. */
function onPath(name: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(delimiter)) {
    if (!folder) continue;
    try {
      accessSync(join(folder, name), constants.X_OK);
      return join(folder, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function readInput(file: string | undefined): unknown {
  const source = file && file !== '-' ? file : 0;
  let text: string;
  try {
    text = readFileSync(source, 'utf8');
  } catch (error) {
    throw new SetupError(
      `--input ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new SetupError(`${file ? `--input ${file}` : 'stdin'} is not JSON`);
  }
}

/** `$`, `$.a.b`, `$.a[0]`, `$['a']`: the JSONPath subset a state machine's ResultPath uses. */
function taskResultOf(state: unknown, path: string | undefined): TaskCredentials {
  let value = state;
  if (path !== undefined) {
    const steps = /^\$((\.[A-Za-z_][\w-]*|\[\d+\]|\['[^']+'\])*)$/.exec(path)?.[1];
    if (steps === undefined) {
      throw new UsageError(`--path ${path}: expected a path like $.redshift.credentials`);
    }
    for (const [, field, index, quoted] of steps.matchAll(/\.([\w-]+)|\[(\d+)\]|\['([^']+)'\]/g)) {
      const key = field ?? quoted ?? Number(index);
      value = (value as Record<string | number, unknown> | undefined)?.[key];
    }
    if (value === undefined || value === null) {
      throw new SetupError(`--path ${path}: nothing there in the input`);
    }
  }
  if (typeof value !== 'object' || value === null || !('executionArn' in value)) {
    throw new SetupError(
      `not a credentials-task result${path ? ` at ${path}` : ''}: pass --path to where the state machine put it`,
    );
  }
  return value as TaskCredentials;
}

/** psql's own exit status is passed through, so scripts see what psql reported. */
function runPsql(
  psql: string,
  args: string[],
  environment: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(psql, args, { stdio: 'inherit', env: { ...process.env, ...environment } });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      console.error(
        `redshift-credentials: ${(error as Error).message} (see redshift-credentials --help)`,
      );
      process.exitCode = 2;
    } else if (error instanceof SetupError) {
      console.error(`redshift-credentials: ${error.message}`);
      process.exitCode = 1;
    } else if (error instanceof CredentialVendorError) {
      const where = [
        error.status && `status ${error.status}`,
        error.requestId && `request id ${error.requestId}`,
      ];
      const context = where.filter(Boolean).join(', ');
      console.error(
        `redshift-credentials: ${error.code}: ${error.message}${context ? ` (${context})` : ''}`,
      );
      process.exitCode = 1;
    } else {
      // KMS and other AWS errors: their name is the error code (AccessDeniedException, …).
      const { name, message } = error as Error;
      console.error(`redshift-credentials: ${name === 'Error' ? '' : `${name}: `}${message}`);
      process.exitCode = 1;
    }
  },
);
