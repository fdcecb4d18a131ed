import { GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent } from '#commons/api-gateway.js';
import { REDSHIFT_PASSWORD } from '#fixtures/redshift-password.js';
import {
  answerAsRedshift,
  bodyOf,
  ETL_ROLE,
  EXAMPLE_POLICY,
  expectError,
  type Handler,
  redshiftMock,
  rejectCredentials,
  SSO_ROLE,
} from '#support/api-handler.js';
import { type CapturedOutput, captureOutput, loadApiHandler, restEvent } from '#support/lambda.js';
import { redshiftFaults } from '#support/redshift-faults.js';

describe('credentials-api handler', () => {
  let handle: Handler;
  let output: CapturedOutput;
  const auditLines = () =>
    output.logLines().filter((line) => line.message === 'Credential decision');

  beforeEach(async () => {
    answerAsRedshift();
    output = captureOutput();
    handle = await loadApiHandler(EXAMPLE_POLICY);
  });

  describe('error table', () => {
    it.each([
      ['malformed JSON', '{"target": '],
      ['a body that is not an object', '[1, 2]'],
      ['a JSON null body', 'null'],
      ['a wrong type', { dbGroups: 'etl_rw' }],
      ['a fractional duration', { durationSeconds: 1000.5 }],
      ['an unknown field', { target: 'analytics', role: 'admin' }],
      [
        'a forged requestContext in the body',
        { requestContext: { identity: { userArn: SSO_ROLE } } },
      ],
      ['a __proto__ key', '{"__proto__": {"admin": true}}'],
      ['a duration below 900', { durationSeconds: 899 }],
      ['a duration above 3600', { durationSeconds: 3601 }],
      ['a repeated group', { dbGroups: ['etl_rw', 'etl_rw'] }],
    ])('400 InvalidRequest for %s', async (_, body) => {
      const response = await handle(restEvent(ETL_ROLE, body));

      expectError(response, 400, 'InvalidRequest');
      expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
    });

    it('400 InvalidRequest naming the field a misspelt one probably meant', async () => {
      const response = await handle(restEvent(ETL_ROLE, { durationSecond: 1800 }));

      expectError(response, 400, 'InvalidRequest');
      expect(JSON.parse(response.body).error.message).toBe(
        'unknown field durationSecond (did you mean durationSeconds?)',
      );
    });

    it('400 InvalidRequest for a duration above the rule maximum', async () => {
      handle = await loadApiHandler('test/fixtures/policies/integration.yaml');

      const response = await handle(
        restEvent('arn:aws:iam::123456789012:user/services/reporting-daily', {
          target: 'analytics',
          durationSeconds: 3600,
        }),
      );

      expectError(response, 400, 'InvalidRequest');
      expect(bodyOf(response).error).toMatchObject({
        message: 'durationSeconds must be between 900 and 1800',
      });
    });

    it('reads a base64-encoded body', async () => {
      const event = restEvent(ETL_ROLE);
      const encoded = {
        ...event,
        isBase64Encoded: true,
        body: Buffer.from('{"durationSeconds": 899}').toString('base64'),
      };

      expectError(await handle(encoded), 400, 'InvalidRequest');
    });

    it.each([
      ['no IAM identity', restEvent(undefined)],
      ['a deny rule', restEvent('arn:aws:iam::123456789012:user/alice')],
      ['the account root', restEvent('arn:aws:iam::123456789012:root')],
      ['a federated user', restEvent('arn:aws:sts::123456789012:federated-user/alice')],
      ['a target not allowed', restEvent(ETL_ROLE, { target: 'finance' })],
      ['a database not allowed', restEvent(ETL_ROLE, { database: 'dev' })],
      ['a group not allowed', restEvent(ETL_ROLE, { dbGroups: ['etl_rw', 'admins'] })],
    ])('403 AccessDenied for %s, without calling Redshift', async (_, event) => {
      const response = await handle(event);

      expectError(response, 403, 'AccessDenied');
      expect(bodyOf(response).error).toMatchObject({
        message: expect.not.stringMatching(/analytics|finance|etl-roles|nobody-else|exampledb/),
      });
      expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
    });

    it('429 Throttled with Retry-After when Redshift keeps throttling', async () => {
      rejectCredentials(redshiftFaults.throttling());

      const response = await handle(restEvent(ETL_ROLE));

      expectError(response, 429, 'Throttled');
      expect(Number(response.headers?.['Retry-After'])).toBeGreaterThan(0);
    });

    it.each([
      ['cluster not found', redshiftFaults.clusterNotFound()],
      ['unsupported operation', redshiftFaults.unsupportedOperation()],
      ['access denied to the vendor', redshiftFaults.accessDenied()],
    ])('502 UpstreamError when Redshift reports %s', async (_, error) => {
      rejectCredentials(error);

      expectError(await handle(restEvent(ETL_ROLE)), 502, 'UpstreamError');
    });

    it('502 UpstreamError for a reply without a password', async () => {
      redshiftMock
        .on(GetClusterCredentialsCommand)
        .resolves({ DbUser: 'IAMA:etl_etl-loader', Expiration: new Date(Date.now() + 900_000) });

      expectError(await handle(restEvent(ETL_ROLE)), 502, 'UpstreamError');
    });

    it('500 PolicyError for every request while the policy is invalid, the log naming file, rule and field', async () => {
      handle = await loadApiHandler('test/fixtures/policies/invalid-session-name.yaml');

      const responses = [
        await handle(restEvent(ETL_ROLE)),
        await handle(restEvent('arn:aws:iam::123456789012:user/alice')),
        await handle(restEvent(undefined)),
      ];

      for (const response of responses) expectError(response, 500, 'PolicyError');
      expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
      expect(output).toHaveLogged({
        level: 'ERROR',
        file: 'test/fixtures/policies/invalid-session-name.yaml',
        rule: '#1 sso-analysts',
        field: 'rules[1].dbUser',
      });
    });

    it('500 PolicyError for every request while a setting is invalid, the log naming the variable', async () => {
      process.env.TASK_OUTPUT_KEY_ID = 'not a key';
      try {
        handle = await loadApiHandler(EXAMPLE_POLICY);
      } finally {
        delete process.env.TASK_OUTPUT_KEY_ID;
      }

      const response = await handle(restEvent(ETL_ROLE));

      expectError(response, 500, 'PolicyError');
      expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
      expect(output).toHaveLogged({
        level: 'ERROR',
        message: 'Function settings invalid; refusing every request',
        file: '(environment)',
        field: 'TASK_OUTPUT_KEY_ID',
      });
    });

    it.each([
      ['another API', { apiId: 'zz9yy8xx7w' }],
      ['another stage of the same API', { stage: 'test' }],
      ['no API at all', { apiId: undefined, stage: undefined }],
    ])(
      '403 for an event from %s (a direct invoke), without calling Redshift',
      async (_, source) => {
        const event = restEvent(ETL_ROLE) as APIGatewayProxyEvent;
        const forged = { ...event, requestContext: { ...event.requestContext, ...source } };

        expectError(await handle(forged as ApiEvent), 403, 'AccessDenied');

        expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
        expect(auditLines()).toEqual([
          expect.objectContaining({
            decision: 'denied',
            reason: 'the event does not come from the API stage this function serves',
          }),
        ]);
      },
    );

    it('500 PolicyError when a target’s cluster is not one the deployment grants, naming it', async () => {
      process.env.GRANTED_CLUSTERS = 'prod-dwh';
      try {
        handle = await loadApiHandler(EXAMPLE_POLICY);
      } finally {
        delete process.env.GRANTED_CLUSTERS;
      }

      expectError(await handle(restEvent(ETL_ROLE)), 500, 'PolicyError');
      expect(output).toHaveLogged({
        level: 'ERROR',
        field: 'targets.analytics.clusterIdentifier',
        problem: expect.stringContaining('"examplecluster" is not one the deployment grants'),
      });
    });

    it('500 InternalError, without detail, for a fault nobody expected', async () => {
      const { logger } = await import('#commons/logger.js');
      const fault = new TypeError('audit sink is broken');
      vi.spyOn(logger, 'info').mockImplementation((...args) => {
        if (args[0] === 'Credential decision') throw fault;
      });

      const response = await handle(restEvent(ETL_ROLE));

      expectError(response, 500, 'InternalError');
      expect(bodyOf(response).error).toEqual({ code: 'InternalError', message: 'Internal error' });
      expect(response.body).not.toContain(REDSHIFT_PASSWORD);
    });
  });
});
