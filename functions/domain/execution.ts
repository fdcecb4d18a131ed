import { AccessDeniedError, InvalidRequestError } from './errors.js';
import { ACCOUNT, PARTITION, type Principal, principalFromArn } from './identity.js';
import type { Deadline, ExecutionLookup, HistoryEvent } from './ports.js';

const STANDARD_EXECUTION_ARN =
  /^arn:aws(?:-[a-z]+)*:states:(?<region>[a-z0-9-]+):(?<account>\d{12}):execution:[\w-]{1,80}:[\w-]{1,80}$/;
const EXPRESS_EXECUTION_ARN = /^arn:aws(?:-[a-z]+)*:states:[a-z0-9-]+:\d{12}:express:/;

const STATE_MACHINE_ARN = new RegExp(
  `^arn:${PARTITION}:states:[a-z0-9-]+:(?<accountId>${ACCOUNT}):stateMachine:(?<stateMachineName>[\\w-]{1,80})$`,
);

/** How many of an execution's newest history events are searched for this function's task. */
export const HISTORY_EVENTS_SEARCHED = 1_000;

/** The task that invoked the function: its own ARN, as the Lambda context gives it. */
export interface TaskInvocation {
  readonly executionArn: string;
  readonly functionArn: string;
}

/**
 * The principal of a Step Functions task: DescribeExecution must report the execution RUNNING,
 * and its state machine is the caller. Anyone who may invoke the function can name any running
 * execution, so the execution's newest history events must also show a `lambda:invoke` task of
 * this very function that is scheduled or started and not yet finished. Express executions
 * cannot be described, so they are refused; so is anything that is not an execution ARN.
 */
export async function executionPrincipal(
  executions: ExecutionLookup,
  { executionArn, functionArn }: TaskInvocation,
  deadline?: Deadline,
): Promise<Principal> {
  if (EXPRESS_EXECUTION_ARN.test(executionArn)) {
    throw new InvalidRequestError(
      'executionArn: Express workflow executions cannot be described; use a Standard workflow',
    );
  }
  const execution = STANDARD_EXECUTION_ARN.exec(executionArn)?.groups;
  if (!execution) {
    throw new InvalidRequestError(
      'executionArn: must be the ARN of a Standard workflow execution ($$.Execution.Id)',
    );
  }
  const description = await executions.describe(executionArn, deadline);
  if (description.status !== 'RUNNING') {
    throw new AccessDeniedError(
      `the execution is ${description.status ?? 'in an unknown state'}, not RUNNING`,
    );
  }
  const principal = principalFromStateMachineArn(description.stateMachineArn ?? '');
  if (principal.kind !== 'state-machine') {
    throw new AccessDeniedError('Step Functions reported no state machine for the execution');
  }
  const self = lambdaFunction(functionArn);
  const invokesSelf = (functionName: string | undefined) => {
    // A FunctionName without region or account names a function of the execution's own.
    const invoked = lambdaFunction(functionName ?? '', execution);
    return (
      self !== undefined &&
      invoked?.name === self.name &&
      invoked.region === self.region &&
      invoked.account === self.account
    );
  };
  if (!(await hasOpenTask(executions.newestEvents(executionArn, deadline), invokesSelf))) {
    throw new AccessDeniedError(
      `the execution's newest ${HISTORY_EVENTS_SEARCHED} history events show no open lambda:invoke task of this function`,
    );
  }
  return principal;
}

/** Events that end a task, each pointing (previousEventId) at the event it ends. */
const ENDING = new Set([
  'TaskSucceeded',
  'TaskFailed',
  'TaskTimedOut',
  'TaskStartFailed',
  'TaskSubmitFailed',
]);
/** Events between a task's scheduling and its end, each pointing at the one before. */
const PROGRESSING = new Set(['TaskStarted', 'TaskSubmitted']);

/**
 * Whether the newest events (newest first) hold a scheduled task whose function `invokes`
 * accepts and that no later event has ended: an ended task's chain is followed back, through
 * its start, to its scheduling.
 */
async function hasOpenTask(
  events: AsyncIterable<HistoryEvent>,
  invokes: (functionName: string | undefined) => boolean,
): Promise<boolean> {
  const ended = new Set<number>();
  let searched = 0;
  for await (const event of events) {
    if (searched >= HISTORY_EVENTS_SEARCHED) break;
    searched += 1;
    const { id, type, previousEventId } = event;
    if (
      previousEventId !== undefined &&
      (ENDING.has(type) || (PROGRESSING.has(type) && ended.has(id)))
    ) {
      ended.add(previousEventId);
    } else if (type === 'TaskScheduled' && !ended.has(id) && invokes(event.invokedFunction)) {
      return true;
    }
  }
  return false;
}

const FUNCTION_ARN =
  /^arn:aws(?:-[a-z]+)*:lambda:(?<region>[a-z0-9-]+):(?<account>\d{12}):function:(?<name>[\w-]+)(?::[\w$-]+)?$/;
const PARTIAL_FUNCTION_ARN = /^(?<account>\d{12}):function:(?<name>[\w-]+)(?::[\w$-]+)?$/;
const FUNCTION_NAME = /^(?<name>[\w-]+)(?::[\w$-]+)?$/;

/**
 * A Lambda function named as `lambda:invoke` accepts it (a full or partial ARN, or a name, each
 * with an optional version or alias), with the region and account a name leaves to `home`.
 */
function lambdaFunction(
  functionName: string,
  home: { region?: string; account?: string } = {},
): { name: string; region?: string; account?: string } | undefined {
  const named = (
    FUNCTION_ARN.exec(functionName) ??
    PARTIAL_FUNCTION_ARN.exec(functionName) ??
    FUNCTION_NAME.exec(functionName)
  )?.groups;
  if (named?.name === undefined) return undefined;
  return {
    name: named.name,
    region: named.region ?? home.region,
    account: named.account ?? home.account,
  };
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
