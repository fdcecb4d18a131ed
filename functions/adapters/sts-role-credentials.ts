import type { AssumeRoleCommandOutput, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { UpstreamError } from '../domain/errors.js';
import type { Deadline } from '../domain/ports.js';
import { beforeDeadline } from './request-deadline.js';
import { upstreamFailure } from './upstream-failure.js';

/** A role in another account (or the same one) the vendor assumes to reach a target. */
export interface TargetRole {
  readonly roleArn: string;
  readonly externalId?: string;
}

/** Credentials of a role, fresh for at least the reuse margin. */
export type RoleCredentials = (
  role: TargetRole,
  deadline?: Deadline,
) => Promise<AwsCredentialIdentity>;

/** The session name every AssumeRole of the vendor uses, for the target account's CloudTrail. */
export const ROLE_SESSION_NAME = 'redshift-credential-vendor';
/** Assumed credentials are reused until this long before they expire. */
export const REUSE_MARGIN_MS = 5 * 60_000;

/**
 * Assumes target roles with STS AssumeRole (session `redshift-credential-vendor`, the target's
 * external id). Each role's credentials are reused until 5 minutes before they expire; callers
 * asking while an AssumeRole is in flight share it; a failure is not kept. The STS client is
 * created on first use, so a policy without roles never loads it.
 */
export function stsRoleCredentials(
  stsClient: () => Promise<STSClient>,
  now: () => number = Date.now,
): RoleCredentials {
  const assumed = new Map<string, Promise<AwsCredentialIdentity>>();
  const assume = async (
    { roleArn, externalId }: TargetRole,
    deadline: Deadline,
  ): Promise<AwsCredentialIdentity> => {
    const sts = await stsClient();
    const { AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    let reply: AssumeRoleCommandOutput;
    try {
      reply = await beforeDeadline(
        sts.send(
          new AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: ROLE_SESSION_NAME,
            ...(externalId !== undefined && { ExternalId: externalId }),
          }),
        ),
        deadline,
      );
    } catch (error) {
      throw upstreamFailure('AssumeRole', error, 'STS', `role ${roleArn}`);
    }
    const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = reply?.Credentials ?? {};
    if (!AccessKeyId || !SecretAccessKey || !SessionToken || !(Expiration instanceof Date)) {
      throw new UpstreamError('STS AssumeRole returned incomplete credentials', {
        detail: `role ${roleArn}`,
      });
    }
    return {
      accessKeyId: AccessKeyId,
      secretAccessKey: SecretAccessKey,
      sessionToken: SessionToken,
      expiration: Expiration,
    };
  };

  return async (role, deadline) => {
    const key = `${role.roleArn}|${role.externalId ?? ''}`;
    const cached = assumed.get(key);
    if (cached !== undefined) {
      const credentials = await cached.catch(() => undefined);
      const expiresAt = credentials?.expiration?.getTime() ?? 0;
      if (credentials && expiresAt - REUSE_MARGIN_MS > now()) return credentials;
      // Another caller may already have replaced the stale entry: share theirs.
      const current = assumed.get(key);
      if (current !== undefined && current !== cached) return current;
    }
    const pending = assume(role, deadline);
    assumed.set(key, pending);
    pending.catch(() => {
      if (assumed.get(key) === pending) assumed.delete(key);
    });
    return pending;
  };
}
