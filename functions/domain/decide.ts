import type { ErrorCode } from '../contract.js';
import { authorize, type Grant } from './authorize.js';
import { AccessDeniedError, VendorError } from './errors.js';
import type { Principal } from './identity.js';
import type { Policy } from './policy/model.js';
import { parseCredentialsRequest } from './request.js';

/** The policy's answer to one caller and request, before Redshift is asked anything. */
export type Decision =
  | { readonly decision: 'issued'; readonly grant: Grant }
  | {
      readonly decision: 'denied';
      readonly code: ErrorCode;
      readonly reason: string;
      readonly rule?: string;
    };

/**
 * Decides a request exactly as the functions do (the same request schema and authorize), without
 * calling AWS: what `npm run policy -- explain` and `test` report. The target's admin user, which
 * only Redshift knows, is the one refusal this cannot foresee.
 */
export function decide(policy: Policy, principal: Principal, request: unknown): Decision {
  try {
    return {
      decision: 'issued',
      grant: authorize(policy, principal, parseCredentialsRequest(request)),
    };
  } catch (error) {
    if (!(error instanceof VendorError)) throw error;
    return {
      decision: 'denied',
      code: error.code,
      reason: error instanceof AccessDeniedError ? error.reason : error.message,
      ...(error instanceof AccessDeniedError && error.rule !== undefined && { rule: error.rule }),
    };
  }
}
