import { setTimeout as sleep } from 'node:timers/promises';
import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Target } from '../../functions/domain/targets.js';

/** How long one statement may run before the operator is told to look at it themselves. */
const STATEMENT_TIMEOUT_MS = 60_000;
const POLL_MS = 250;

/** What a statement did on a target: its text and how many rows it returned or changed. */
export interface StatementRun {
  readonly sql: string;
  readonly rows: number;
}

/**
 * Runs `statements` in order on the target's cluster (as `asDbUser`, through the Data API's
 * temporary credentials) or workgroup (as the operator's own IAM identity: the Data API takes no
 * db user for Serverless), in the target's region and through its role as issuing does, and
 * waits for each to finish. Throws an Error naming the target and the statement that failed.
 */
export async function runOnTarget(
  target: Target,
  statements: readonly string[],
  asDbUser: string,
  credentials: AwsCredentialIdentityProvider,
): Promise<StatementRun[]> {
  const region = target.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const data = new RedshiftDataClient({
    region,
    credentials:
      target.roleArn === undefined ? credentials : await throughRole(target, region, credentials),
  });
  const where =
    target.kind === 'cluster'
      ? { ClusterIdentifier: target.clusterIdentifier, DbUser: asDbUser }
      : { WorkgroupName: target.workgroupName };
  const runs: StatementRun[] = [];
  try {
    for (const sql of statements) {
      const { Id } = await data.send(
        new ExecuteStatementCommand({ ...where, Database: target.database, Sql: sql }),
      );
      runs.push({ sql, rows: await finished(data, Id ?? '', `${target.name}: ${sql}`) });
    }
  } finally {
    data.destroy();
  }
  return runs;
}

async function finished(data: RedshiftDataClient, id: string, what: string): Promise<number> {
  const deadline = Date.now() + STATEMENT_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const statement = await data.send(new DescribeStatementCommand({ Id: id }));
    switch (statement.Status) {
      case 'FINISHED':
        // -1: the statement returns no row count.
        return Math.max(Number(statement.ResultRows ?? 0), 0);
      case 'FAILED':
      case 'ABORTED':
        throw new Error(
          `${what}: ${statement.Status.toLowerCase()}: ${statement.Error ?? 'no reason given'}`,
        );
    }
    await sleep(POLL_MS);
  }
  throw new Error(
    `${what}: still running after ${STATEMENT_TIMEOUT_MS / 1000} s (statement ${id})`,
  );
}

/** The target role's credentials, assumed with the operator's own, as the vendor assumes it. */
async function throughRole(
  target: Target,
  region: string,
  credentials: AwsCredentialIdentityProvider,
): Promise<AwsCredentialIdentity> {
  const sts = new STSClient({ region, credentials });
  try {
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: target.roleArn,
        RoleSessionName: 'redshift-credential-vendor-revoke',
        ...(target.externalId !== undefined && { ExternalId: target.externalId }),
      }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey) {
      throw new Error(`${target.name}: AssumeRole ${target.roleArn} returned no credentials`);
    }
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      ...(Credentials.SessionToken !== undefined && { sessionToken: Credentials.SessionToken }),
    };
  } finally {
    sts.destroy();
  }
}
