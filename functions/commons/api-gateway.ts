import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2WithIAMAuthorizer,
  APIGatewayProxyResult,
  Context,
} from 'aws-lambda';
import type { CredentialsResult, ErrorBody } from '../contract.js';
import {
  AccessDeniedError,
  InternalError,
  InvalidRequestError,
  ThrottledError,
  VendorError,
} from '../domain/errors.js';
import { type Principal, principalFromArn } from '../domain/identity.js';
import type { Issuance } from '../domain/vend.js';
import type { ApiSource } from './settings.js';

/** A REST API (v1) or HTTP API (payload v2) event from an API with AWS_IAM authorization. */
export type ApiEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2WithIAMAuthorizer;

const isHttpApiEvent = (event: ApiEvent): event is APIGatewayProxyEventV2WithIAMAuthorizer =>
  'version' in event && event.version === '2.0';

/**
 * The caller ARN API Gateway verified from the SigV4 signature. Only the request context of the
 * event's own format is read (v2: authorizer.iam, v1: identity), never headers, query or body.
 */
export function callerArnOf(event: ApiEvent): string | undefined {
  const arn = isHttpApiEvent(event)
    ? event.requestContext?.authorizer?.iam?.userArn
    : event.requestContext?.identity?.userArn;
  return typeof arn === 'string' && arn.length > 0 ? arn : undefined;
}

/**
 * The verified caller as a principal. An event that does not name the API and stage this
 * function serves did not come through API Gateway's signature check (anyone allowed to invoke
 * the function could have built it), and a request without an IAM identity is denied.
 */
export function callerPrincipal(event: ApiEvent, api: ApiSource | undefined): Principal {
  const { apiId, stage } = event.requestContext ?? {};
  if (api === undefined || apiId !== api.apiId || stage !== api.stage) {
    throw new AccessDeniedError('the event does not come from the API stage this function serves');
  }
  const arn = callerArnOf(event);
  if (arn === undefined) throw new AccessDeniedError('the request carries no IAM identity');
  return principalFromArn(arn);
}

/** API Gateway's request id (what the caller sees), else the Lambda request id. */
export function requestIdOf(event: ApiEvent, context: Pick<Context, 'awsRequestId'>): string {
  const id = event.requestContext?.requestId;
  return typeof id === 'string' && id.length > 0 ? id : context.awsRequestId;
}

/** Decodes the JSON body; an absent or empty body is `{}`. */
export function readJsonBody(event: ApiEvent): unknown {
  const raw = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new InvalidRequestError('The body is not valid JSON');
  }
}

const HEADERS = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

/** 200 with the credential, `Cache-Control: no-store`. */
export function credentialsResponse({
  credentials,
  requestId,
}: Pick<Issuance, 'credentials' | 'requestId'>): APIGatewayProxyResult {
  const result: CredentialsResult = {
    ...credentials,
    expiration: credentials.expiration.toISOString(),
    requestId,
  };
  return { statusCode: 200, headers: HEADERS, body: JSON.stringify(result) };
}

/** The one place errors become responses: stable code, safe message, never a stack trace. */
export function errorResponse(error: unknown, requestId: string): APIGatewayProxyResult {
  const vendorError = error instanceof VendorError ? error : new InternalError({ cause: error });
  const headers: Record<string, string> = { ...HEADERS };
  if (vendorError instanceof ThrottledError) {
    headers['Retry-After'] = String(vendorError.retryAfterSeconds);
  }
  const body: ErrorBody = {
    error: { code: vendorError.code, message: vendorError.message },
    requestId,
  };
  return { statusCode: vendorError.statusCode, headers, body: JSON.stringify(body) };
}
