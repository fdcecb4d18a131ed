import type { VendorCredentials } from './vendor-answer.js';

/** What connecting needs; both an API credential and a decrypted task result fit. */
export type ConnectionDetails = Pick<
  VendorCredentials,
  'dbUser' | 'dbPassword' | 'host' | 'port' | 'database' | 'requestId'
>;

/**
 * The `application_name` of a connection made with a credential: `rcv:<requestId>`, the id of
 * the vendor's request (and audit line) that issued its password, so the database's connection
 * log (Redshift's `stl_connection_log.application_name`) says which issuance a session used.
 * PostgreSQL and Redshift keep 63 bytes of it; an id is 36.
 */
export const applicationName = (requestId: string) => `rcv:${requestId}`.slice(0, 63);

/** `ssl` for `pg`: extra TLS options (a `ca`, say) are kept, verification is never turned off. */
export interface PgConfigOptions {
  readonly ssl?: Readonly<Record<string, unknown>>;
}

/**
 * A `pg` Client/Pool config. SSL is always on with certificate verification: Redshift refuses IAM
 * logins without SSL, and a client that falls back to plaintext hides the real error.
 */
export function pgConfig(credentials: ConnectionDetails, options: PgConfigOptions = {}) {
  return {
    host: credentials.host,
    port: credentials.port,
    database: credentials.database,
    user: credentials.dbUser,
    password: credentials.dbPassword,
    ssl: { ...options.ssl, rejectUnauthorized: true },
    ...(credentials.requestId !== undefined && {
      application_name: applicationName(credentials.requestId),
    }),
  };
}

/**
 * `postgresql://user:password@host:port/database?sslmode=verify-full`, every part
 * percent-encoded: Redshift passwords contain `/ = + #`, users contain `:`, and a host is
 * encoded too (an IPv6 address in brackets), so no part can ever be read as another.
 */
export function connectionUri(credentials: ConnectionDetails): string {
  const encode = encodeURIComponent;
  const host = credentials.host.includes(':')
    ? `[${credentials.host.split(':').map(encode).join(':')}]`
    : encode(credentials.host);
  const attribution =
    credentials.requestId === undefined
      ? ''
      : `&application_name=${encode(applicationName(credentials.requestId))}`;
  return `postgresql://${encode(credentials.dbUser)}:${encode(credentials.dbPassword)}@${host}:${Number(credentials.port)}/${encode(credentials.database)}?sslmode=verify-full${attribution}`;
}

/** The libpq environment (`psql`, `pg_dump`, most drivers), with SSL verification required. */
export function pgEnvironment(credentials: ConnectionDetails): Record<string, string> {
  return {
    PGHOST: credentials.host,
    PGPORT: String(credentials.port),
    PGDATABASE: credentials.database,
    PGUSER: credentials.dbUser,
    PGPASSWORD: credentials.dbPassword,
    PGSSLMODE: 'verify-full',
    ...(credentials.requestId !== undefined && {
      PGAPPNAME: applicationName(credentials.requestId),
    }),
  };
}

/** One `~/.pgpass` line: `host:port:database:user:password`, with `:` and `\` escaped. */
export function pgpassLine(credentials: ConnectionDetails): string {
  const escapeField = (value: string) => value.replace(/[\\:]/g, '\\$&');
  return [
    credentials.host,
    String(credentials.port),
    credentials.database,
    credentials.dbUser,
    credentials.dbPassword,
  ]
    .map(escapeField)
    .join(':');
}
