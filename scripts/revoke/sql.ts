/**
 * The SQL an operator runs on a target to stop a db user's logins and end its sessions, and to
 * restore the logins. On Redshift the user that GetClusterCredentials' `IAM:x` / `IAMA:x` login
 * names is `x` (CONNECTION LIMIT applies to it); `stv_sessions` lists the open sessions, its
 * `user_name` (char(50), padded) showing an IAM login as `IAMA:x:group` in AWS's own example, so
 * the session query takes the user under each of those spellings; `pg_terminate_backend` ends one.
 */

/** `name` as a quoted identifier. */
export const identifier = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** `text` as a string literal. */
export const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The Redshift user behind an issued login name (`IAM:x`, `IAMA:x`), or the name itself. */
export const redshiftUser = (login: string) => login.replace(/^IAMA?:/, '');

/** Refuses the user's new logins, then ends its open sessions. */
export function endSessionsSql(dbUser: string): string[] {
  const user = redshiftUser(dbUser);
  const spelt = ['IAM', 'IAMA'].map((prefix) => `${prefix}:${user}:`);
  return [
    `ALTER USER ${identifier(user)} CONNECTION LIMIT 0`,
    `SELECT pg_terminate_backend(process) FROM stv_sessions WHERE trim(user_name) IN (${[user, `IAM:${user}`, `IAMA:${user}`].map(literal).join(', ')})${spelt.map((start) => ` OR left(trim(user_name), ${start.length}) = ${literal(start)}`).join('')}`,
  ];
}

/** Lets the user log in again. */
export function restoreLoginSql(dbUser: string): string[] {
  return [`ALTER USER ${identifier(redshiftUser(dbUser))} CONNECTION LIMIT UNLIMITED`];
}
