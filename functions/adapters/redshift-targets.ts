import {
  DescribeClustersCommand,
  type DescribeClustersCommandOutput,
  type RedshiftClient,
} from '@aws-sdk/client-redshift';
import { UpstreamError } from '../domain/errors.js';
import { keyedCache } from '../domain/keyed-cache.js';
import type { TargetDescription, TargetDirectory } from '../domain/ports.js';
import { upstreamFailure } from './upstream-failure.js';

/**
 * Looks up a cluster's endpoint and master user with DescribeClusters, once per cluster per
 * container: they do not change while a cluster lives. A failed lookup is not cached.
 */
export function redshiftTargets(redshift: RedshiftClient): TargetDirectory {
  const describe = keyedCache(async (clusterIdentifier: string): Promise<TargetDescription> => {
    let reply: DescribeClustersCommandOutput;
    try {
      reply = await redshift.send(
        new DescribeClustersCommand({ ClusterIdentifier: clusterIdentifier }),
      );
    } catch (error) {
      throw upstreamFailure('DescribeClusters', error);
    }
    const cluster = reply.Clusters?.[0];
    const endpoint = cluster?.Endpoint;
    if (!endpoint?.Address || endpoint.Port === undefined) {
      throw new UpstreamError(`Redshift reported no endpoint for cluster ${clusterIdentifier}`);
    }
    return {
      host: endpoint.Address,
      port: endpoint.Port,
      ...(cluster?.MasterUsername && { adminUser: cluster.MasterUsername }),
    };
  });
  return { describe: (target) => describe(target.clusterIdentifier) };
}
