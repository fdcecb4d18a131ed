import type pg from 'pg';
import type { Policy } from '../functions/domain/policy/model.js';

/**
 * Redshift's `stv_sessions` over PostgreSQL's `pg_stat_activity`: one row per client session,
 * `process` its backend (what `pg_terminate_backend` takes) and `user_name` the login name
 * (`IAMA:x` for an issued login, as Redshift shows it).
 */
const STV_SESSIONS = `CREATE OR REPLACE VIEW stv_sessions AS
  SELECT backend_start AS starttime, pid AS process,
         usename::text AS user_name, datname::text AS db_name
  FROM pg_stat_activity WHERE backend_type = 'client backend'`;

/**
 * Makes the local database look like the clusters the policies name: each target's database
 * (with its `stv_sessions`),
 * and each fixed db user of `usersFrom` whose rule does not auto-create (Redshift's existing
 * users, named as GetClusterCredentials returns them, `IAM:<name>`), who may log in once issued
 * a password. Other users do not exist, so a credential issued for one cannot log in.
 */
export async function seedDatabase(
  admin: pg.Client,
  policies: { readonly databasesFrom: Policy; readonly usersFrom: Policy },
  adminOf: (database: string) => Promise<pg.Client>,
): Promise<void> {
  const databases = new Set(
    [policies.databasesFrom, policies.usersFrom].flatMap((policy) =>
      [...policy.targets.values()].map((target) => target.database),
    ),
  );
  for (const database of databases) {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [
      database,
    ]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
    const inDatabase = await adminOf(database);
    try {
      await inDatabase.query(STV_SESSIONS);
    } finally {
      await inDatabase.end();
    }
  }
  for (const rule of policies.usersFrom.rules) {
    if (rule.effect !== 'allow' || rule.autoCreate || rule.dbUser.variables.size > 0) continue;
    const login = `IAM:${rule.dbUser.source.toLowerCase()}`;
    const { rowCount } = await admin.query('select 1 from pg_roles where rolname = $1', [login]);
    if (!rowCount) await admin.query(`CREATE ROLE ${admin.escapeIdentifier(login)} LOGIN`);
  }
}
