import { dynamoDbRevocationList } from '../../functions/adapters/dynamodb-revocation-list.js';
import type { Grant } from '../../functions/domain/authorize.js';
import { principalFromArn } from '../../functions/domain/identity.js';
import { type Revocation, revocationOf } from '../../functions/domain/revocations.js';
import type { Figure } from './report.js';
import { median, us } from './stats.js';

/**
 * What the revocation check adds to a warm request: the adapter's answer from its kept read (no
 * DynamoDB call within REVOCATIONS_MAX_AGE_SECONDS) and the match against every revocation, for
 * none, 10 and 100 revocations that do not cover the caller (the worst case: each is looked at).
 * Batches of each size alternate, so a noisy neighbour slows them alike.
 */
export async function revocationCheck(): Promise<Figure> {
  const figure: Figure = { rows: [], results: {} };
  const caller = principalFromArn('arn:aws:sts::123456789012:assumed-role/etl-loader/run-42');
  const grant = {
    rule: 'etl-roles',
    dbUser: 'etl_etl-loader',
    target: { kind: 'cluster', name: 'analytics', clusterIdentifier: 'c', database: 'd' },
  } as unknown as Grant; // only the fields a revocation compares are read
  const sizes = [0, 10, 100];
  const lists = sizes.map((size) => {
    const values = Object.fromEntries(
      Array.from({ length: size }, (_, i) => [
        `rv-${i}`,
        JSON.stringify({
          reason: 'bench',
          by: 'arn:aws:iam::123456789012:user/alice',
          at: '2026-12-05T10:00:00Z',
          ...[
            { principal: `arn:aws:iam::123456789012:role/svc-${i}-*` },
            { dbUser: `user_${i}` },
            { rule: `rule-${i}` },
          ][i % 3],
        }),
      ]),
    );
    return dynamoDbRevocationList(
      { getMultiple: async () => values } as never, // a provider answering from memory
      { maxAgeSeconds: 3600, staleSeconds: 3600 },
    );
  });
  const check = async (index: number) => {
    const revocations: readonly Revocation[] = (await lists[index]?.current()) ?? [];
    if (revocationOf(revocations, caller, grant, new Date()) !== undefined)
      throw new Error('revoked');
  };
  const batch = 10_000;
  const micros = sizes.map(() => [] as number[]);
  for (const [i] of sizes.entries()) for (let n = 0; n < batch; n += 1) await check(i);
  for (let round = 0; round < 21; round += 1) {
    for (const [i] of sizes.entries()) {
      const started = process.hrtime.bigint();
      for (let n = 0; n < batch; n += 1) await check(i);
      micros[i]?.push(Number(process.hrtime.bigint() - started) / 1000 / batch);
    }
  }
  for (const [i, size] of sizes.entries()) {
    const perRequest = median(micros[i] ?? []);
    figure.results[`revocationCheck:${size}`] = { revocations: size, medianMicros: perRequest };
    figure.rows.push({
      figure: `revocation check per warm request, ${size} revocations (median of 21 × ${batch.toLocaleString('en')})`,
      value: us(perRequest),
      ...(size === 10 ? { target: '≤ 5 µs', met: perRequest <= 5 } : { target: '—' }),
    });
  }
  return figure;
}
