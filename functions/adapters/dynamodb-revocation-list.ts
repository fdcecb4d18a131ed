import type { DynamoDBProvider } from '@aws-lambda-powertools/parameters/dynamodb';
import { UpstreamError } from '../domain/errors.js';
import type { Deadline, RevocationList } from '../domain/ports.js';
import { parseRevocations, REVOCATIONS_KEY, type Revocation } from '../domain/revocations.js';
import { beforeDeadline } from './request-deadline.js';

/** How long a read of the revocations serves: fresh, and while the table cannot be read. */
export interface RevocationReading {
  readonly maxAgeSeconds: number;
  readonly staleSeconds: number;
}

/** The audit reason (and caller message) when the revocations cannot be known. */
export const REVOCATIONS_UNAVAILABLE = 'revocations unavailable';

/**
 * The revocations kept in DynamoDB, read through Powertools Parameters' provider (one Query of
 * the `revocations` partition, strongly consistent, every page) and kept for `maxAgeSeconds`.
 * The freshness is kept here rather than in the provider's cache, which does not keep an empty
 * result: with nothing revoked, which is the usual state, every request would read the table.
 * When a read fails, the last successful one serves until it is `staleSeconds` old; after that,
 * or when no read ever succeeded, every request fails with an UpstreamError: a vendor that
 * cannot know what is revoked issues nothing. A malformed item is a PolicyError naming it, on
 * every read until it is fixed.
 */
export function dynamoDbRevocationList(
  provider: Pick<DynamoDBProvider, 'getMultiple'>,
  reading: RevocationReading,
  now: () => number = Date.now,
): RevocationList {
  let last: { readonly revocations: readonly Revocation[]; readonly readAt: number } | undefined;
  const ageMs = (read: { readonly readAt: number }) => now() - read.readAt;
  return {
    async current(deadline?: Deadline) {
      if (last !== undefined && ageMs(last) < reading.maxAgeSeconds * 1000) return last.revocations;
      let values: Record<string, unknown> | undefined;
      try {
        values = await beforeDeadline(
          provider.getMultiple(REVOCATIONS_KEY, {
            forceFetch: true,
            sdkOptions: { ConsistentRead: true },
          }),
          deadline,
        );
      } catch (error) {
        if (last !== undefined && ageMs(last) <= reading.staleSeconds * 1000) {
          return last.revocations;
        }
        throw new UpstreamError(REVOCATIONS_UNAVAILABLE, {
          cause: error,
          detail: `DynamoDB Query failed: ${errorName(error)}`,
        });
      }
      last = { revocations: parseRevocations(values ?? {}), readAt: now() };
      return last.revocations;
    },
  };
}

/** The SDK error's name, under the provider's GetParameterError wrapping. */
function errorName(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.name : 'unknown error';
}

/** For a function deployed without a revocations table: nothing is revoked. */
export const noRevocations: RevocationList = { current: async () => [] };
