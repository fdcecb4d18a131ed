import type { APIGatewayProxyResult } from 'aws-lambda';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { ApiEvent } from '#commons/api-gateway.js';
import { EXAMPLE_WORKGROUP } from '#local/redshift-serverless-stub.js';
import { loadBundledHandler } from '#support/bundled-handler.js';
import { financeHosts } from '#support/finance-account.js';
import { captureOutput, lambdaContext, restEvent } from '#support/lambda.js';

// The bundled credentials-api reaching each kind of target: moto_server plays Redshift and STS
// (with a separate account for each assumed role), a local stub plays Redshift Serverless.
type BundledHandler = (
  event: ApiEvent,
  context: typeof lambdaContext,
) => Promise<APIGatewayProxyResult>;

const REPORTING_USER = 'arn:aws:iam::123456789012:user/services/reporting-daily';
let handler: BundledHandler;

const call = async (target: string) => {
  const response = await handler(restEvent(REPORTING_USER, { target }), lambdaContext);
  return {
    statusCode: response.statusCode,
    body: JSON.parse(response.body) as Record<string, unknown>,
  };
};

beforeAll(async () => {
  process.env.AWS_ENDPOINT_URL = inject('motoEndpoint');
  process.env.AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS = inject('serverlessEndpoint');
  process.env.POLICY_FILE = 'test/fixtures/policies/targets.yaml';
  handler = await loadBundledHandler<BundledHandler>('credentials-api');
});

beforeEach(() => {
  captureOutput();
});

describe('bundled credentials-api and the kinds of target', () => {
  it('issues for a Serverless workgroup, with the workgroup’s endpoint and name', async () => {
    const { statusCode, body } = await call('lake');

    expect(statusCode).toBe(200);
    expect(body).toMatchObject({
      dbUser: 'IAM:reporting',
      target: 'lake',
      workgroupName: 'lake-wg',
      database: 'dev',
      host: EXAMPLE_WORKGROUP.address,
      port: EXAMPLE_WORKGROUP.port,
    });
    expect(body).not.toHaveProperty('clusterIdentifier');
  });

  it('issues for a cluster in another account and region through its role, never the same-named cluster at home', async () => {
    const hosts = await financeHosts(inject('motoEndpoint'));

    const { statusCode, body } = await call('finance');

    expect(statusCode).toBe(200);
    expect(hosts.finance).not.toBe(hosts.decoy);
    expect(body).toMatchObject({
      dbUser: 'IAM:reporting',
      clusterIdentifier: 'finance-dwh',
      host: hosts.finance,
    });
  });

  it('still issues for a provisioned cluster at home', async () => {
    const { statusCode, body } = await call('analytics');

    expect(statusCode).toBe(200);
    expect(body).toMatchObject({ clusterIdentifier: 'examplecluster' });
  });
});
