import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import { VendorError } from '../domain/errors.js';
import type { CredentialIssuer } from '../domain/ports.js';
import { issuingClusterIdentifier } from '../domain/targets.js';
import { beforeDeadline } from './request-deadline.js';
import type { TargetClients } from './target-clients.js';
import { upstreamFailure } from './upstream-failure.js';

/**
 * Issues credentials with Redshift GetClusterCredentials, in the target's region and as its
 * role; a Serverless workgroup through its `redshift-serverless-<name>` identifier. Failures
 * become vendor errors.
 */
export function redshiftCredentialIssuer(clients: TargetClients): CredentialIssuer {
  return {
    async issue({ target, dbUser, database, dbGroups, durationSeconds, autoCreate }, deadline) {
      try {
        const redshift = await clients.redshift(target, deadline);
        const reply = await beforeDeadline(
          redshift.send(
            new GetClusterCredentialsCommand({
              ClusterIdentifier: issuingClusterIdentifier(target),
              DbUser: dbUser,
              DbName: database,
              ...(dbGroups.length > 0 && { DbGroups: [...dbGroups] }),
              DurationSeconds: durationSeconds,
              AutoCreate: autoCreate,
            }),
          ),
          deadline,
        );
        return { dbUser: reply.DbUser, dbPassword: reply.DbPassword, expiration: reply.Expiration };
      } catch (error) {
        throw rethrown(error, 'GetClusterCredentials');
      }
    },
  };
}

/** A vendor error (an AssumeRole that failed on the way) as it is; anything else, mapped. */
export function rethrown(error: unknown, operation: string, service = 'Redshift') {
  return error instanceof VendorError ? error : upstreamFailure(operation, error, service);
}
