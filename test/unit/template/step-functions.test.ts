import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { condition } from '#support/cfn-evaluate.js';
import {
  deployed,
  deployment,
  statements,
  statementsOf,
  template,
} from '#support/template-deployment.js';

describe('template.yaml, Step Functions path', () => {
  const WORKFLOWS = { WorkflowStateMachineNames: ['nightly-load', 'hourly-sync'] };
  const CONSUMERS = {
    TaskOutputConsumerRoleArns: ['arn:aws:iam::123456789012:role/nightly-load-consumer'],
  };
  const keyStatements = (parameters: Record<string, string | string[]> = {}) =>
    statementsOf(deployed('TaskOutputKey', parameters).KeyPolicy);
  const using = (action: RegExp, parameters: Record<string, string | string[]> = {}) =>
    keyStatements(parameters).filter((s) => [s.Action].flat().some((a) => action.test(a)));
  const contextKeysPinned = {
    'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['executionArn'] },
  };

  it('lets only the task function encrypt, and only with an executionArn context alone', () => {
    expect(using(/^kms:(Encrypt|\*)$/)).toEqual([
      expect.objectContaining({
        Principal: { AWS: '<CredentialsTaskFunctionRole.Arn>' },
        Condition: {
          StringLike: {
            'kms:EncryptionContext:executionArn':
              'arn:aws:states:us-east-1:123456789012:execution:*',
          },
          ...contextKeysPinned,
        },
      }),
    ]);
  });

  it('lets each consumer decrypt only for the named workflow its tag names, never any execution', () => {
    const decrypting = using(/^kms:(Decrypt|\*)$/, { ...WORKFLOWS, ...CONSUMERS });

    expect(decrypting).toEqual([
      expect.objectContaining({
        Principal: { AWS: '<ExampleConsumerFunctionRole.Arn>' },
        Condition: {
          StringLike: {
            'kms:EncryptionContext:executionArn':
              'arn:aws:states:us-east-1:123456789012:execution:vendor-example-etl:*',
          },
          ...contextKeysPinned,
        },
      }),
      expect.objectContaining({
        Principal: { AWS: CONSUMERS.TaskOutputConsumerRoleArns },
        Condition: {
          StringEquals: {
            'aws:PrincipalTag/RedshiftCredentialsWorkflow': WORKFLOWS.WorkflowStateMachineNames,
          },
          StringLike: {
            'kms:EncryptionContext:executionArn':
              'arn:aws:states:us-east-1:123456789012:execution:${aws:PrincipalTag/RedshiftCredentialsWorkflow}:*',
          },
          ...contextKeysPinned,
        },
      }),
    ]);
    for (const statement of decrypting) {
      expect(JSON.stringify(statement.Condition)).not.toMatch(/execution:\*"/);
    }
  });

  it('lets nobody but the example consumer decrypt until workflows and consumers are both named', () => {
    for (const parameters of [{}, WORKFLOWS, CONSUMERS]) {
      expect(using(/^kms:Decrypt$/, parameters).map((s) => s.Principal)).toEqual([
        { AWS: '<ExampleConsumerFunctionRole.Arn>' },
      ]);
    }
    expect(using(/^kms:Decrypt$/, { DeployExampleWorkflow: 'false' })).toEqual([]);
  });

  it('gives the account administration of the key but no use of it', () => {
    const [admin] = keyStatements();

    expect(admin?.Sid).toBe('AccountAdministersButCannotUseTheKey');
    expect(
      [admin?.Action]
        .flat()
        .filter((a) =>
          /Encrypt|Decrypt|GenerateDataKey|ReEncrypt|CreateGrant|kms:\*/.test(String(a)),
        ),
    ).toEqual([]);
  });

  it('points the task function at the key and lets it describe and read the history of only the named workflows’ executions', () => {
    const task = deployed('CredentialsTaskFunction');
    const describe = (parameters: Record<string, string | string[]>) =>
      statements(parameters).filter((statement) =>
        [statement.Action].flat().some((action) => action.startsWith('states:')),
      );

    expect((task.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      TASK_OUTPUT_KEY_ID: '<TaskOutputKey.Arn>',
    });
    expect(describe(WORKFLOWS)).toEqual([
      expect.objectContaining({
        Action: ['states:DescribeExecution', 'states:GetExecutionHistory'],
        Resource: [
          'arn:aws:states:us-east-1:123456789012:execution:vendor-example-etl:*',
          'arn:*:states:*:*:execution:nightly-load:*',
          'arn:*:states:*:*:execution:hourly-sync:*',
        ],
        Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      }),
    ]);
    expect(template.Resources.WorkflowExecutionsPolicy?.Condition).toBe('DescribesExecutions');
    expect(condition('DescribesExecutions', deployment({ DeployExampleWorkflow: 'false' }))).toBe(
      false,
    );
  });

  it('makes the example workflow, its consumer and their log optional, and leaves them out of [prod]', () => {
    const examples = ['ExampleWorkflow', 'ExampleConsumerFunction', 'ExampleConsumerLogGroup'];

    for (const id of examples) expect(template.Resources[id]?.Condition).toBe('DeployExample');
    expect(condition('DeployExample', deployment({ DeployExampleWorkflow: 'false' }))).toBe(false);
    expect(readFileSync('samconfig.toml', 'utf8')).toMatch(
      /\[prod\.deploy\.parameters\][^[]*DeployExampleWorkflow=\\"false\\"/,
    );
  });

  it('runs the example workflow as a Standard state machine whose definition it fills in completely', () => {
    const workflow = template.Resources.ExampleWorkflow?.Properties ?? {};
    const definition = readFileSync(String(workflow.DefinitionUri), 'utf8');
    const placeholders = [...definition.matchAll(/\$\{(\w+)\}/g)].map(([, name]) => name);

    expect(workflow.Type).toBe('STANDARD');
    expect(new Set(placeholders)).toEqual(
      new Set(Object.keys(workflow.DefinitionSubstitutions as object)),
    );
  });

  it('retries Throttled and catches AccessDenied around the credentials step, fed $$.Execution.Id', () => {
    const definition = JSON.parse(
      readFileSync('statemachine/credentials-workflow.asl.json', 'utf8'),
    );
    const step = definition.States.GetRedshiftCredentials;

    expect(step.Parameters.Payload['executionArn.$']).toBe('$$.Execution.Id');
    expect(step.Retry).toContainEqual(expect.objectContaining({ ErrorEquals: ['Throttled'] }));
    expect(step.Catch).toContainEqual(expect.objectContaining({ ErrorEquals: ['AccessDenied'] }));
  });
});
