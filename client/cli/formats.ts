import { type ConnectionDetails, connectionUri, pgEnvironment, pgpassLine } from '../connection.js';
import { UsageError } from './errors.js';

/** libpq's variables, with the CA to verify against when there is one. */
export const environmentOf = (
  c: ConnectionDetails,
  ca: string | undefined,
): Record<string, string> => ({
  ...pgEnvironment(c),
  ...(ca && { PGSSLROOTCERT: ca }),
});

export const FORMATS = {
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
export type Format = keyof typeof FORMATS;

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** The --format a command was given, when the command prints that format. */
export function formatOf(name: string, allowed: readonly Format[]): Format {
  if (!(allowed as readonly string[]).includes(name)) {
    throw new UsageError(`--format must be one of ${allowed.join(', ')}`);
  }
  return name as Format;
}
