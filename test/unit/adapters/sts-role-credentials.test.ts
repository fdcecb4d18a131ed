import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import { AssumeRoleCommand, STSServiceException } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { ThrottledError, UpstreamError } from '#domain/errors.js';

import {
  assumedRoleExpiringIn,
  redshiftMock as elsewhereRedshiftMock,
  finance,
  HOUR,
  prepare,
  ROLE,
  stsMock,
  useTargetsElsewhere,
} from '#support/targets-elsewhere-ports.js';

describe('stsRoleCredentials, for a cluster reached through a role', () => {
  useTargetsElsewhere();

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
    expect(elsewhereRedshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
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
});
