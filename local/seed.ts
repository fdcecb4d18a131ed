import {
  ClusterAlreadyExistsFault,
  CreateClusterCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import {
  CreateStateMachineCommand,
  ListStateMachinesCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';

/** The cluster and database the example policy (layers/policy/policy/policy.yaml) names. */
export const EXAMPLE_CLUSTER = { clusterIdentifier: 'examplecluster', database: 'exampledb' };
/** A Standard workflow for trying the Step Functions path locally. */
export const EXAMPLE_STATE_MACHINE = 'example-etl';

const emulatorClientConfig = (endpoint: string, region: string) => ({
  endpoint,
  region,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});

/**
 * Creates, in the emulator at `endpoint`, the example cluster and the example state machine;
 * what already exists is left as it is, so seeding twice is harmless.
 */
export async function seedExample(endpoint: string, region = 'us-east-1'): Promise<void> {
  const redshift = new RedshiftClient(emulatorClientConfig(endpoint, region));
  const sfn = new SFNClient(emulatorClientConfig(endpoint, region));
  try {
    await redshift
      .send(
        new CreateClusterCommand({
          ClusterIdentifier: EXAMPLE_CLUSTER.clusterIdentifier,
          DBName: EXAMPLE_CLUSTER.database,
          NodeType: 'ra3.xlplus',
          ClusterType: 'single-node',
          MasterUsername: 'admin',
          ManageMasterPassword: true,
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof ClusterAlreadyExistsFault)) throw error;
      });
    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    if (!stateMachines.some((machine) => machine.name === EXAMPLE_STATE_MACHINE)) {
      await sfn.send(
        new CreateStateMachineCommand({
          name: EXAMPLE_STATE_MACHINE,
          type: 'STANDARD',
          roleArn: 'arn:aws:iam::123456789012:role/example-etl-workflow',
          definition: JSON.stringify({
            Comment: 'Placeholder workflow for the local emulator',
            StartAt: 'Done',
            States: { Done: { Type: 'Pass', End: true } },
          }),
        }),
      );
    }
  } finally {
    redshift.destroy();
    sfn.destroy();
  }
}
