import { GetClusterCredentialsCommand, type RedshiftClient } from '@aws-sdk/client-redshift';
import type { CredentialIssuer } from '../domain/ports.js';
import { upstreamFailure } from './upstream-failure.js';

/** Issues credentials with Redshift GetClusterCredentials; failures become vendor errors. */
export function redshiftIssuer(redshift: RedshiftClient): CredentialIssuer {
  return {
    async issue({ target, dbUser, database, dbGroups, durationSeconds, autoCreate }) {
      try {
        const reply = await redshift.send(
          new GetClusterCredentialsCommand({
            ClusterIdentifier: target.clusterIdentifier,
            DbUser: dbUser,
            DbName: database,
            ...(dbGroups.length > 0 && { DbGroups: [...dbGroups] }),
            DurationSeconds: durationSeconds,
            AutoCreate: autoCreate,
          }),
        );
        return { dbUser: reply.DbUser, dbPassword: reply.DbPassword, expiration: reply.Expiration };
      } catch (error) {
        throw upstreamFailure('GetClusterCredentials', error);
      }
    },
  };
}
