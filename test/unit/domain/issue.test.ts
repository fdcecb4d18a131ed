import { describe, expect, it } from 'vitest';
import { UpstreamError } from '#domain/errors.js';
import { issueCredentials } from '#domain/issue.js';
import { exampleGrant } from '#fixtures/grant.js';
import { FAKE_PASSWORD, fakeIssuer, fakeTargets } from '#support/fakes.js';

const NOW = new Date('2026-11-26T20:00:00.000Z');
const now = () => NOW;

const grant = exampleGrant;

describe('issueCredentials', () => {
  it('asks the issuer for exactly the grant and answers with the target’s endpoint', async () => {
    const issuer = fakeIssuer(now);
    const targets = fakeTargets();

    const credentials = await issueCredentials({ issuer, targets }, grant(), now);

    expect(issuer.requests).toEqual([
      {
        target: grant().target,
        dbUser: 'etl_loader',
        database: 'exampledb',
        dbGroups: ['etl_rw'],
        durationSeconds: 900,
        autoCreate: true,
      },
    ]);
    expect(credentials).toEqual({
      dbUser: 'IAMA:etl_loader',
      dbPassword: FAKE_PASSWORD,
      expiration: new Date(NOW.getTime() + 900_000),
      target: 'analytics',
      clusterIdentifier: 'examplecluster',
      database: 'exampledb',
      dbGroups: ['etl_rw'],
      host: 'examplecluster.example.internal',
      port: 5439,
    });
  });

  it('uses the host and port the target gives over the looked-up ones', async () => {
    const targets = fakeTargets();
    const target = {
      name: 'finance',
      kind: 'cluster' as const,
      clusterIdentifier: 'finance',
      database: 'ledger',
      host: 'db.internal',
      port: 5440,
    };

    const credentials = await issueCredentials(
      { issuer: fakeIssuer(now), targets },
      grant({ target, database: 'ledger' }),
      now,
    );

    expect(credentials).toMatchObject({ host: 'db.internal', port: 5440 });
    expect(targets.asked).toEqual(['finance']);
  });

  it.each([
    ['its admin user', 'awsuser'],
    ['its admin user written in another case', 'AWSUser'],
  ])('refuses to issue the target’s admin user (%s) before asking the issuer', async (_, admin) => {
    const issuer = fakeIssuer(now);

    const result = issueCredentials(
      { issuer, targets: fakeTargets({ adminUser: admin }) },
      grant({ dbUser: 'awsuser' }),
      now,
    );

    await expect(result).rejects.toMatchObject({
      code: 'AccessDenied',
      reason: 'protected database user',
      rule: 'etl-roles',
    });
    expect(issuer.requests).toEqual([]);
  });

  it.each([
    ['no password', { dbUser: 'IAM:x', expiration: new Date(NOW.getTime() + 900_000) }],
    ['no user', { dbPassword: 'p', expiration: new Date(NOW.getTime() + 900_000) }],
    ['no expiration', { dbUser: 'IAM:x', dbPassword: 'p' }],
    ['an invalid date', { dbUser: 'IAM:x', dbPassword: 'p', expiration: new Date(Number.NaN) }],
  ])('refuses a reply with %s', async (_, reply) => {
    const issuer = fakeIssuer(now);
    issuer.answer(async () => reply);

    await expect(
      issueCredentials({ issuer, targets: fakeTargets() }, grant(), now),
    ).rejects.toThrow(
      new UpstreamError('Redshift GetClusterCredentials returned an incomplete credential'),
    );
  });

  it.each([
    ['already past', -1],
    ['later than the duration and the clock skew allow', 900 + 61],
  ])('refuses an expiration %s', async (_, seconds) => {
    const issuer = fakeIssuer(now);
    issuer.answer(async () => ({
      dbUser: 'IAM:x',
      dbPassword: 'p',
      expiration: new Date(NOW.getTime() + seconds * 1000),
    }));

    await expect(
      issueCredentials({ issuer, targets: fakeTargets() }, grant(), now),
    ).rejects.toThrow(/implausible expiration/);
  });

  it('accepts an expiration within the clock skew past the duration', async () => {
    const issuer = fakeIssuer(now);
    issuer.answer(async () => ({
      dbUser: 'IAM:x',
      dbPassword: 'p',
      expiration: new Date(NOW.getTime() + (900 + 59) * 1000),
    }));

    await expect(
      issueCredentials({ issuer, targets: fakeTargets() }, grant(), now),
    ).resolves.toMatchObject({ dbUser: 'IAM:x' });
  });

  it('reports a failed endpoint lookup even when issuing succeeded', async () => {
    const targets = {
      describe: async () => {
        throw new UpstreamError('Redshift DescribeClusters failed: ClusterNotFoundFault');
      },
    };

    await expect(
      issueCredentials({ issuer: fakeIssuer(now), targets }, grant(), now),
    ).rejects.toThrow('Redshift DescribeClusters failed: ClusterNotFoundFault');
  });
});
