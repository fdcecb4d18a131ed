import { auditLog } from '../adapters/audit-log.js';
import { kmsTaskOutput } from '../adapters/kms-task-output.js';
import { loadPolicyOrFailClosed, logConfigurationProblems } from '../adapters/policy-file.js';
import { redshiftIssuer } from '../adapters/redshift-issuer.js';
import { redshiftTargets } from '../adapters/redshift-targets.js';
import { sfnExecutions } from '../adapters/sfn-executions.js';
import { stsRoleCredentials } from '../adapters/sts-role-credentials.js';
import { targetClients } from '../adapters/target-clients.js';
import { PolicyError } from '../domain/errors.js';
import type { ExecutionLookup, TaskOutputEncryptor } from '../domain/ports.js';
import type { VendingDependencies } from '../domain/vend.js';
import { createKmsClient } from './clients/kms.js';
import { createRedshiftClient } from './clients/redshift.js';
import { createRedshiftServerlessClient } from './clients/redshift-serverless.js';
import { createSfnClient } from './clients/sfn.js';
import { createStsClient } from './clients/sts.js';
import { logger } from './logger.js';
import { type ApiSource, readSettings, type Settings } from './settings.js';

/**
 * The one place the functions are put together: settings, policy, AWS clients, adapters and the
 * audit sink. Each handler calls its builder once, at module scope (cold start), so warm
 * invocations reuse everything.
 */

function settingsOrFailClosed(role: 'api' | 'task'): Settings | PolicyError {
  try {
    return readSettings(process.env, role);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    logConfigurationProblems(error, logger);
    return error;
  }
}

/** The policy and the ports of issuing and auditing, which both functions need. */
async function vendingDependencies(settings: Settings | PolicyError): Promise<VendingDependencies> {
  const clients = targetClients(
    createRedshiftClient(),
    { redshift: createRedshiftClient, serverless: createRedshiftServerlessClient },
    stsRoleCredentials(lazily(createStsClient)),
  );
  return {
    policy:
      settings instanceof PolicyError
        ? settings
        : await loadPolicyOrFailClosed(settings.policyFile, logger, settings.grants),
    issuer: redshiftIssuer(clients),
    targets: redshiftTargets(clients),
    audit: auditLog(logger),
  };
}

/** `create` run once, on first use; a failure is tried again next time. */
function lazily<T>(create: () => Promise<T>): () => Promise<T> {
  let created: Promise<T> | undefined;
  return () => {
    created ??= create();
    created.catch(() => {
      created = undefined;
    });
    return created;
  };
}

export interface ApiDependencies extends VendingDependencies {
  /** The API and stage whose events are accepted; undefined only while the settings are invalid. */
  readonly api: ApiSource | undefined;
}

/** What `POST /credentials` needs. */
export async function apiDependencies(): Promise<ApiDependencies> {
  const settings = settingsOrFailClosed('api');
  return {
    ...(await vendingDependencies(settings)),
    api: settings instanceof PolicyError ? undefined : settings.api,
  };
}

export interface TaskDependencies extends VendingDependencies {
  readonly executions: ExecutionLookup;
  /** Absent when no task-output key is configured: encrypted results then fail. */
  readonly encryptor: TaskOutputEncryptor | undefined;
}

/** What the Step Functions task needs besides: executions to describe, a key to encrypt with. */
export async function taskDependencies(): Promise<TaskDependencies> {
  const settings = settingsOrFailClosed('task');
  const keyId = settings instanceof PolicyError ? undefined : settings.taskOutputKeyId;
  return {
    ...(await vendingDependencies(settings)),
    executions: sfnExecutions(createSfnClient()),
    encryptor: keyId === undefined ? undefined : kmsTaskOutput(createKmsClient(), keyId),
  };
}

export { logger };
