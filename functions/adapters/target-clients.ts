import type { RedshiftClient } from '@aws-sdk/client-redshift';
import type { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { Deadline } from '../domain/ports.js';
import type { Target } from '../domain/targets.js';
import { keyedCache } from './keyed-cache.js';
import type { RoleCredentials } from './sts-role-credentials.js';

/** The SDK clients that reach a target: in its region, as its role when it names one. */
export interface TargetClients {
  redshift(target: Target, deadline?: Deadline): Promise<RedshiftClient>;
  serverless(target: Target, deadline?: Deadline): Promise<RedshiftServerlessClient>;
}

/** How to build a client of either kind for a region and credentials (the shared settings). */
export interface ClientFactories {
  readonly redshift: (options: ClientOptions) => RedshiftClient;
  /** Loaded on first use: a policy without workgroups never pays for the Serverless client. */
  readonly serverless: (options: ClientOptions) => Promise<RedshiftServerlessClient>;
}

export interface ClientOptions {
  readonly region?: string;
  readonly credentials?: () => ReturnType<RoleCredentials>;
}

/**
 * One client per (kind, region, role), created on first use and reused for the life of the
 * container. Targets in the vendor's own account and region share `home`, the client created
 * at cold start.
 */
export function targetClients(
  home: RedshiftClient,
  factories: ClientFactories,
  roleCredentials: RoleCredentials,
): TargetClients {
  const optionsFor = ({ region, roleArn, externalId }: Target): ClientOptions => ({
    ...(region !== undefined && { region }),
    ...(roleArn !== undefined && {
      credentials: () =>
        roleCredentials({ roleArn, ...(externalId !== undefined && { externalId }) }),
    }),
  });
  const keyOf = ({ region, roleArn, externalId }: Target) =>
    `${region ?? ''}|${roleArn ?? ''}|${externalId ?? ''}`;
  const redshiftFor = keyedCache(
    async (target: Target) => factories.redshift(optionsFor(target)),
    keyOf,
  );
  const serverlessFor = keyedCache(
    (target: Target) => factories.serverless(optionsFor(target)),
    keyOf,
  );
  // The role's credentials are resolved before the client is used (a lookup while they are
  // fresh), so that a role that cannot be assumed fails as the vendor's own error, up front.
  const assumeFirst = async ({ roleArn, externalId }: Target, deadline: Deadline) => {
    if (roleArn !== undefined) {
      await roleCredentials({ roleArn, ...(externalId !== undefined && { externalId }) }, deadline);
    }
  };

  return {
    async redshift(target, deadline) {
      if (target.region === undefined && target.roleArn === undefined) return home;
      await assumeFirst(target, deadline);
      return redshiftFor(target);
    },
    async serverless(target, deadline) {
      await assumeFirst(target, deadline);
      return serverlessFor(target);
    },
  };
}
