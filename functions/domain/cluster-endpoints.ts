import {
  DescribeClustersCommand,
  type DescribeClustersCommandOutput,
  type RedshiftClient,
} from '@aws-sdk/client-redshift';
import { UpstreamError } from './errors.js';
import { upstreamFailure } from './upstream-failure.js';

export interface ClusterEndpoint {
  readonly host: string;
  readonly port: number;
}

/** Resolves a cluster identifier to where the cluster listens. */
export type ClusterEndpoints = (clusterIdentifier: string) => Promise<ClusterEndpoint>;

/**
 * Looks up a cluster's host and port with DescribeClusters, once per cluster per container:
 * endpoints do not change while a cluster lives. A failed lookup is not cached.
 */
export function clusterEndpoints(redshift: RedshiftClient): ClusterEndpoints {
  const lookups = new Map<string, Promise<ClusterEndpoint>>();
  const describe = async (clusterIdentifier: string): Promise<ClusterEndpoint> => {
    let reply: DescribeClustersCommandOutput;
    try {
      reply = await redshift.send(
        new DescribeClustersCommand({ ClusterIdentifier: clusterIdentifier }),
      );
    } catch (error) {
      throw upstreamFailure('DescribeClusters', error);
    }
    const endpoint = reply.Clusters?.[0]?.Endpoint;
    if (!endpoint?.Address || endpoint.Port === undefined) {
      throw new UpstreamError(`Redshift reported no endpoint for cluster ${clusterIdentifier}`);
    }
    return { host: endpoint.Address, port: endpoint.Port };
  };
  return (clusterIdentifier) => {
    let lookup = lookups.get(clusterIdentifier);
    if (lookup === undefined) {
      lookup = describe(clusterIdentifier);
      lookups.set(clusterIdentifier, lookup);
      lookup.catch(() => lookups.delete(clusterIdentifier));
    }
    return lookup;
  };
}
