import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { decryptTaskOutputCommand } from './cli/decrypt-task-output.js';
import { SetupError, UsageError } from './cli/errors.js';
import { getCommand } from './cli/get.js';
import { HELP, USAGE } from './cli/help.js';
import { psqlCommand } from './cli/psql.js';
import { CredentialVendorError } from './vendor-answer.js';

/**
 * `redshift-credentials`: one file per command in cli/ (get, psql, decrypt-task-output); this
 * reads the command line, runs the command and reports its failure in one line with the exit
 * status scripts rely on.
 */
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

  switch (command) {
    case 'get':
      return getCommand(values, ca);
    case 'psql':
      return psqlCommand(values, rest, ca);
    case 'decrypt-task-output':
      return decryptTaskOutputCommand(values, ca);
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  }
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
