import {
  CreateAliasCommand,
  CreateKeyCommand,
  KMSClient,
  ListAliasesCommand,
} from '@aws-sdk/client-kms';
import {
  ClusterAlreadyExistsFault,
  CreateClusterCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import {
  CreateStateMachineCommand,
  ExecutionAlreadyExists,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { createRevocationsTable } from './revocations-table.js';
import { credentialsStepHistory, recordHistory } from './step-functions-stub.js';

/** The policy of the local vendor: `npm start`, `npm run invoke` and the tests. */
export const LOCAL_POLICY_FILE = 'local/policy.yaml';
/** The cluster and database the local policy names. */
const EXAMPLE_CLUSTER = { clusterIdentifier: 'examplecluster', database: 'exampledb' };
/** The Serverless workgroup the local policy names (the Serverless stub serves it). */
export const EXAMPLE_WORKGROUP_CLUSTER = 'redshift-serverless-lake-wg';
/** A cluster in another account and region, reached through a role, as the local policy names it. */
export const FINANCE_TARGET = {
  clusterIdentifier: 'finance-dwh',
  database: 'finance',
  region: 'eu-west-1',
  roleArn: 'arn:aws:iam::210987654321:role/redshift-credential-vendor-access',
  externalId: 'finance-2026',
} as const;
/** A Standard workflow the example policy allows, and a RUNNING execution of it. */
const EXAMPLE_STATE_MACHINE = 'example-etl';
const EXAMPLE_EXECUTION = 'local-run';
/** The credentials task as `npm run invoke` runs it: the function the example execution invokes. */
export const LOCAL_TASK_FUNCTION_ARN =
  'arn:aws:lambda:us-east-1:123456789012:function:credentials-task';
/** The task-output key, as `events/env.json` names it in TASK_OUTPUT_KEY_ID. */
const TASK_OUTPUT_KEY_ALIAS = 'alias/redshift-credential-vendor-task-output';

// Every client here names its credentials: in this repository the SDK's default chain is the
// functions' environment-only one (see functions/npm-overrides/), not the user's.
const EMULATOR_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

async function createCluster(
  redshift: RedshiftClient,
  clusterIdentifier: string,
  database: string,
) {
  await redshift
    .send(
      new CreateClusterCommand({
        ClusterIdentifier: clusterIdentifier,
        DBName: database,
        NodeType: 'ra3.xlplus',
        ClusterType: 'single-node',
        MasterUsername: 'admin',
        ManageMasterPassword: true,
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof ClusterAlreadyExistsFault)) throw error;
    });
}

/**
 * The finance cluster lives in another account (moto keeps one per AssumeRole'd account) and
 * region; a cluster of the same name in the example account's same region is a decoy that a
 * vendor which forgot the role would reach instead.
 */
async function seedFinanceAccount(endpoint: string, homeRegion: string) {
  const sts = new STSClient({
    endpoint,
    region: homeRegion,
    credentials: EMULATOR_CREDENTIALS,
  });
  const { region, roleArn, externalId, clusterIdentifier, database } = FINANCE_TARGET;
  const decoy = new RedshiftClient({ endpoint, region, credentials: EMULATOR_CREDENTIALS });
  try {
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: 'local-seed',
        ExternalId: externalId,
      }),
    );
    const finance = new RedshiftClient({
      endpoint,
      region,
      credentials: {
        accessKeyId: Credentials?.AccessKeyId ?? '',
        secretAccessKey: Credentials?.SecretAccessKey ?? '',
        sessionToken: Credentials?.SessionToken ?? '',
      },
    });
    await createCluster(finance, clusterIdentifier, database);
    finance.destroy();
    await createCluster(decoy, clusterIdentifier, database);
  } finally {
    sts.destroy();
    decoy.destroy();
  }
}

/**
 * Creates, in the emulator at `endpoint`, what the examples use: the cluster, the task-output
 * KMS key with its alias, and the example state machine with a RUNNING execution, whose history
 * (given to the Step Functions stub at `sfnEndpoint`) shows it in its credentials step, a
 * started task of the local credentials-task function. What already exists is left as it is,
 * so seeding twice is harmless.
 */
export async function seedExample(
  endpoint: string,
  region = 'us-east-1',
  sfnEndpoint = endpoint,
): Promise<void> {
  const redshift = new RedshiftClient({ endpoint, region, credentials: EMULATOR_CREDENTIALS });
  const kms = new KMSClient({ endpoint, region, credentials: EMULATOR_CREDENTIALS });
  const sfn = new SFNClient({ endpoint, region, credentials: EMULATOR_CREDENTIALS });
  try {
    await createCluster(redshift, EXAMPLE_CLUSTER.clusterIdentifier, EXAMPLE_CLUSTER.database);
    // GetClusterCredentials reaches a Serverless workgroup as redshift-serverless-<name>.
    await createCluster(redshift, EXAMPLE_WORKGROUP_CLUSTER, 'dev');
    await seedFinanceAccount(endpoint, region);
    await createRevocationsTable(endpoint, region);

    const { Aliases = [] } = await kms.send(new ListAliasesCommand({}));
    if (!Aliases.some((alias) => alias.AliasName === TASK_OUTPUT_KEY_ALIAS)) {
      const { KeyMetadata } = await kms.send(
        new CreateKeyCommand({ Description: 'redshift-credential-vendor task output (local)' }),
      );
      await kms.send(
        new CreateAliasCommand({
          AliasName: TASK_OUTPUT_KEY_ALIAS,
          TargetKeyId: KeyMetadata?.KeyId,
        }),
      );
    }

    const { stateMachines = [] } = await sfn.send(new ListStateMachinesCommand({}));
    let stateMachineArn = stateMachines.find(
      (m) => m.name === EXAMPLE_STATE_MACHINE,
    )?.stateMachineArn;
    if (stateMachineArn === undefined) {
      ({ stateMachineArn } = await sfn.send(
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
      ));
    }
    const executionArn = await sfn
      .send(new StartExecutionCommand({ stateMachineArn, name: EXAMPLE_EXECUTION, input: '{}' }))
      .then(
        (started) => started.executionArn ?? '',
        (error: unknown) => {
          if (!(error instanceof ExecutionAlreadyExists)) throw error;
          return `${stateMachineArn?.replace(':stateMachine:', ':execution:')}:${EXAMPLE_EXECUTION}`;
        },
      );
    if (sfnEndpoint !== endpoint) {
      await recordHistory(
        sfnEndpoint,
        executionArn,
        credentialsStepHistory(executionArn, LOCAL_TASK_FUNCTION_ARN),
      );
    }
  } finally {
    redshift.destroy();
    kms.destroy();
    sfn.destroy();
  }
}
