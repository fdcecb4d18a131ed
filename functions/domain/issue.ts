import { type Grant, PROTECTED_USER } from './authorize.js';
import { AccessDeniedError, UpstreamError } from './errors.js';
import type { CredentialIssuer, Deadline, TargetDirectory } from './ports.js';
import { targetLocation } from './targets.js';
import type { IssuedCredentials } from './vend.js';

/** Slack allowed between Redshift's clock and ours when checking the expiration it returns. */
const CLOCK_SKEW_MS = 60_000;
const REPLY = 'Redshift GetClusterCredentials returned';

export interface IssuingPorts {
  readonly issuer: CredentialIssuer;
  readonly targets: TargetDirectory;
}

/**
 * Issues the credential a grant allows, where the target listens. The target's admin user is
 * never issued. A reply the vendor cannot vouch for (no password, an expiration already past or
 * later than asked) is refused.
 */
export async function issueCredentials(
  { issuer, targets }: IssuingPorts,
  grant: Grant,
  now: () => Date = () => new Date(),
  deadline?: Deadline,
): Promise<IssuedCredentials> {
  const { target } = grant;
  // The admin user is known only to Redshift: look it up (cached) before anything is issued.
  const description = await targets.describe(target, deadline);
  if (description.adminUser?.toLowerCase() === grant.dbUser) {
    throw new AccessDeniedError(PROTECTED_USER, grant.rule);
  }

  const requestedAt = now();
  const reply = await issuer.issue(
    {
      target,
      dbUser: grant.dbUser,
      database: grant.database,
      dbGroups: grant.dbGroups,
      durationSeconds: grant.durationSeconds,
      autoCreate: grant.autoCreate,
    },
    deadline,
  );

  const { dbUser, dbPassword, expiration } = reply;
  if (
    !dbUser ||
    !dbPassword ||
    !(expiration instanceof Date) ||
    Number.isNaN(expiration.getTime())
  ) {
    throw new UpstreamError(`${REPLY} an incomplete credential`);
  }
  const latest = requestedAt.getTime() + grant.durationSeconds * 1000 + CLOCK_SKEW_MS;
  if (expiration.getTime() <= now().getTime() || expiration.getTime() > latest) {
    throw new UpstreamError(`${REPLY} an implausible expiration`);
  }

  return {
    dbUser,
    dbPassword,
    expiration,
    target: target.name,
    ...targetLocation(target),
    database: grant.database,
    dbGroups: grant.dbGroups,
    host: target.host ?? description.host,
    port: target.port ?? description.port,
  };
}
