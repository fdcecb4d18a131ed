import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateStateMachineCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { decryptTaskCredentials, type TaskCredentials } from '#client/index.js';
import { lambdaContext } from '#local/lambda-context.js';
import { EXAMPLE_WORKGROUP } from '#local/redshift-serverless-stub.js';
import {
  credentialsStepHistory,
  recordHistory,
  type TaskStage,
} from '#local/step-functions-stub.js';
import { loadBundledHandler } from '#support/bundled-handler.js';
import { financeHosts } from '#support/finance-account.js';
import { captureOutput } from '#support/lambda.js';

// The bundled credentials-task and example-consumer functions, against moto_server's Step
// Functions, KMS and Redshift, under the example policy (which allows *example-etl workflows).
// The task runs as a function of its own name, which the executions' histories name.
const taskContext = lambdaContext('vendor-credentials-task');
type Bundled<Input, Output> = (input: Input, context: typeof taskContext) => Promise<Output>;

let task: Bundled<unknown, TaskCredentials>;
let consumer: Bundled<{ credentials: TaskCredentials }, Record<string, unknown>>;
let sfn: SFNClient;
const machines: Record<string, string> = {};

/** Starts an execution whose history shows its credentials step (this function) at `stage`. */
async function startExecution(
  machine: string,
  name: string,
  stage: TaskStage | 'no task' = 'started',
): Promise<string> {
  const { executionArn = '' } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: machines[machine], name, input: '{}' }),
  );
  if (stage !== 'no task') {
    await recordHistory(
      inject('sfnEndpoint'),
      executionArn,
      credentialsStepHistory(executionArn, taskContext.invokedFunctionArn, stage),
    );
  }
  return executionArn;
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
  process.env.AWS_ENDPOINT_URL_SFN = inject('sfnEndpoint');
  process.env.POLICY_FILE = 'local/policy.yaml';
  process.env.TASK_OUTPUT_KEY_ID = KeyMetadata?.Arn ?? '';
  task = await loadBundledHandler<typeof task>('credentials-task');
  consumer = await loadBundledHandler<typeof consumer>('example-consumer');
});

beforeEach(() => {
  captureOutput();
});

describe('bundled credentials-task against moto_server', () => {
  it('issues a Serverless workgroup’s credential to a workflow', async () => {
    const executionArn = await startExecution('nightly-example-etl', 'serverless');

    const result = await task({ executionArn, target: 'lake' }, taskContext);

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

    const result = await task({ executionArn, target: 'finance' }, taskContext);

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
      taskContext,
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
    const result = await task({ executionArn, target: 'analytics' }, taskContext);

    await expect(
      decryptTaskCredentials({ ...result, executionArn: otherExecution }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/the result was issued to another execution/),
      cause: { name: 'InvalidCiphertextException' },
    });
  });

  it('refuses an execution once it has been stopped', async () => {
    const executionArn = await startExecution('nightly-example-etl', 'stopped');
    await task({ executionArn, target: 'analytics' }, taskContext);
    await sfn.send(new StopExecutionCommand({ executionArn }));

    const error = await failureOf(task({ executionArn, target: 'analytics' }, taskContext));

    expect(error.name).toBe('AccessDenied');
  });

  it.each([
    ['has finished its credentials step', 'succeeded'],
    ['has a credentials step that failed to start', 'failed to start'],
    ['has no task at all (moto’s own sample history)', 'no task'],
  ] as const)(
    'refuses a running execution that %s, as when another invoker names it directly',
    async (_, stage) => {
      const executionArn = await startExecution(
        'nightly-example-etl',
        `direct-${stage.replaceAll(' ', '-')}`,
        stage,
      );

      const error = await failureOf(task({ executionArn, target: 'analytics' }, taskContext));

      expect(error.name).toBe('AccessDenied');
    },
  );

  it('refuses a running execution whose open task is another function’s', async () => {
    const executionArn = await startExecution('nightly-example-etl', 'other-function', 'no task');
    await recordHistory(
      inject('sfnEndpoint'),
      executionArn,
      credentialsStepHistory(
        executionArn,
        'arn:aws:lambda:us-east-1:123456789012:function:etl-loader',
      ),
    );

    expect((await failureOf(task({ executionArn }, taskContext))).name).toBe('AccessDenied');
  });

  it('refuses a running execution of a state machine no rule allows', async () => {
    const executionArn = await startExecution('adhoc-loader', 'not-allowed');

    expect((await failureOf(task({ executionArn }, taskContext))).name).toBe('AccessDenied');
  });

  it('refuses an execution ARN that does not exist', async () => {
    const forged = `${machines['nightly-example-etl']?.replace(':stateMachine:', ':execution:')}:never-started`;

    expect((await failureOf(task({ executionArn: forged }, taskContext))).name).toBe(
      'AccessDenied',
    );
  });

  it('gives the example consumer step what it needs, and the history none of the password', async () => {
    const executionArn = await startExecution('nightly-example-etl', 'consumer');
    const credentials = await task({ executionArn, target: 'analytics' }, taskContext);

    const connection = await consumer({ credentials }, taskContext);

    expect(connection).toEqual({
      dbUser: 'IAMA:wf_nightly-example-etl',
      host: credentials.host,
      port: 5439,
      database: 'exampledb',
      passwordReceived: true,
    });
  });
});
