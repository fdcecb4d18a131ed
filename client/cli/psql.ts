import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SetupError } from './errors.js';
import { environmentOf } from './formats.js';
import { type RequestOptions, requestCredentials } from './request.js';

/**
 * `redshift-credentials psql`: runs psql logged in with a fresh credential, the password in its
 * environment (never on its command line); psql's own exit status is the command's.
 */
export async function psqlCommand(
  values: RequestOptions,
  args: string[],
  ca: string | undefined,
): Promise<number> {
  const psql = onPath('psql');
  if (!psql) {
    throw new SetupError(
      'psql is not on the PATH: install the PostgreSQL client (apt-get install postgresql-client, brew install libpq)',
    );
  }
  const credentials = await requestCredentials(values);
  return runPsql(psql, args, environmentOf(credentials, ca));
}

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
