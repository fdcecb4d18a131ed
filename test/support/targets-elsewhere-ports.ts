import {
  DescribeClustersCommand,
  GetClusterCredentialsCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import {
  GetNamespaceCommand,
  GetWorkgroupCommand,
  RedshiftServerlessClient,
} from '@aws-sdk/client-redshift-serverless';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';
import { redshiftCredentialIssuer } from '#adapters/redshift-credential-issuer.js';
import { redshiftTargetDirectory } from '#adapters/redshift-target-directory.js';
import { stsRoleCredentials } from '#adapters/sts-role-credentials.js';
import { type ClientOptions, targetClients } from '#adapters/target-clients.js';
import { createRedshiftClient } from '#commons/clients/redshift.js';
import { createRedshiftServerlessClient } from '#commons/clients/redshift-serverless.js';
import { type IssuingPorts, issueCredentials } from '#domain/issue.js';
import type { Target } from '#domain/targets.js';
import { exampleGrant } from '#fixtures/grant.js';
import { REDSHIFT_PASSWORD } from '#fixtures/redshift-password.js';

/**
 * The adapters wired as the functions wire them for targets beyond the home cluster: a Serverless
 * workgroup (lake) and a cluster in another account and region reached through a role (finance).
 */
export const redshiftMock = mockClient(RedshiftClient);
export const serverlessMock = mockClient(RedshiftServerlessClient);
export const stsMock = mockClient(STSClient);
export const ROLE = 'arn:aws:iam::210987654321:role/redshift-credential-vendor-access';
export const HOUR = 3_600_000;
export const START = Date.parse('2026-11-27T10:00:00Z');
/** The test's clock: the role cache and the credential checks read it. */
export let clock = START;

export const lake: Target = {
  kind: 'workgroup',
  name: 'lake',
  workgroupName: 'lake-wg',
  database: 'dev',
};
export const finance: Target = {
  name: 'finance',
  kind: 'cluster',
  clusterIdentifier: 'finance-dwh',
  database: 'finance',
  region: 'eu-west-1',
  roleArn: ROLE,
  externalId: 'finance-2026',
};

export const ADMIN_USER_MAX_AGE_MS = 300_000;

/** The ports wired as the functions wire them, with a clock the test moves. */
export function prepare() {
  clock = START;
  const created: ClientOptions[] = [];
  const clients = targetClients(
    createRedshiftClient(),
    {
      redshift: (options) => {
        created.push(options);
        return createRedshiftClient(options);
      },
      serverless: createRedshiftServerlessClient,
    },
    stsRoleCredentials(
      async () => new STSClient({}),
      () => clock,
    ),
  );
  const ports: IssuingPorts = {
    issuer: redshiftCredentialIssuer(clients),
    targets: redshiftTargetDirectory(clients, {
      maxAgeMs: ADMIN_USER_MAX_AGE_MS,
      now: () => clock,
    }),
  };
  return {
    ports,
    created,
    advance: (ms: number) => {
      clock += ms;
    },
    issue: (target: Target) =>
      issueCredentials(
        ports,
        exampleGrant({ target, database: target.database }),
        () => new Date(clock),
      ),
  };
}

export function assumedRoleExpiringIn(ms: number, keyId = 'ASIAFINANCEEXAMPLE') {
  return {
    Credentials: {
      AccessKeyId: keyId,
      SecretAccessKey: 'finance-secret',
      SessionToken: 'finance-token',
      Expiration: new Date(clock + ms),
    },
  };
}

/** Mocks that answer for every target before each test of the calling file. */
export function useTargetsElsewhere() {
  beforeEach(() => {
    redshiftMock.reset();
    serverlessMock.reset();
    stsMock.reset();
    redshiftMock.on(GetClusterCredentialsCommand).callsFake(async (input) => ({
      DbUser: `IAMA:${input.DbUser}`,
      DbPassword: REDSHIFT_PASSWORD,
      Expiration: new Date(clock + input.DurationSeconds * 1000),
    }));
    redshiftMock.on(DescribeClustersCommand).resolves({
      Clusters: [
        { MasterUsername: 'awsuser', Endpoint: { Address: 'finance-dwh.eu.internal', Port: 5439 } },
      ],
    });
    serverlessMock.on(GetWorkgroupCommand, { workgroupName: 'lake-wg' }).resolves({
      workgroup: {
        workgroupName: 'lake-wg',
        namespaceName: 'lake-ns',
        endpoint: {
          address: 'lake-wg.123456789012.us-east-1.redshift-serverless.amazonaws.com',
          port: 5439,
        },
      },
    });
    serverlessMock.on(GetNamespaceCommand, { namespaceName: 'lake-ns' }).resolves({
      namespace: { namespaceName: 'lake-ns', adminUsername: 'lakeadmin' },
    });
    stsMock.on(AssumeRoleCommand).resolves(assumedRoleExpiringIn(HOUR));
  });
}
