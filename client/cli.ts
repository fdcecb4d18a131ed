import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type ConnectionDetails, connectionUri, pgEnvironment, pgpassLine } from './connection.js';
import { decryptTaskCredentials, type TaskCredentials } from './task-credentials.js';
import { CredentialVendorClient, CredentialVendorError } from './vendor-client.js';

const USAGE = `usage:
  redshift-credentials get [request options] [--format json|env|uri|pgpass]
  redshift-credentials psql [request options] [-- psql arguments]
  redshift-credentials decrypt-task-output [--input FILE] [--format json|env|uri|pgpass|password]

request options:
  --endpoint URL      POST /credentials URL (or REDSHIFT_CREDENTIALS_ENDPOINT)
  --region REGION     signing region (default: from the URL, else AWS_REGION)
  --target NAME  --database NAME  --group NAME (repeatable)  --duration SECONDS

env prints export lines for eval, with PGSSLMODE=verify-full; psql gets the password in its
environment, never on its command line. Exit status: 0 ok, 1 refused or failed, 2 usage.`;

class UsageError extends Error {}

const FORMATS = {
  json: (c: ConnectionDetails & Record<string, unknown>) => JSON.stringify(c),
  env: (c: ConnectionDetails) =>
    Object.entries(pgEnvironment(c))
      .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
      .join('\n'),
  uri: connectionUri,
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
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
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
      console.log(
        FORMATS[output]({ ...credentials, expiration: credentials.expiration.toISOString() }),
      );
      return 0;
    }
    case 'psql': {
      const credentials = await requestCredentials(values);
      return runPsql(rest, pgEnvironment(credentials));
    }
    case 'decrypt-task-output': {
      const output = format(values.format ?? 'json', ['json', 'env', 'uri', 'pgpass', 'password']);
      const input = values.input && values.input !== '-' ? values.input : 0;
      const result = JSON.parse(readFileSync(input, 'utf8')) as TaskCredentials;
      const dbPassword = await decryptTaskCredentials(result);
      const { encryptedPassword: _, keyId: __, ...plain } = result;
      console.log(FORMATS[output]({ ...plain, dbPassword }));
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
  const client = new CredentialVendorClient({
    endpoint,
    ...(values.region && { region: values.region }),
  });
  return client.getCredentials({
    ...(values.target && { target: values.target }),
    ...(values.database && { database: values.database }),
    ...(values.group && { dbGroups: values.group }),
    ...(durationSeconds !== undefined && { durationSeconds }),
  });
}

function runPsql(args: string[], environment: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const psql = spawn('psql', args, { stdio: 'inherit', env: { ...process.env, ...environment } });
    psql.on('error', reject);
    psql.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
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
      console.error(`redshift-credentials: ${(error as Error).message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof CredentialVendorError) {
      const where = [
        error.status && `status ${error.status}`,
        error.requestId && `request id ${error.requestId}`,
      ];
      console.error(
        `redshift-credentials: ${error.code}: ${error.message} (${where.filter(Boolean).join(', ')})`,
      );
      process.exitCode = 1;
    } else {
      console.error(`redshift-credentials: ${(error as Error).name}: ${(error as Error).message}`);
      process.exitCode = 1;
    }
  },
);
