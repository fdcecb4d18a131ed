import type { CredentialsRequest } from '../contract.js';
import { AccessDeniedError, InvalidRequestError } from './errors.js';
import type { Principal } from './identity.js';
import { isSystemUser, nameProblem } from './names.js';
import { MIN_DURATION_SECONDS, type Policy } from './policy/model.js';
import type { Target } from './targets.js';

/** What the policy allows this caller for this request: the input of GetClusterCredentials. */
export interface Grant {
  readonly rule: string;
  readonly target: Target;
  readonly database: string;
  readonly dbUser: string;
  readonly dbGroups: readonly string[];
  readonly durationSeconds: number;
  readonly autoCreate: boolean;
}

/** The audit reason of every refusal to issue a protected (admin, system or listed) user. */
export const PROTECTED_USER = 'protected database user';

/**
 * Decides a request: the first rule whose principals match decides; no rule, or a deny rule,
 * denies. Throws AccessDeniedError (with the reason for the audit log) or InvalidRequestError.
 */
export function authorize(
  policy: Policy,
  principal: Principal,
  request: CredentialsRequest,
): Grant {
  const rule = policy.ruleFor(principal);
  if (rule === undefined) throw new AccessDeniedError('no rule matches the principal');
  if (rule.effect === 'deny') throw new AccessDeniedError('a deny rule matches', rule.name);
  const deny = (reason: string) => new AccessDeniedError(reason, rule.name);

  let target: Target | undefined;
  if (request.target !== undefined) {
    target = rule.targets.get(request.target);
    if (target === undefined) throw deny(`target "${request.target}" is not allowed`);
  } else if (rule.targets.size === 1) {
    target = rule.targets.values().next().value;
  }
  if (target === undefined) {
    throw new InvalidRequestError('target is required: several are allowed');
  }

  const database = request.database ?? target.database;
  const allowedDatabases = rule.databases ?? [target.database];
  if (!allowedDatabases.includes(database)) throw deny(`database "${database}" is not allowed`);

  const dbGroups = request.dbGroups ?? rule.dbGroups;
  const refused = dbGroups.find((group) => !rule.dbGroups.includes(group));
  if (refused !== undefined) throw deny(`group "${refused}" is not allowed`);

  const durationSeconds = request.durationSeconds ?? MIN_DURATION_SECONDS;
  if (durationSeconds < MIN_DURATION_SECONDS || durationSeconds > rule.maxDurationSeconds) {
    throw new InvalidRequestError(
      `durationSeconds must be between ${MIN_DURATION_SECONDS} and ${rule.maxDurationSeconds}`,
    );
  }

  const rendered = rule.dbUser.render(principal.variables);
  if ('missing' in rendered) {
    throw deny(
      `dbUser template needs \${${rendered.missing}}, which a ${principal.kind} principal lacks`,
    );
  }
  const problem = nameProblem('dbUser', rendered.name);
  if (problem) throw deny(`rendered dbUser "${rendered.name}" ${problem}`);
  if (isSystemUser(rendered.name) || policy.protectedDbUsers.has(rendered.name)) {
    throw deny(PROTECTED_USER);
  }

  return {
    rule: rule.name,
    target,
    database,
    dbUser: rendered.name,
    dbGroups,
    durationSeconds,
    autoCreate: rule.autoCreate,
  };
}
