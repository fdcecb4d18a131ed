import type { RedshiftClient } from '@aws-sdk/client-redshift';
import { authorize, type Grant } from './authorize.js';
import type { ClusterEndpoints } from './cluster-endpoints.js';
import { AccessDeniedError, type PolicyError, VendorError } from './errors.js';
import { principalFromArn } from './identity.js';
import { type IssuedCredentials, issueCredentials } from './issue.js';
import type { Policy } from './policy.js';
import { parseCredentialsRequest } from './request.js';

/** One audit line per request (DESIGN.md, "Logging and audit"). Never carries the password. */
export interface AuditRecord {
  readonly decision: 'issued' | 'denied';
  readonly principal?: string;
  readonly rule?: string;
  readonly dbUser?: string;
  readonly dbGroups?: readonly string[];
  readonly target?: string;
  readonly database?: string;
  readonly durationSeconds?: number;
  readonly expiration?: string;
  readonly reason?: string;
  readonly requestId: string;
}

export interface VendingDependencies {
  /** The loaded policy, or the error that kept it from loading (then every request fails). */
  readonly policy: Policy | PolicyError;
  readonly redshift: RedshiftClient;
  readonly endpoints: ClusterEndpoints;
  readonly audit: (record: AuditRecord) => void;
}

export interface CredentialsCall {
  /** The caller ARN the platform verified, or undefined when the request carries none. */
  readonly callerArn: string | undefined;
  /** The request fields; may throw InvalidRequestError (a body that is not JSON). */
  readonly readRequest: () => unknown;
  readonly requestId: string;
}

/**
 * The vendor's one job: decide a caller's request against the policy, issue the credential, and
 * audit the decision either way. Throws a VendorError subclass for every refusal.
 */
export async function vendCredentials(
  deps: VendingDependencies,
  call: CredentialsCall,
): Promise<IssuedCredentials> {
  const { requestId } = call;
  let grant: Grant | undefined;
  try {
    if (deps.policy instanceof VendorError) throw deps.policy;
    if (!call.callerArn) throw new AccessDeniedError('the request carries no IAM identity');
    const principal = principalFromArn(call.callerArn);
    const request = parseCredentialsRequest(call.readRequest());
    grant = authorize(deps.policy, principal, request);
    const credentials = await issueCredentials(deps.redshift, deps.endpoints, grant);
    deps.audit({
      decision: 'issued',
      ...grantFields(grant),
      principal: principal.arn,
      dbUser: credentials.dbUser,
      expiration: credentials.expiration.toISOString(),
      requestId,
    });
    return credentials;
  } catch (error) {
    deps.audit({
      decision: 'denied',
      ...(grant && grantFields(grant)),
      ...(call.callerArn && { principal: call.callerArn }),
      ...(error instanceof AccessDeniedError && error.rule !== undefined && { rule: error.rule }),
      reason: denialReason(error),
      requestId,
    });
    throw error;
  }
}

const grantFields = (grant: Grant) => ({
  rule: grant.rule,
  dbUser: grant.dbUser,
  dbGroups: grant.dbGroups,
  target: grant.target.name,
  database: grant.database,
  durationSeconds: grant.durationSeconds,
});

function denialReason(error: unknown): string {
  if (error instanceof AccessDeniedError) return error.reason;
  if (error instanceof VendorError) return `${error.code}: ${error.message}`;
  return 'InternalError';
}
