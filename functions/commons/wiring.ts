import { DynamoDBProvider } from '@aws-lambda-powertools/parameters/dynamodb';
import { dynamoDbRevocationList, noRevocations } from '../adapters/dynamodb-revocation-list.js';
import { kmsTaskOutputEncryptor } from '../adapters/kms-task-output-encryptor.js';
import { loggerAuditSink } from '../adapters/logger-audit-sink.js';
import { loadPolicyOrFailClosed, logConfigurationProblems } from '../adapters/policy-file.js';
import { redshiftCredentialIssuer } from '../adapters/redshift-credential-issuer.js';
import { redshiftTargetDirectory } from '../adapters/redshift-target-directory.js';
import { sfnExecutionLookup } from '../adapters/sfn-execution-lookup.js';
import { stsRoleCredentials } from '../adapters/sts-role-credentials.js';
import { targetClients } from '../adapters/target-clients.js';
import { PolicyError } from '../domain/errors.js';
import type { ExecutionLookup, RevocationList, TaskOutputEncryptor } from '../domain/ports.js';
import type { VendingDependencies } from '../domain/vend.js';
import { createDynamoDbClient } from './clients/dynamodb.js';
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
  const dependencies = {
    policy:
      settings instanceof PolicyError
        ? settings
        : await loadPolicyOrFailClosed(settings.policyFile, logger, settings.grants),
    issuer: redshiftCredentialIssuer(clients),
    targets: redshiftTargetDirectory(clients, {
      ...(!(settings instanceof PolicyError) && { maxAgeMs: settings.adminUserMaxAgeMs }),
    }),
    audit: loggerAuditSink(logger),
    revocations: settings instanceof PolicyError ? noRevocations : revocationList(settings),
  };
  if (!(settings instanceof PolicyError) && settings.lookUpTargetsAtStart) {
    await primeLookups(dependencies);
  }
  return dependencies;
}

/** The revocations table's reader, or, with no table configured, nothing revoked (said once). */
function revocationList({ revocations }: Settings): RevocationList {
  if (revocations === undefined) {
    logger.warn('No REVOCATIONS_TABLE is configured: nothing is revoked');
    return noRevocations;
  }
  const provider = new DynamoDBProvider({
    tableName: revocations.table,
    awsSdkV3Client: createDynamoDbClient(),
  });
  const list = dynamoDbRevocationList(provider, revocations);
  return {
    // A malformed revocation is logged item by item, as a bad policy is, on every read of it.
    current: (deadline) =>
      list.current(deadline).catch((error: unknown) => {
        if (error instanceof PolicyError) logConfigurationProblems(error, logger);
        throw error;
      }),
  };
}

/** A failure as a cold-start warning names it. */
const reasonOf = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** How long a cold start waits for the target lookups before it serves anyway. */
export const PRIME_BUDGET_MS = 2_000;

/**
 * During the cold start, reads the revocations and looks up every target a rule names (endpoint
 * and admin user, through AssumeRole where the target says so), which also opens the connection
 * to Redshift that the first request's GetClusterCredentials then reuses. The lookups are cached, so the first caller
 * does not wait for them. A failed lookup is logged and not cached: the first request that needs
 * the target looks it up again and answers as it would have. Lookups still running after
 * PRIME_BUDGET_MS go on, and a request for that target joins them.
 */
async function primeLookups({ policy, targets, revocations }: VendingDependencies): Promise<void> {
  if (policy instanceof PolicyError) return;
  const revocationRead = revocations.current().then(
    () => undefined,
    (error: unknown) =>
      logger.warn(
        'Reading the revocations at cold start failed; the first request will try again',
        {
          reason: reasonOf(error),
        },
      ),
  );
  const named = new Set(
    policy.rules.flatMap((rule) => (rule.effect === 'allow' ? [...rule.targets.values()] : [])),
  );
  const lookups = [...named].map((target) =>
    targets.describe(target).then(
      () => undefined,
      (error: unknown) =>
        logger.warn('Target lookup at cold start failed; the first request will try again', {
          target: target.name,
          reason: reasonOf(error),
        }),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, PRIME_BUDGET_MS);
    timer.unref();
  });
  await Promise.race([Promise.all([...lookups, revocationRead]), budget]);
  clearTimeout(timer);
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
    executions: sfnExecutionLookup(createSfnClient()),
    encryptor: keyId === undefined ? undefined : kmsTaskOutputEncryptor(createKmsClient(), keyId),
  };
}

export { logger };
