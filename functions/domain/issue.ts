import type { Grant } from './authorize.js';
import { UpstreamError } from './errors.js';
import type { CredentialIssuer, TargetDirectory } from './ports.js';
import type { IssuedCredentials } from './vend.js';

/** Slack allowed between Redshift's clock and ours when checking the expiration it returns. */
const CLOCK_SKEW_MS = 60_000;
const REPLY = 'Redshift GetClusterCredentials returned';

export interface IssuingPorts {
  readonly issuer: CredentialIssuer;
  readonly targets: TargetDirectory;
}

/**
 * Issues the credential a grant allows and resolves where the target listens. A reply the vendor
 * cannot vouch for (no password, an expiration already past or later than asked) is refused.
 */
export async function issueCredentials(
  { issuer, targets }: IssuingPorts,
  grant: Grant,
  now: () => Date = () => new Date(),
): Promise<IssuedCredentials> {
  const { target } = grant;
  const endpoint =
    target.host !== undefined && target.port !== undefined
      ? Promise.resolve({ host: target.host, port: target.port })
      : targets.describe(target);
  // Attach a handler now so a lookup failure is not unhandled while the issuing call runs.
  endpoint.catch(() => {});

  const requestedAt = now();
  const reply = await issuer.issue({
    target,
    dbUser: grant.dbUser,
    database: grant.database,
    dbGroups: grant.dbGroups,
    durationSeconds: grant.durationSeconds,
    autoCreate: grant.autoCreate,
  });

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

  const { host, port } = await endpoint;
  return {
    dbUser,
    dbPassword,
    expiration,
    target: target.name,
    clusterIdentifier: target.clusterIdentifier,
    database: grant.database,
    dbGroups: grant.dbGroups,
    host: target.host ?? host,
    port: target.port ?? port,
  };
}
