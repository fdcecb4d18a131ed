import { readFileSync } from 'node:fs';
import { decryptTaskCredentials, type TaskCredentials } from '../task-credentials.js';
import { SetupError, UsageError } from './errors.js';
import { FORMATS, formatOf } from './formats.js';

/**
 * `redshift-credentials decrypt-task-output`: decrypts a credentials-task result (from --input or
 * stdin, at --path in a whole workflow state) with KMS, and prints it in the chosen format.
 */
export async function decryptTaskOutputCommand(
  values: { format?: string; input?: string; path?: string },
  ca: string | undefined,
): Promise<number> {
  const output = formatOf(values.format ?? 'json', ['json', 'env', 'uri', 'pgpass', 'password']);
  const result = taskResultOf(readInput(values.input), values.path);
  const dbPassword = await decryptTaskCredentials(result);
  const { encryptedPassword: _, keyId: __, ...plain } = result;
  console.log(FORMATS[output]({ ...plain, dbPassword }, ca));
  return 0;
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
