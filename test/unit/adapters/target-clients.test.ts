import { GetClusterCredentialsCommand, type RedshiftClient } from '@aws-sdk/client-redshift';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';

import {
  redshiftMock as elsewhereRedshiftMock,
  finance,
  prepare,
  ROLE,
  stsMock,
  useTargetsElsewhere,
} from '#support/targets-elsewhere-ports.js';

describe('targetClients, for a cluster in another account and region', () => {
  useTargetsElsewhere();

  it('calls Redshift in the target’s region with the role’s assumed credentials', async () => {
    const { issue, created } = prepare();

    const credentials = await issue(finance);

    const assume = stsMock.commandCalls(AssumeRoleCommand)[0]?.args[0].input;
    expect(assume).toEqual({
      RoleArn: ROLE,
      RoleSessionName: 'redshift-credential-vendor',
      ExternalId: 'finance-2026',
    });
    const call = elsewhereRedshiftMock.commandCalls(GetClusterCredentialsCommand)[0];
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

  it('reuses one Redshift client per region and role', async () => {
    const { issue, created } = prepare();

    await issue(finance);
    await issue({ ...finance, name: 'finance-again' });
    await issue({ ...finance, name: 'finance-us', region: 'us-west-2' });

    expect(created.map((options) => options.region)).toEqual(['eu-west-1', 'us-west-2']);
  });
});
