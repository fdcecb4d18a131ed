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

/**
 * Looks up a cluster's host and port with DescribeClusters, once per cluster per container:
 * endpoints do not change while a cluster lives. A failed lookup is not cached.
 */
export class ClusterEndpoints {
  readonly #lookups = new Map<string, Promise<ClusterEndpoint>>();

  constructor(private readonly redshift: RedshiftClient) {}

  resolve(clusterIdentifier: string): Promise<ClusterEndpoint> {
    let lookup = this.#lookups.get(clusterIdentifier);
    if (lookup === undefined) {
      lookup = this.#describe(clusterIdentifier);
      this.#lookups.set(clusterIdentifier, lookup);
      lookup.catch(() => this.#lookups.delete(clusterIdentifier));
    }
    return lookup;
  }

  async #describe(clusterIdentifier: string): Promise<ClusterEndpoint> {
    let reply: DescribeClustersCommandOutput;
    try {
      reply = await this.redshift.send(
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
  }
}
