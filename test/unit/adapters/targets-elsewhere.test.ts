import {
  DescribeClustersCommand,
  GetClusterCredentialsCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import {
  GetNamespaceCommand,
  GetWorkgroupCommand,
  RedshiftServerlessClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-redshift-serverless';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { redshiftIssuer } from '#adapters/redshift-issuer.js';
import { redshiftTargets } from '#adapters/redshift-targets.js';
import { stsRoleCredentials } from '#adapters/sts-role-credentials.js';
import { type ClientOptions, targetClients } from '#adapters/target-clients.js';
import { createRedshiftClient } from '#commons/clients/redshift.js';
import { createRedshiftServerlessClient } from '#commons/clients/redshift-serverless.js';
import { ThrottledError, UpstreamError } from '#domain/errors.js';
import { type IssuingPorts, issueCredentials } from '#domain/issue.js';
import type { Target } from '#domain/targets.js';
import { exampleGrant } from '#fixtures/grant.js';
import { REDSHIFT_PASSWORD } from '#fixtures/redshift-password.js';
import { redshiftFaults } from '#support/redshift-faults.js';

const redshiftMock = mockClient(RedshiftClient);
const serverlessMock = mockClient(RedshiftServerlessClient);
const stsMock = mockClient(STSClient);
const ROLE = 'arn:aws:iam::210987654321:role/redshift-credential-vendor-access';
const HOUR = 3_600_000;
const START = Date.parse('2026-11-27T10:00:00Z');
/** The test's clock: the role cache and the credential checks read it. */
let clock = START;

const lake: Target = { kind: 'workgroup', name: 'lake', workgroupName: 'lake-wg', database: 'dev' };
const finance: Target = {
  name: 'finance',
  kind: 'cluster',
  clusterIdentifier: 'finance-dwh',
  database: 'finance',
  region: 'eu-west-1',
  roleArn: ROLE,
  externalId: 'finance-2026',
};

const ADMIN_USER_MAX_AGE_MS = 300_000;

/** The ports wired as the functions wire them, with a clock the test moves. */
function prepare() {
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
    issuer: redshiftIssuer(clients),
    targets: redshiftTargets(clients, { maxAgeMs: ADMIN_USER_MAX_AGE_MS, now: () => clock }),
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

function assumedRoleExpiringIn(ms: number, keyId = 'ASIAFINANCEEXAMPLE') {
  return {
    Credentials: {
      AccessKeyId: keyId,
      SecretAccessKey: 'finance-secret',
      SessionToken: 'finance-token',
      Expiration: new Date(clock + ms),
    },
  };
}

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

describe('a Serverless workgroup target', () => {
  it('is issued through GetClusterCredentials as redshift-serverless-<workgroup>', async () => {
    const { issue } = prepare();

    const credentials = await issue(lake);

    expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)[0]?.args[0].input).toEqual({
      ClusterIdentifier: 'redshift-serverless-lake-wg',
      DbUser: 'etl_loader',
      DbName: 'dev',
      DbGroups: ['etl_rw'],
      DurationSeconds: 900,
      AutoCreate: true,
    });
    expect(credentials).toMatchObject({
      workgroupName: 'lake-wg',
      host: 'lake-wg.123456789012.us-east-1.redshift-serverless.amazonaws.com',
      port: 5439,
    });
    expect(credentials).not.toHaveProperty('clusterIdentifier');
  });

  it('looks the workgroup and its namespace up once within the admin user’s lifetime', async () => {
    const { issue, advance } = prepare();

    await issue(lake);
    advance(ADMIN_USER_MAX_AGE_MS - 1);
    await issue(lake);

    expect(serverlessMock.commandCalls(GetWorkgroupCommand)).toHaveLength(1);
    expect(serverlessMock.commandCalls(GetNamespaceCommand)).toHaveLength(1);
  });

  it('refuses an admin user renamed with UpdateNamespace once the lifetime has passed, without a cold start', async () => {
    const { ports, advance } = prepare();
    const renamedTo = exampleGrant({ target: lake, dbUser: 'newadmin' });
    const atClock = () => new Date(clock);
    await issueCredentials(ports, renamedTo, atClock);
    serverlessMock
      .on(GetNamespaceCommand, { namespaceName: 'lake-ns' })
      .resolves({ namespace: { namespaceName: 'lake-ns', adminUsername: 'newadmin' } });

    advance(ADMIN_USER_MAX_AGE_MS);
    const afterRename = issueCredentials(ports, renamedTo, atClock);

    await expect(afterRename).rejects.toMatchObject({ reason: 'protected database user' });
    expect(serverlessMock.commandCalls(GetNamespaceCommand)).toHaveLength(2);
  });

  it('never issues the namespace’s admin user', async () => {
    const { ports } = prepare();

    const result = issueCredentials(ports, exampleGrant({ target: lake, dbUser: 'lakeadmin' }));

    await expect(result).rejects.toMatchObject({ reason: 'protected database user' });
    expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
  });

  it('reports a workgroup Redshift Serverless cannot find as an upstream error', async () => {
    serverlessMock
      .on(GetWorkgroupCommand)
      .rejects(new ResourceNotFoundException({ message: 'no such workgroup', $metadata: {} }));

    await expect(prepare().issue(lake)).rejects.toThrow(
      new UpstreamError('Redshift Serverless GetWorkgroup failed: ResourceNotFoundException'),
    );
  });
});

describe('a target in another account and region', () => {
  it('calls Redshift in the target’s region with the role’s assumed credentials', async () => {
    const { issue, created } = prepare();

    const credentials = await issue(finance);

    const assume = stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input;
    expect(assume).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'redshift-credential-vendor',
      ExternalId: 'finance-2026',
    });
    const call = redshiftMock.commandCalls(GetClusterCredentialsCommand)[0];
    const client = call?.thisValue as RedshiftClient;
    expect(await client.config.region()).toBe('eu-west-1');
    expect(await client.config.credentials()).toMatchObject({
      accessKeyId: 'ASIAFINANCEEXAMPLE',
      sessionToken: 'finance-token',
    });
    expect(created).toHaveLength(1);
    expect(credentials).toMatchObject({
      clusterIdentifier: 'finance-dwh',
      host: 'finance-dwh.eu.internal',
    });
  });

  it('assumes the role once for many requests, and again only within 5 minutes of expiry', async () => {
    const { issue, advance } = prepare();

    await Promise.all([issue(finance), issue(finance), issue(finance)]);
    advance(HOUR - 5 * 60_000 - 1_000);
    await issue(finance);
    const beforeWindow = stsMock.commandCalls(AssumeRoleCommand).length;
    advance(2_000);
    stsMock.on(AssumeRoleCommand).resolves(assumedRoleExpiringIn(HOUR, 'ASIARENEWEDEXAMPLE'));
    await issue(finance);

    expect(beforeWindow).toBe(1);
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('reuses one Redshift client per region and role', async () => {
    const { issue, created } = prepare();

    await issue(finance);
    await issue({ ...finance, name: 'finance-again' });
    await issue({ ...finance, name: 'finance-us', region: 'us-west-2' });

    expect(created.map((options) => options.region)).toEqual(['eu-west-1', 'us-west-2']);
  });

  it('answers 502 when the role cannot be assumed, naming the role in the log only', async () => {
    stsMock.on(AssumeRoleCommand).rejects(
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: `User is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`,
      }),
    );

    const error = await prepare()
      .issue(finance)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      statusCode: 502,
      message: 'STS AssumeRole failed: AccessDenied',
      detail: `role ${ROLE}`,
    });
    expect((error as Error).message).not.toContain('210987654321');
    expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
  });

  it('tries the role again after a failure instead of keeping it', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .rejectsOnce(new Error('socket hang up'))
      .resolves(assumedRoleExpiringIn(HOUR));
    const { issue } = prepare();

    await expect(issue(finance)).rejects.toThrow('STS AssumeRole failed');
    await expect(issue(finance)).resolves.toMatchObject({ clusterIdentifier: 'finance-dwh' });
  });

  it('answers 429 when STS keeps throttling', async () => {
    stsMock.on(AssumeRoleCommand).rejects(
      new STSServiceException({
        name: 'Throttling',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Rate exceeded',
      }),
    );

    await expect(prepare().issue(finance)).rejects.toBeInstanceOf(ThrottledError);
  });

  it('maps the target account’s Redshift refusals as the home account’s', async () => {
    redshiftMock.on(GetClusterCredentialsCommand).rejects(redshiftFaults.accessDenied());

    await expect(prepare().issue(finance)).rejects.toThrow(
      new UpstreamError('Redshift GetClusterCredentials failed: AccessDenied'),
    );
  });
});
