import type pg from 'pg';
import type { Policy } from '../functions/domain/policy/model.js';

/**
 * Makes the local database look like the clusters the policies name: each target's database,
 * and each fixed db user of `usersFrom` whose rule does not auto-create (Redshift's existing
 * users, named as GetClusterCredentials returns them, `IAM:<name>`), who may log in once issued
 * a password. Other users do not exist, so a credential issued for one cannot log in.
 */
export async function seedDatabase(
  admin: pg.Client,
  policies: { readonly databasesFrom: Policy; readonly usersFrom: Policy },
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
  }
  for (const rule of policies.usersFrom.rules) {
    if (rule.effect !== 'allow' || rule.autoCreate || rule.dbUser.variables.size > 0) continue;
    const login = `IAM:${rule.dbUser.source.toLowerCase()}`;
    const { rowCount } = await admin.query('select 1 from pg_roles where rolname = $1', [login]);
    if (!rowCount) await admin.query(`CREATE ROLE ${admin.escapeIdentifier(login)} LOGIN`);
  }
}
