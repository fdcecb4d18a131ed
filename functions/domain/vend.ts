import type { CredentialsResult } from '../contract.js';
import { authorize, type Grant } from './authorize.js';
import { AccessDeniedError, type PolicyError, UpstreamError, VendorError } from './errors.js';
import type { Principal } from './identity.js';
import { type IssuingPorts, issueCredentials } from './issue.js';
import type { Policy } from './policy/model.js';
import type { AuditSink, Deadline, RevocationList } from './ports.js';
import { parseCredentialsRequest } from './request.js';
import { revocationOf, revokedReason } from './revocations.js';

/**
 * Issued database credentials, as the domain holds them before they go on the wire (there the
 * expiration is an ISO string). `dbPassword` must never reach a log, an error or a trace.
 */
export interface IssuedCredentials extends Omit<CredentialsResult, 'expiration' | 'requestId'> {
  readonly expiration: Date;
}

export interface VendingDependencies extends IssuingPorts {
  /** The loaded policy, or the error that kept it (or the settings) from loading. */
  readonly policy: Policy | PolicyError;
  readonly audit: AuditSink;
  readonly revocations: RevocationList;
}

export interface CredentialsCall {
  /**
   * The verified caller; throws AccessDeniedError when there is none, InvalidRequestError when
   * what should identify it is malformed.
   */
  readonly identify: () => Principal | Promise<Principal>;
  /** The request fields; may throw InvalidRequestError (a body that is not JSON). */
  readonly readRequest: () => unknown;
  readonly requestId: string;
  /** Ends the request's AWS calls when its time runs out. */
  readonly deadline?: Deadline;
}

/** A credential issued under a grant, as handed to the step that delivers it to the caller. */
export interface Issuance {
  readonly grant: Grant;
  readonly credentials: IssuedCredentials;
  /** The request's id, which the audit line carries too. */
  readonly requestId: string;
}

/**
 * The vendor's one job: identify the caller, decide its request against the policy, refuse it
 * when a revocation in force covers the grant, issue the
 * credential, let `deliver` shape it for the caller, and audit the decision either way. The
 * audit line says "issued" only once the credential is ready to leave. Throws a VendorError
 * subclass for every refusal.
 */
export async function vendCredentials<Delivered>(
  deps: VendingDependencies,
  call: CredentialsCall,
  deliver: (issuance: Issuance) => Delivered | Promise<Delivered>,
): Promise<Delivered> {
  const { requestId } = call;
  let principal: Principal | undefined;
  let grant: Grant | undefined;
  try {
    if (deps.policy instanceof VendorError) throw deps.policy;
    principal = await call.identify();
    const request = parseCredentialsRequest(call.readRequest());
    grant = authorize(deps.policy, principal, request);
    const revoked = revocationOf(
      await deps.revocations.current(call.deadline),
      principal,
      grant,
      new Date(),
    );
    if (revoked) throw new AccessDeniedError(revokedReason(revoked), grant.rule);
    const credentials = await issueCredentials(deps, grant, undefined, call.deadline);
    const delivered = await deliver({ grant, credentials, requestId });
    deps.audit({
      decision: 'issued',
      ...grantFields(grant),
      principal: principal.arn,
      dbUser: credentials.dbUser,
      expiration: credentials.expiration.toISOString(),
      requestId,
    });
    return delivered;
  } catch (error) {
    deps.audit({
      decision: 'denied',
      ...(grant && grantFields(grant)),
      ...(principal && { principal: principal.arn }),
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
  if (error instanceof UpstreamError && error.detail !== undefined) {
    return `${error.code}: ${error.message} (${error.detail})`;
  }
  if (error instanceof VendorError) return `${error.code}: ${error.message}`;
  return 'InternalError';
}
