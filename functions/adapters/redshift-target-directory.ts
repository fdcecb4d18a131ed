import { DescribeClustersCommand } from '@aws-sdk/client-redshift';
import type { GetWorkgroupCommandOutput } from '@aws-sdk/client-redshift-serverless';
import { UpstreamError } from '../domain/errors.js';
import type { Deadline, TargetDescription, TargetDirectory } from '../domain/ports.js';
import { issuingClusterIdentifier, type Target } from '../domain/targets.js';
import { type CacheLifetime, keyedCache } from './keyed-cache.js';
import { rethrown } from './redshift-credential-issuer.js';
import { beforeDeadline } from './request-deadline.js';
import type { TargetClients } from './target-clients.js';

/**
 * Looks up where a target listens and its admin user: a cluster with DescribeClusters
 * (`MasterUsername`), a Serverless workgroup with GetWorkgroup and its namespace's GetNamespace
 * (`adminUsername`). An answer is reused for `lifetime.maxAgeMs`, so an admin user renamed
 * since (UpdateNamespace) is refused from then on; a failed lookup is not cached.
 */
export function redshiftTargetDirectory(
  clients: TargetClients,
  lifetime: CacheLifetime = {},
): TargetDirectory {
  const describe = keyedCache(
    (target: Target, deadline?: Deadline): Promise<TargetDescription> => {
      switch (target.kind) {
        case 'cluster':
          return describeCluster(clients, target, target.clusterIdentifier, deadline);
        case 'workgroup':
          return describeWorkgroup(clients, target, target.workgroupName, deadline);
      }
    },
    // Everything that changes the answer: which cluster or workgroup, where, seen as whom.
    (target) =>
      `${target.kind}|${issuingClusterIdentifier(target)}|${target.region ?? ''}|${target.roleArn ?? ''}`,
    lifetime,
  );
  return { describe };
}

async function describeCluster(
  clients: TargetClients,
  target: Target,
  clusterIdentifier: string,
  deadline: Deadline,
): Promise<TargetDescription> {
  let cluster: Awaited<ReturnType<typeof firstCluster>>;
  try {
    cluster = await firstCluster(clients, target, clusterIdentifier, deadline);
  } catch (error) {
    throw rethrown(error, 'DescribeClusters');
  }
  const endpoint = cluster?.Endpoint;
  if (!endpoint?.Address || endpoint.Port === undefined) {
    throw new UpstreamError(`Redshift reported no endpoint for cluster ${clusterIdentifier}`);
  }
  return {
    host: endpoint.Address,
    port: endpoint.Port,
    ...(cluster?.MasterUsername && { adminUser: cluster.MasterUsername }),
  };
}

async function firstCluster(
  clients: TargetClients,
  target: Target,
  clusterIdentifier: string,
  deadline: Deadline,
) {
  const redshift = await clients.redshift(target, deadline);
  const reply = await beforeDeadline(
    redshift.send(new DescribeClustersCommand({ ClusterIdentifier: clusterIdentifier })),
    deadline,
  );
  return reply.Clusters?.[0];
}

async function describeWorkgroup(
  clients: TargetClients,
  target: Target,
  workgroupName: string,
  deadline: Deadline,
): Promise<TargetDescription> {
  const { GetNamespaceCommand, GetWorkgroupCommand } = await import(
    '@aws-sdk/client-redshift-serverless'
  );
  const serverless = await clients.serverless(target, deadline).catch((error: unknown) => {
    throw rethrown(error, 'GetWorkgroup', 'Redshift Serverless');
  });
  let workgroup: GetWorkgroupCommandOutput['workgroup'];
  try {
    ({ workgroup } = await beforeDeadline(
      serverless.send(new GetWorkgroupCommand({ workgroupName })),
      deadline,
    ));
  } catch (error) {
    throw rethrown(error, 'GetWorkgroup', 'Redshift Serverless');
  }
  const endpoint = workgroup?.endpoint;
  if (!endpoint?.address || endpoint.port === undefined || !workgroup?.namespaceName) {
    throw new UpstreamError(
      `Redshift Serverless reported no endpoint for workgroup ${workgroupName}`,
    );
  }
  let adminUser: string | undefined;
  try {
    const { namespace } = await beforeDeadline(
      serverless.send(new GetNamespaceCommand({ namespaceName: workgroup.namespaceName })),
      deadline,
    );
    adminUser = namespace?.adminUsername;
  } catch (error) {
    throw rethrown(error, 'GetNamespace', 'Redshift Serverless');
  }
  return { host: endpoint.address, port: endpoint.port, ...(adminUser && { adminUser }) };
}
