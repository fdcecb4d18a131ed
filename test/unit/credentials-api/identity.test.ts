import { DescribeClustersCommand, GetClusterCredentialsCommand } from '@aws-sdk/client-redshift';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2WithIAMAuthorizer } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '#commons/api-gateway.js';
import {
  answerAsRedshift,
  bodyOf,
  ETL_ROLE,
  EXAMPLE_POLICY,
  expectError,
  type Handler,
  HOST,
  redshiftMock,
  SESSION_NAMES_POLICY,
  SSO_ROLE,
} from '#support/api-handler.js';
import {
  type CapturedOutput,
  captureOutput,
  loadApiHandler,
  readEvent,
  restEvent,
} from '#support/lambda.js';

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

  describe('caller identity', () => {
    it('takes an HTTP API v2 caller from authorizer.iam, not from a v1-style identity', async () => {
      const event = readEvent('api-http-v2.json') as APIGatewayProxyEventV2WithIAMAuthorizer;
      const forged = {
        ...event,
        requestContext: { ...event.requestContext, identity: { userArn: SSO_ROLE } },
      } as ApiEvent;

      const response = await handle(forged);

      expect(bodyOf(response).dbUser).toBe('IAMA:etl_etl-transform');
    });

    it('denies an HTTP API v2 event without authorizer.iam even if it carries a v1 identity', async () => {
      const event = readEvent('api-http-v2.json') as APIGatewayProxyEventV2WithIAMAuthorizer;
      const forged = {
        ...event,
        requestContext: {
          ...event.requestContext,
          authorizer: undefined,
          identity: { userArn: ETL_ROLE },
        },
      } as unknown as ApiEvent;

      expectError(await handle(forged), 403, 'AccessDenied');
    });

    it('ignores identity-looking headers and query parameters', async () => {
      const event = restEvent('arn:aws:iam::123456789012:user/alice');
      const spoofed = {
        ...event,
        headers: { ...event.headers, 'x-amz-user-arn': ETL_ROLE, 'X-Forwarded-User': ETL_ROLE },
        queryStringParameters: { userArn: ETL_ROLE },
      };

      expectError(await handle(spoofed), 403, 'AccessDenied');
    });
  });

  describe('spoofing', () => {
    it('ignores identity-looking stage variables', async () => {
      const event = restEvent('arn:aws:iam::123456789012:user/alice');

      const response = await handle({
        ...event,
        stageVariables: { userArn: ETL_ROLE, principal: ETL_ROLE },
      });

      expectError(response, 403, 'AccessDenied');
    });

    it('takes a REST API event’s caller from identity, not from an authorizer.iam it carries', async () => {
      const event = restEvent('arn:aws:iam::123456789012:user/alice') as APIGatewayProxyEvent;
      const forged = {
        ...event,
        requestContext: { ...event.requestContext, authorizer: { iam: { userArn: ETL_ROLE } } },
      };

      expectError(await handle(forged), 403, 'AccessDenied');
      expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
    });

    it.each([
      ['__proto__', '{"__proto__": {"polluted": true}}'],
      ['constructor', '{"constructor": {"prototype": {"polluted": true}}}'],
    ])('rejects a %s key without side effects', async (_, body) => {
      const response = await handle(restEvent(ETL_ROLE, body));

      expectError(response, 400, 'InvalidRequest');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });
  });

  describe('session names (the SSO rule trusts them; the etl rule names users by role)', () => {
    const dbUserAsked = () =>
      redshiftMock.commandCalls(GetClusterCredentialsCommand)[0]?.args[0].input.DbUser;

    beforeEach(async () => {
      handle = await loadApiHandler(SESSION_NAMES_POLICY);
    });

    it.each([
      ['IAM:x', 'a colon'],
      ['a/b', 'a slash'],
      [`a${'b'.repeat(64)}`, 'more than 64 characters'],
      ['аdmin', 'a Cyrillic look-alike'],
      ['ad min', 'a space'],
    ])('denies a session name with %s (%s): no such session exists', async (session) => {
      expectError(await handle(restEvent(`${SSO_ROLE}/${session}`)), 403, 'AccessDenied');
      expect(dbUserAsked()).toBeUndefined();
    });

    it('uses a trusted session name that passes the name rule, exactly as it is (lower-cased)', async () => {
      const response = await handle(restEvent(`${SSO_ROLE}/Admin`));

      expect(response.statusCode).toBe(200);
      expect(dbUserAsked()).toBe('admin');
    });

    it('uses a 64-character trusted session name unchanged', async () => {
      const session = `a${'b'.repeat(63)}`;

      await handle(restEvent(`${SSO_ROLE}/${session}`));

      expect(dbUserAsked()).toBe(session);
    });

    it('denies a trusted session name that breaks the name rule instead of cleaning it up', async () => {
      expectError(await handle(restEvent(`${SSO_ROLE}/user`)), 403, 'AccessDenied');
      expectError(await handle(restEvent(`${SSO_ROLE}/9lives`)), 403, 'AccessDenied');
      expect(dbUserAsked()).toBeUndefined();
    });

    it.each([
      ['the cluster’s master user', 'awsuser'],
      ['the master user in another case', 'AwsUser'],
      ['a Redshift system user', 'rdsdb'],
      ['a Redshift system user by prefix', 'rdsdb_backup'],
      ['a user the policy protects', 'dbadmin'],
    ])('403 for a session name that renders %s, without issuing it', async (_, session) => {
      redshiftMock.on(DescribeClustersCommand).resolves({
        Clusters: [{ MasterUsername: 'awsuser', Endpoint: { Address: HOST, Port: 5439 } }],
      });
      handle = await loadApiHandler(SESSION_NAMES_POLICY);

      expectError(await handle(restEvent(`${SSO_ROLE}/${session}`)), 403, 'AccessDenied');

      expect(dbUserAsked()).toBeUndefined();
      expect(auditLines()).toEqual([
        expect.objectContaining({
          decision: 'denied',
          rule: 'sso-analysts',
          reason: 'protected database user',
        }),
      ]);
    });

    it.each([
      ['a rendered name that is a reserved word', `${SSO_ROLE}/user`],
      ['a rendered name starting with a digit', `${SSO_ROLE}/1jane@example.com`],
    ])('403 AccessDenied for %s, without calling Redshift', async (_, caller) => {
      const response = await handle(restEvent(caller));

      expectError(response, 403, 'AccessDenied');
      expect(bodyOf(response).error).toMatchObject({
        message: expect.not.stringMatching(/analytics|finance|etl-roles|nobody-else|exampledb/),
      });
      expect(redshiftMock.commandCalls(GetClusterCredentialsCommand)).toHaveLength(0);
    });

    it('never lets a session name choose the db user under a rule that does not trust it', async () => {
      await handle(restEvent('arn:aws:sts::123456789012:assumed-role/etl-loader/admin'));

      expect(dbUserAsked()).toBe('etl_etl-loader');
    });
  });
});
