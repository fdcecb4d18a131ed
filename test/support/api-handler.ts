/** The credentials-api handler as its unit tests run it: the SDK mocked, a policy, what a test checks. */
import {
  DescribeClustersCommand,
  GetClusterCredentialsCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'vitest';
import { REDSHIFT_PASSWORD } from '#fixtures/redshift-password.js';
import type { loadApiHandler } from '#support/lambda.js';
import { mockTargetLookups } from '#support/target-mocks.js';

export const redshiftMock = mockClient(RedshiftClient);
export const targetLookups = mockTargetLookups();
export const EXAMPLE_POLICY = 'local/policy.yaml';
// A rule whose db user is the bare ${sessionName}, as some deployments write it.
export const SESSION_NAMES_POLICY = 'test/fixtures/policies/session-names.yaml';
export const HOST = 'examplecluster.abc123.us-east-1.redshift.amazonaws.com';
export const ETL_ROLE = 'arn:aws:sts::123456789012:assumed-role/etl-loader/nightly-load-42';
export const SSO_ROLE =
  'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Analyst_0123456789abcdef';

export type Handler = Awaited<ReturnType<typeof loadApiHandler>>;

export const bodyOf = (response: APIGatewayProxyResult) =>
  JSON.parse(response.body) as Record<string, unknown>;

export function expectError(response: APIGatewayProxyResult, statusCode: number, code: string) {
  expect(response.statusCode).toBe(statusCode);
  expect(response.headers).toMatchObject({
    'Cache-Control': 'no-store',
    'Content-Type': 'application/json',
  });
  const body = bodyOf(response);
  expect(body).toEqual({
    error: { code, message: expect.any(String) },
    requestId: expect.any(String),
  });
  expect(response.body).not.toMatch(/\n\s+at |Error:|\.ts:\d/);
}

export function rejectCredentials(error: Error) {
  redshiftMock.on(GetClusterCredentialsCommand).rejects(error);
}

/** Before each test: Redshift issues what it is asked for, and the example cluster answers. */
export function answerAsRedshift(): void {
  redshiftMock.reset();
  targetLookups.reset();
  redshiftMock
    .on(GetClusterCredentialsCommand)
    .callsFake((input: { DbUser: string; AutoCreate: boolean; DurationSeconds: number }) => ({
      DbUser: `${input.AutoCreate ? 'IAMA' : 'IAM'}:${input.DbUser}`,
      DbPassword: REDSHIFT_PASSWORD,
      Expiration: new Date(Date.now() + input.DurationSeconds * 1000),
    }));
  redshiftMock
    .on(DescribeClustersCommand)
    .resolves({ Clusters: [{ Endpoint: { Address: HOST, Port: 5439 } }] });
}
