import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateStateMachineCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { decryptTaskCredentials, type TaskCredentials } from '../../client/index.js';
import { EXAMPLE_WORKGROUP } from '../../local/redshift-serverless-stub.js';
import { financeHosts } from '../support/finance-account.js';
import { captureOutput, lambdaContext } from '../support/lambda.js';

// The bundled credentials-task and example-consumer functions, against moto_server's Step
// Functions, KMS and Redshift, under the example policy (which allows *example-etl workflows).
type Bundled<Input, Output> = (input: Input, context: typeof lambdaContext) => Promise<Output>;

let task: Bundled<unknown, TaskCredentials>;
let consumer: Bundled<{ credentials: TaskCredentials }, Record<string, unknown>>;
let sfn: SFNClient;
const machines: Record<string, string> = {};

async function startExecution(machine: string, name: string): Promise<string> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: machines[machine], name, input: '{}' }),
  );
  return executionArn ?? '';
}

const failureOf = (run: Promise<unknown>) =>
  run.then(
    () => {
      throw new Error('the task did not fail');
    },
    (error: unknown) => error as Error,
  );

beforeAll(async () => {
  const endpoint = inject('motoEndpoint');
  const config = { endpoint, region: 'us-east-1' };
  sfn = new SFNClient(config);
  for (const name of ['nightly-example-etl', 'adhoc-loader']) {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name,
        type: 'STANDARD',
        roleArn: 'arn:aws:iam::123456789012:role/workflow',
        definition: JSON.stringify({
          StartAt: 'Wait',
          States: { Wait: { Type: 'Wait', Seconds: 600, End: true } },
        }),
      }),
    );
    machines[name] = stateMachineArn ?? '';
  }
  const { KeyMetadata } = await new KMSClient(config).send(new CreateKeyCommand({}));

  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS = inject('serverlessEndpoint');
  process.env.POLICY_FILE = 'local/policy.yaml';
  process.env.TASK_OUTPUT_KEY_ID = KeyMetadata?.Arn ?? '';
  // Computed specifiers: the bundles are build output, not modules TypeScript should resolve.
  const taskBundle = '../../dist/credentials-task/index.mjs';
  const consumerBundle = '../../dist/example-consumer/index.mjs';
  ({ handler: task } = (await import(taskBundle)) as { handler: typeof task });
  ({ handler: consumer } = (await import(consumerBundle)) as { handler: typeof consumer });
});

beforeEach(() => {
  captureOutput();
});

describe('bundled credentials-task against moto_server', () => {
  it('issues a Serverless workgroup’s credential to a workflow', async () => {
    const executionArn = await startExecution('nightly-example-etl', 'serverless');

    const result = await task({ executionArn, target: 'lake' }, lambdaContext);

    expect(result).toMatchObject({
      dbUser: 'IAMA:wf_nightly-example-etl',
      workgroupName: 'lake-wg',
      host: EXAMPLE_WORKGROUP.address,
      executionArn,
    });
    await expect(decryptTaskCredentials(result)).resolves.toMatch(/^.{16,}$/);
  });

  it('issues a credential for a cluster in another account and region to a workflow', async () => {
    const executionArn = await startExecution('nightly-example-etl', 'cross-account');
    const hosts = await financeHosts(inject('motoEndpoint'));

    const result = await task({ executionArn, target: 'finance' }, lambdaContext);

    expect(result).toMatchObject({
      clusterIdentifier: 'finance-dwh',
      database: 'finance',
      host: hosts.finance,
    });
  });

  it('issues a running execution its credential, which the client helper decrypts', async () => {
    const executionArn = await startExecution('nightly-example-etl', 'decrypts');

    const result = await task(
      { executionArn, target: 'analytics', dbGroups: ['etl_rw'] },
      lambdaContext,
    );
    const password = await decryptTaskCredentials(result);

    expect(result).toMatchObject({
      dbUser: 'IAMA:wf_nightly-example-etl',
      dbGroups: ['etl_rw'],
      executionArn,
      keyId: process.env.TASK_OUTPUT_KEY_ID,
    });
    expect(password).toMatch(/^.{16,}$/);
    // What Step Functions would store in the history is the task's JSON result.
    expect(JSON.stringify({ Payload: result })).not.toContain(password);
  });

  it("cannot be decrypted under another execution's ARN", async () => {
    const executionArn = await startExecution('nightly-example-etl', 'bound-to-one');
    const otherExecution = await startExecution('nightly-example-etl', 'another-one');
    const result = await task({ executionArn, target: 'analytics' }, lambdaContext);

    await expect(
      decryptTaskCredentials({ ...result, executionArn: otherExecution }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/the result was issued to another execution/),
      cause: { name: 'InvalidCiphertextException' },
    });
  });

  it('refuses an execution once it has been stopped', async () => {
    const executionArn = await startExecution('nightly-example-etl', 'stopped');
    await task({ executionArn, target: 'analytics' }, lambdaContext);
    await sfn.send(new StopExecutionCommand({ executionArn }));

    const error = await failureOf(task({ executionArn, target: 'analytics' }, lambdaContext));

    expect(error.name).toBe('AccessDenied');
  });

  it('refuses a running execution of a state machine no rule allows', async () => {
    const executionArn = await startExecution('adhoc-loader', 'not-allowed');

    expect((await failureOf(task({ executionArn }, lambdaContext))).name).toBe('AccessDenied');
  });

  it('refuses an execution ARN that does not exist', async () => {
    const forged = `${machines['nightly-example-etl']?.replace(':stateMachine:', ':execution:')}:never-started`;

    expect((await failureOf(task({ executionArn: forged }, lambdaContext))).name).toBe(
      'AccessDenied',
    );
  });

  it('gives the example consumer step what it needs, and the history none of the password', async () => {
    const executionArn = await startExecution('nightly-example-etl', 'consumer');
    const credentials = await task({ executionArn, target: 'analytics' }, lambdaContext);

    const connection = await consumer({ credentials }, lambdaContext);

    expect(connection).toEqual({
      dbUser: 'IAMA:wf_nightly-example-etl',
      host: credentials.host,
      port: 5439,
      database: 'exampledb',
      passwordReceived: true,
    });
  });
});
