import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import { describe, expect, it } from 'vitest';
import { ThrottledError, UpstreamError } from '#domain/errors.js';
import { EXAMPLE_CONNECTION } from '#fixtures/example-connection.js';
import { exampleGrant } from '#fixtures/grant.js';
import { REDSHIFT_PASSWORD } from '#fixtures/redshift-password.js';
import { expiresIn, redshiftMock, replyWith, useHomeCluster } from '#support/home-cluster-ports.js';
import { redshiftFaults } from '#support/redshift-faults.js';

import {
  redshiftMock as elsewhereRedshiftMock,
  finance,
  lake,
  prepare,
  useTargetsElsewhere,
} from '#support/targets-elsewhere-ports.js';

describe('redshiftCredentialIssuer, for the home account’s cluster', () => {
  const home = useHomeCluster();
  const { issue } = home;
  const grant = exampleGrant;

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
});

describe('redshiftCredentialIssuer, for a Serverless workgroup and a cluster in another account', () => {
  useTargetsElsewhere();

  it('is issued through GetClusterCredentials as redshift-serverless-<workgroup>', async () => {
    const { issue } = prepare();

    const credentials = await issue(lake);

    expect(
      elsewhereRedshiftMock.commandCalls(GetClusterCredentialsCommand)[0]?.args[0].input,
    ).toEqual({
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

  it('maps the target account’s Redshift refusals as the home account’s', async () => {
    elsewhereRedshiftMock.on(GetClusterCredentialsCommand).rejects(redshiftFaults.accessDenied());

    await expect(prepare().issue(finance)).rejects.toThrow(
      new UpstreamError('Redshift GetClusterCredentials failed: AccessDenied'),
    );
  });
});
