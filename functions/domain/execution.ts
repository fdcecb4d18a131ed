import { AccessDeniedError, InvalidRequestError } from './errors.js';
import { ACCOUNT, PARTITION, type Principal, principalFromArn } from './identity.js';
import type { ExecutionLookup } from './ports.js';

const STANDARD_EXECUTION_ARN =
  /^arn:aws(?:-[a-z]+)*:states:[a-z0-9-]+:\d{12}:execution:[\w-]{1,80}:[\w-]{1,80}$/;
const EXPRESS_EXECUTION_ARN = /^arn:aws(?:-[a-z]+)*:states:[a-z0-9-]+:\d{12}:express:/;

const STATE_MACHINE_ARN = new RegExp(
  `^arn:${PARTITION}:states:[a-z0-9-]+:(?<accountId>${ACCOUNT}):stateMachine:(?<stateMachineName>[\\w-]{1,80})$`,
);

/**
 * The principal of a Step Functions task: DescribeExecution must report the execution RUNNING,
 * and its state machine is the caller. Express executions cannot be described, so they are
 * refused; so is anything that is not an execution ARN.
 */
export async function executionPrincipal(
  executions: ExecutionLookup,
  executionArn: string,
): Promise<Principal> {
  if (EXPRESS_EXECUTION_ARN.test(executionArn)) {
    throw new InvalidRequestError(
      'executionArn: Express workflow executions cannot be described; use a Standard workflow',
    );
  }
  if (!STANDARD_EXECUTION_ARN.test(executionArn)) {
    throw new InvalidRequestError(
      'executionArn: must be the ARN of a Standard workflow execution ($$.Execution.Id)',
    );
  }
  const execution = await executions.describe(executionArn);
  if (execution.status !== 'RUNNING') {
    throw new AccessDeniedError(
      `the execution is ${execution.status ?? 'in an unknown state'}, not RUNNING`,
    );
  }
  const principal = principalFromStateMachineArn(execution.stateMachineArn ?? '');
  if (principal.kind !== 'state-machine') {
    throw new AccessDeniedError('Step Functions reported no state machine for the execution');
  }
  return principal;
}

/**
 * The principal of a Step Functions task: the state machine of an execution Step Functions
 * reported as RUNNING. Only the task path builds these; an API caller can never be one.
 */
export function principalFromStateMachineArn(arn: string): Principal {
  const machine = STATE_MACHINE_ARN.exec(arn)?.groups;
  if (!machine) return principalFromArn(arn);
  const { accountId = '', stateMachineName = '' } = machine;
  return {
    arn,
    kind: 'state-machine',
    matchArns: [arn],
    variables: { accountId, stateMachineName },
  };
}
