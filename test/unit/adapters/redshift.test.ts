import {
  DescribeClustersCommand,
  GetClusterCredentialsCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { redshiftIssuer } from '#adapters/redshift-issuer.js';
import { redshiftTargets } from '#adapters/redshift-targets.js';
import { targetClients } from '#adapters/target-clients.js';
import type { Grant } from '#domain/authorize.js';
import { ThrottledError, UpstreamError } from '#domain/errors.js';
import { type IssuingPorts, issueCredentials } from '#domain/issue.js';
import { EXAMPLE_CONNECTION } from '#fixtures/example-connection.js';
import { exampleGrant } from '#fixtures/grant.js';
import { REDSHIFT_PASSWORD } from '#fixtures/redshift-password.js';
import { redshiftFaults } from '#support/redshift-faults.js';

const redshiftMock = mockClient(RedshiftClient);
const factories = {
  redshift: () => new RedshiftClient({}),
  serverless: () => Promise.reject(new Error('no Serverless targets here')),
};
const noRoles = () => Promise.reject(new Error('no roles here'));
const NOW = new Date('2026-11-26T20:00:00.000Z');

const grant = exampleGrant;

const expiresIn = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

function replyWith(reply: { DbUser?: string; DbPassword?: string; Expiration?: Date }) {
  redshiftMock.on(GetClusterCredentialsCommand).resolves(reply);
}

// The Redshift adapters (GetClusterCredentials, DescribeClusters) behind issueCredentials.
describe('redshiftIssuer and redshiftTargets', () => {
  let ports: IssuingPorts;
  const issue = (g: Grant = grant()) => issueCredentials(ports, g, () => NOW);

  beforeEach(() => {
    redshiftMock.reset();
    const redshift = new RedshiftClient({});
    const clients = targetClients(redshift, factories, noRoles);
    ports = { issuer: redshiftIssuer(clients), targets: redshiftTargets(clients) };
    redshiftMock.on(DescribeClustersCommand).resolves({
      Clusters: [
        {
          Endpoint: {
            Address: 'examplecluster.abc123.us-east-1.redshift.amazonaws.com',
            Port: 5439,
          },
        },
      ],
    });
    replyWith({
      DbUser: 'IAMA:etl_loader:etl_rw',
      DbPassword: REDSHIFT_PASSWORD,
      Expiration: expiresIn(900),
    });
  });

  it('asks Redshift for exactly the granted user, database, groups, duration and auto-create', async () => {
    const credentials = await issue();

    expect(
      redshiftMock.commandCalls(GetClusterCredentialsCommand).map((call) => call.args[0].input),
    ).toEqual([
      {
        ClusterIdentifier: 'examplecluster',
        DbUser: 'etl_loader',
        DbName: 'exampledb',
        DbGroups: ['etl_rw'],
        DurationSeconds: 900,
        AutoCreate: true,
      },
    ]);
    expect(credentials).toEqual({
      dbUser: 'IAMA:etl_loader:etl_rw',
      dbPassword: REDSHIFT_PASSWORD,
      expiration: expiresIn(900),
      ...EXAMPLE_CONNECTION,
      dbGroups: ['etl_rw'],
    });
  });

  it('sends no DbGroups when the grant has none, and AutoCreate false for an existing user', async () => {
    replyWith({
      DbUser: 'IAM:reporting',
      DbPassword: REDSHIFT_PASSWORD,
      Expiration: expiresIn(3600),
    });

    await issue(
      grant({ dbUser: 'reporting', dbGroups: [], autoCreate: false, durationSeconds: 3600 }),
    );

    expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)[0]?.args[0].input).toEqual({
      ClusterIdentifier: 'examplecluster',
      DbUser: 'reporting',
      DbName: 'exampledb',
      DurationSeconds: 3600,
      AutoCreate: false,
    });
  });

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

    const description = await ports.targets.describe(grant().target);

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

  it.each([
    ['no password', { DbUser: 'IAM:etl_loader', Expiration: expiresIn(900) }],
    ['an empty password', { DbUser: 'IAM:etl_loader', DbPassword: '', Expiration: expiresIn(900) }],
    ['no expiration', { DbUser: 'IAM:etl_loader', DbPassword: REDSHIFT_PASSWORD }],
    ['no user', { DbPassword: REDSHIFT_PASSWORD, Expiration: expiresIn(900) }],
  ])(
    'refuses a reply with %s as an upstream error, never an empty credential',
    async (_, reply) => {
      replyWith(reply);

      await expect(issue()).rejects.toThrow(
        new UpstreamError('Redshift GetClusterCredentials returned an incomplete credential'),
      );
    },
  );

  it.each([
    ['in the past', -1],
    ['later than the requested duration', 900 + 120],
  ])('refuses an expiration %s', async (_, seconds) => {
    replyWith({
      DbUser: 'IAM:etl_loader',
      DbPassword: REDSHIFT_PASSWORD,
      Expiration: expiresIn(seconds),
    });

    await expect(issue()).rejects.toThrow(/implausible expiration/);
  });

  it('turns throttling that outlasted the retries into Throttled with a retry delay', async () => {
    redshiftMock.on(GetClusterCredentialsCommand).rejects(redshiftFaults.throttling());

    const error = await issue().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterSeconds).toBeGreaterThan(0);
  });

  it.each([
    ['ClusterNotFoundFault', redshiftFaults.clusterNotFound()],
    ['UnsupportedOperationFault', redshiftFaults.unsupportedOperation()],
    ['AccessDenied', redshiftFaults.accessDenied()],
    [
      'TimeoutError',
      Object.assign(new Error('Connection timed out after 3000 ms'), { name: 'TimeoutError' }),
    ],
  ])('turns %s into UpstreamError naming the error but not its message', async (name, failure) => {
    redshiftMock.on(GetClusterCredentialsCommand).rejects(failure);

    await expect(issue()).rejects.toThrow(
      new UpstreamError(`Redshift GetClusterCredentials failed: ${name}`),
    );
  });

  it('reports a cluster DescribeClusters cannot find as an upstream error', async () => {
    redshiftMock.on(DescribeClustersCommand).rejects(redshiftFaults.clusterNotFound());

    await expect(issue()).rejects.toThrow('Redshift DescribeClusters failed: ClusterNotFoundFault');
  });
});
