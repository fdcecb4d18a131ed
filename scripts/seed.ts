import { CreateClusterCommand, RedshiftClient } from '@aws-sdk/client-redshift';

/** The cluster and database the example policy (layers/policy/policy/policy.yaml) names. */
export const EXAMPLE_CLUSTER = { clusterIdentifier: 'examplecluster', database: 'exampledb' };

/** Creates the example cluster in the emulator at `endpoint`. */
export async function seedExampleCluster(endpoint: string, region = 'us-east-1'): Promise<void> {
  const redshift = new RedshiftClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  await redshift.send(
    new CreateClusterCommand({
      ClusterIdentifier: EXAMPLE_CLUSTER.clusterIdentifier,
      DBName: EXAMPLE_CLUSTER.database,
      NodeType: 'ra3.xlplus',
      ClusterType: 'single-node',
      MasterUsername: 'admin',
      ManageMasterPassword: true,
    }),
  );
  redshift.destroy();
}
