import {
  GetClusterCredentialsCommand,
  type GetClusterCredentialsCommandOutput,
  type RedshiftClient,
} from '@aws-sdk/client-redshift';
import type { VendorCredentials } from '../../client/vendor-client.js';
import type { Grant } from './authorize.js';
import type { ClusterEndpoints } from './cluster-endpoints.js';
import { UpstreamError } from './errors.js';
import { upstreamFailure } from './upstream-failure.js';

/**
 * Issued database credentials: the API's answer, as the client library types it (the wire
 * contract lives there). `dbPassword` must never reach a log, an error or a trace.
 */
export type IssuedCredentials = VendorCredentials;

/** Slack allowed between Redshift's clock and ours when checking the expiration it returns. */
const CLOCK_SKEW_MS = 60_000;
const REPLY = 'Redshift GetClusterCredentials returned';

/** Calls GetClusterCredentials for a grant and resolves where the cluster listens. */
export async function issueCredentials(
  redshift: RedshiftClient,
  endpoints: ClusterEndpoints,
  grant: Grant,
  now: () => Date = () => new Date(),
): Promise<IssuedCredentials> {
  const { target } = grant;
  const endpoint =
    target.host !== undefined && target.port !== undefined
      ? Promise.resolve({ host: target.host, port: target.port })
      : endpoints(target.clusterIdentifier);
  // Attach a handler now so a lookup failure is not unhandled while GetClusterCredentials runs.
  endpoint.catch(() => {});

  const requestedAt = now();
  let reply: GetClusterCredentialsCommandOutput;
  try {
    reply = await redshift.send(
      new GetClusterCredentialsCommand({
        ClusterIdentifier: target.clusterIdentifier,
        DbUser: grant.dbUser,
        DbName: grant.database,
        ...(grant.dbGroups.length > 0 && { DbGroups: [...grant.dbGroups] }),
        DurationSeconds: grant.durationSeconds,
        AutoCreate: grant.autoCreate,
      }),
    );
  } catch (error) {
    throw upstreamFailure('GetClusterCredentials', error);
  }

  const { DbUser: dbUser, DbPassword: dbPassword, Expiration: expiration } = reply;
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
