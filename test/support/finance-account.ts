import { DescribeClustersCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { FINANCE_TARGET } from '#local/seed.js';

/**
 * The host of the finance cluster as its own account reports it (moto keeps the account the
 * role lives in apart), and the host of the decoy cluster of the same name in the example
 * account, which the vendor must never reach.
 */
export async function financeHosts(endpoint: string): Promise<{ finance: string; decoy: string }> {
  const { region, roleArn, externalId, clusterIdentifier } = FINANCE_TARGET;
  const sts = new STSClient({ endpoint, region: 'us-east-1' });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'test', ExternalId: externalId }),
  );
  const hostIn = async (client: RedshiftClient) => {
    const { Clusters } = await client.send(
      new DescribeClustersCommand({ ClusterIdentifier: clusterIdentifier }),
    );
    return Clusters?.[0]?.Endpoint?.Address ?? '';
  };
  const finance = await hostIn(
    new RedshiftClient({
      endpoint,
      region,
      credentials: {
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      },
    }),
  );
  const decoy = await hostIn(new RedshiftClient({ endpoint, region }));
  return { finance, decoy };
}
