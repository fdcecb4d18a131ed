import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Figure } from './report.js';
import { median, us } from './stats.js';

/**
 * What counting the five metrics costs per request, for the two ways to produce them: CloudWatch
 * Logs metric filters on the audit line the function writes anyway (no code: nothing to add), or
 * Powertools Metrics writing an embedded-metric-format line beside it. Both are timed in this
 * process with stdout discarded, A (audit line) and B (audit line + EMF) interleaved in rounds.
 */
export function metricsCost(): Figure {
  const record = {
    decision: 'issued',
    rule: 'etl-roles',
    principal: 'arn:aws:sts::123456789012:assumed-role/etl-loader/nightly-load-42',
    dbUser: 'IAMA:etl_etl-loader',
    dbGroups: ['etl_rw'],
    target: 'analytics',
    database: 'exampledb',
    durationSeconds: 3600,
    expiration: '2026-11-26T21:12:53.000Z',
    requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
  };
  const logger = new Logger({ serviceName: 'bench' });
  const metrics = new Metrics({ namespace: 'RedshiftCredentialVendor', serviceName: 'bench' });
  const auditOnly = () => logger.info('Credential decision', record);
  let emfBytes = 0;
  const auditAndEmf = () => {
    logger.info('Credential decision', record);
    metrics.addDimension('Function', 'vendor-credentials-api');
    metrics.addMetric('CredentialsIssued', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  };

  const write = process.stdout.write;
  const samples = { a: [] as number[], b: [] as number[] };
  const perCall = (run: () => void, calls: number) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i += 1) run();
    return Number(process.hrtime.bigint() - started) / 1000 / calls;
  };
  process.stdout.write = ((chunk: string | Uint8Array) => {
    if (typeof chunk === 'string' && chunk.includes('"_aws"')) emfBytes = Buffer.byteLength(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    perCall(auditOnly, 5_000);
    perCall(auditAndEmf, 5_000);
    for (let round = 0; round < 15; round += 1) {
      samples.a.push(perCall(auditOnly, 2_000));
      samples.b.push(perCall(auditAndEmf, 2_000));
    }
  } finally {
    process.stdout.write = write;
  }
  const a = median(samples.a);
  const b = median(samples.b);
  return {
    rows: [
      {
        figure: 'metrics: audit line alone (what metric filters count)',
        value: us(a),
        target: '—',
      },
      {
        figure: `metrics: Powertools EMF line added (${emfBytes} B/request)`,
        value: `+${us(b - a)}`,
        target: '—',
      },
    ],
    results: { metricsCost: { auditLineMicros: a, withEmfMicros: b, emfBytes } },
  };
}
