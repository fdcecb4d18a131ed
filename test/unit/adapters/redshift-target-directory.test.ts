import { DescribeClustersCommand, GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import {
  GetNamespaceCommand,
  GetWorkgroupCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-redshift-serverless';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '#domain/errors.js';
import { issueCredentials } from '#domain/issue.js';
import { exampleGrant } from '#fixtures/grant.js';
import { redshiftMock, useHomeCluster } from '#support/home-cluster-ports.js';
import { redshiftFaults } from '#support/redshift-faults.js';

import {
  ADMIN_USER_MAX_AGE_MS,
  clock,
  redshiftMock as elsewhereRedshiftMock,
  lake,
  prepare,
  serverlessMock,
  useTargetsElsewhere,
} from '#support/targets-elsewhere-ports.js';

describe('redshiftTargetDirectory, for the home account’s cluster', () => {
  const home = useHomeCluster();
  const { issue } = home;
  const grant = exampleGrant;

  it('uses the host and port the target names over the ones DescribeClusters reports', async () => {
    const target = {
      name: 'finance',
      kind: 'cluster' as const,
      clusterIdentifier: 'finance',
      database: 'ledger',
      host: 'db.internal',
      port: 5440,
    };

    const credentials = await issue(grant({ target, database: 'ledger' }));

    expect(credentials).toMatchObject({
      host: 'db.internal',
      port: 5440,
      clusterIdentifier: 'finance',
    });
    // Still described once, for the admin user that must never be issued.
    expect(redshiftMock.commandCalls(DescribeClustersCommand)).toHaveLength(1);
  });

  it('reports the cluster master user as the target admin user', async () => {
    redshiftMock.on(DescribeClustersCommand).resolves({
      Clusters: [{ MasterUsername: 'awsuser', Endpoint: { Address: 'h.internal', Port: 5439 } }],
    });

    const description = await home.ports.targets.describe(grant().target);

    expect(description).toEqual({ host: 'h.internal', port: 5439, adminUser: 'awsuser' });
  });

  it('looks the cluster endpoint up once per container', async () => {
    await issue();
    await issue();

    expect(redshiftMock.commandCalls(DescribeClustersCommand)).toHaveLength(1);
  });

  it('does not cache a failed endpoint lookup', async () => {
    redshiftMock
      .on(DescribeClustersCommand)
      .rejectsOnce(new Error('socket hang up'))
      .resolves({ Clusters: [{ Endpoint: { Address: 'examplecluster.internal', Port: 5439 } }] });

    await expect(issue()).rejects.toThrow(UpstreamError);
    await expect(issue()).resolves.toMatchObject({ port: 5439 });
    expect(redshiftMock.commandCalls(DescribeClustersCommand)).toHaveLength(2);
  });

  it('reports a cluster DescribeClusters cannot find as an upstream error', async () => {
    redshiftMock.on(DescribeClustersCommand).rejects(redshiftFaults.clusterNotFound());

    await expect(issue()).rejects.toThrow('Redshift DescribeClusters failed: ClusterNotFoundFault');
  });
});

describe('redshiftTargetDirectory, for a Serverless workgroup', () => {
  useTargetsElsewhere();

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
    expect(elsewhereRedshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
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
