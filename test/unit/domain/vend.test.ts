import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  AccessDeniedError,
  InvalidRequestError,
  PolicyError,
  UpstreamError,
} from '#domain/errors.js';
import { principalFromArn } from '#domain/identity.js';
import { parsePolicy } from '#domain/policy/text.js';
import { type CredentialsCall, vendCredentials } from '#domain/vend.js';
import {
  FAKE_PASSWORD,
  fakeAudit,
  fakeIssuer,
  fakeRevocations,
  fakeTargets,
  revocation,
} from '#support/fakes.js';

const policy = parsePolicy(
  stringify({
    version: 1,
    targets: { analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' } },
    rules: [
      {
        name: 'etl-roles',
        principals: ['arn:aws:iam::123456789012:role/etl-*'],
        targets: ['analytics'],
        dbUser: 'etl_${roleName}',
        dbGroups: ['etl_rw'],
        autoCreate: true,
      },
      { name: 'nobody-else', principals: ['*'], effect: 'deny' },
    ],
  }),
  'policy.yaml',
);

const ETL = 'arn:aws:sts::123456789012:assumed-role/etl-loader/run-1';
const MALLORY = 'arn:aws:iam::123456789012:user/mallory';

function prepare(policyOrError: typeof policy | PolicyError = policy) {
  const issuer = fakeIssuer();
  const targets = fakeTargets();
  const audit = fakeAudit();
  const revocations = fakeRevocations();
  const deps = { policy: policyOrError, issuer, targets, audit, revocations };
  const call = (caller: string, request: unknown = {}): CredentialsCall => ({
    identify: () => principalFromArn(caller),
    readRequest: () => request,
    requestId: 'req-1',
  });
  return { deps, issuer, targets, audit, call };
}

describe('vendCredentials', () => {
  it('issues the rule’s user and groups, delivers them, and audits one issued line', async () => {
    // Prepare
    const { deps, issuer, audit, call } = prepare();

    // Act
    const delivered = await vendCredentials(
      deps,
      call(ETL, { durationSeconds: 1800 }),
      ({ credentials }) => credentials,
    );

    // Assess
    expect(issuer.requests).toEqual([
      expect.objectContaining({ dbUser: 'etl_etl-loader', dbGroups: ['etl_rw'], autoCreate: true }),
    ]);
    expect(delivered).toMatchObject({
      dbUser: 'IAMA:etl_etl-loader',
      dbPassword: FAKE_PASSWORD,
      host: 'examplecluster.example.internal',
      port: 5439,
    });
    expect(audit.records).toEqual([
      {
        decision: 'issued',
        principal: ETL,
        rule: 'etl-roles',
        dbUser: 'IAMA:etl_etl-loader',
        dbGroups: ['etl_rw'],
        target: 'analytics',
        database: 'exampledb',
        durationSeconds: 1800,
        expiration: expect.stringMatching(/Z$/),
        requestId: 'req-1',
      },
    ]);
    expect(JSON.stringify(audit.records)).not.toContain(FAKE_PASSWORD);
  });

  it('denies a caller a deny rule matches, without asking the issuer, naming the rule', async () => {
    const { deps, issuer, audit, call } = prepare();

    const result = vendCredentials(deps, call(MALLORY), () => 'delivered');

    await expect(result).rejects.toBeInstanceOf(AccessDeniedError);
    expect(issuer.requests).toEqual([]);
    expect(audit.records).toEqual([
      {
        decision: 'denied',
        principal: MALLORY,
        rule: 'nobody-else',
        reason: 'a deny rule matches',
        requestId: 'req-1',
      },
    ]);
  });

  it('refuses every request while the policy failed to load, before identifying anyone', async () => {
    const broken = new PolicyError('policy.yaml', [{ field: 'rules', problem: 'expected array' }]);
    const { deps, call, audit } = prepare(broken);
    let identified = false;

    const result = vendCredentials(
      deps,
      {
        ...call(ETL),
        identify: () => {
          identified = true;
          return principalFromArn(ETL);
        },
      },
      () => 'delivered',
    );

    await expect(result).rejects.toBe(broken);
    expect(identified).toBe(false);
    expect(audit.records).toEqual([
      {
        decision: 'denied',
        reason: 'PolicyError: The access policy is invalid; see the function log',
        requestId: 'req-1',
      },
    ]);
  });

  it('audits an invalid request as a denial with the principal and the reason', async () => {
    const { deps, call, audit } = prepare();

    await expect(
      vendCredentials(deps, call(ETL, { durationSeconds: 60 }), () => 1),
    ).rejects.toThrow(InvalidRequestError);
    expect(audit.records[0]).toMatchObject({
      decision: 'denied',
      principal: ETL,
      reason: expect.stringMatching(/^InvalidRequest: durationSeconds/),
    });
  });

  it('audits an upstream failure after a grant as denied, with the grant’s fields', async () => {
    const { deps, issuer, call, audit } = prepare();
    issuer.answer(async () => {
      throw new UpstreamError('Redshift GetClusterCredentials failed: ClusterNotFoundFault');
    });

    await expect(vendCredentials(deps, call(ETL), () => 1)).rejects.toThrow(UpstreamError);
    expect(audit.records).toEqual([
      expect.objectContaining({
        decision: 'denied',
        rule: 'etl-roles',
        dbUser: 'etl_etl-loader',
        reason: 'UpstreamError: Redshift GetClusterCredentials failed: ClusterNotFoundFault',
      }),
    ]);
  });

  it('audits as denied when delivery fails, so "issued" means the credential left', async () => {
    const { deps, call, audit } = prepare();

    const result = vendCredentials(deps, call(ETL), () => {
      throw new UpstreamError('KMS Encrypt failed: KMSInvalidStateException');
    });

    await expect(result).rejects.toThrow(UpstreamError);
    expect(audit.records.map((record) => record.decision)).toEqual(['denied']);
  });

  describe('revocations', () => {
    it('refuses a revoked caller with the generic 403, auditing the revocation’s id and reason', async () => {
      const { deps, issuer, audit, call } = prepare();
      const revoked = {
        ...deps,
        revocations: fakeRevocations(
          revocation('r-1', {
            kind: 'principal',
            principal: 'arn:aws:iam::123456789012:role/etl-*',
          }),
        ),
      };

      const result = vendCredentials(revoked, call(ETL), () => 'delivered');

      await expect(result).rejects.toMatchObject({
        code: 'AccessDenied',
        message: new AccessDeniedError('').message,
      });
      expect(issuer.requests).toEqual([]);
      expect(audit.records).toEqual([
        expect.objectContaining({
          decision: 'denied',
          principal: ETL,
          rule: 'etl-roles',
          dbUser: 'etl_etl-loader',
          reason: 'revoked r-1: compromised',
        }),
      ]);
    });

    it('issues again once a revocation’s end has passed', async () => {
      const { deps, issuer, call } = prepare();
      const expired = revocation(
        'r-2',
        { kind: 'rule', rule: 'etl-roles' },
        {
          until: new Date(Date.now() - 1_000),
        },
      );

      await vendCredentials({ ...deps, revocations: fakeRevocations(expired) }, call(ETL), () => 1);

      expect(issuer.requests).toHaveLength(1);
    });

    it('issues nothing while the revocations cannot be read, and audits why', async () => {
      const { deps, issuer, call, audit } = prepare();
      deps.revocations.unavailable();

      await expect(vendCredentials(deps, call(ETL), () => 1)).rejects.toThrow(UpstreamError);
      expect(issuer.requests).toEqual([]);
      expect(audit.records[0]?.reason).toBe('UpstreamError: revocations unavailable');
    });
  });
});
