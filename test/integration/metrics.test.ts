import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent } from '#commons/api-gateway.js';
import { REDSHIFT_PASSWORD } from '#fixtures/redshift-password.js';
import { type RedshiftStub, startRedshiftStub } from '#local/redshift-stub.js';
import { readTemplate } from '#local/template.js';
import { loadBundledHandler } from '#support/bundled-handler.js';
import { matchesFilterPattern } from '#support/filter-pattern.js';
import { captureOutput, lambdaContext, restEvent } from '#support/lambda.js';

// The template's metric filters applied to the log lines of real decisions: the built API bundle
// with its real SDK and logger, Redshift scripted on the wire.
const CALLER = 'arn:aws:iam::123456789012:user/services/reporting-daily';

interface MetricFilter {
  readonly LogGroupName: { Ref: string };
  readonly FilterPattern: string;
  readonly MetricTransformations: {
    MetricNamespace: string;
    MetricName: string;
    MetricValue: string;
    Dimensions: { Key: string; Value: string }[];
  }[];
}

const filters = Object.values(readTemplate().Resources)
  .filter((resource) => resource.Type === 'AWS::Logs::MetricFilter')
  .map((resource) => resource.Properties as unknown as MetricFilter)
  .filter((filter) => filter.LogGroupName.Ref === 'CredentialsApiLogGroup');

/** The built credentials-api bundle, loaded afresh (its cold start) with `policyFile`. */
async function loadBundle(policyFile: string) {
  process.env.POLICY_FILE = policyFile;
  const handler =
    await loadBundledHandler<(event: ApiEvent, context: typeof lambdaContext) => Promise<unknown>>(
      'credentials-api',
    );
  return (event: ApiEvent) => handler(event, lambdaContext);
}

let stub: RedshiftStub;
const lines: string[] = [];

beforeAll(async () => {
  stub = await startRedshiftStub();
  process.env.AWS_ENDPOINT_URL = stub.endpoint;
  const output = captureOutput();
  const handle = await loadBundle('test/fixtures/policies/stub-target.yaml');

  stub.reply(() => ({ credentials: { password: REDSHIFT_PASSWORD, expiresInSeconds: 900 } }));
  await handle(restEvent(CALLER));
  await handle(restEvent('arn:aws:iam::123456789012:user/alice'));
  stub.reply(() => ({ error: { status: 404, code: 'ClusterNotFound' } }));
  await handle(restEvent(CALLER));
  stub.reply(() => ({ error: { status: 400, code: 'Throttling' } }));
  await handle(restEvent(CALLER));
  const broken = await loadBundle('test/fixtures/policies/invalid-session-name.yaml');
  await broken(restEvent(CALLER));

  lines.push(...output.text().split('\n').filter(Boolean));
}, 60_000);

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL;
  await stub.close();
});

/** What CloudWatch would add to each metric, by name and Function dimension. */
function counted(logLines: readonly string[]) {
  const counts: Record<string, number> = {};
  for (const filter of filters) {
    for (const line of logLines.filter((line) =>
      matchesFilterPattern(filter.FilterPattern, line),
    )) {
      for (const transformation of filter.MetricTransformations) {
        const [dimension] = transformation.Dimensions;
        const functionName = (JSON.parse(line) as Record<string, unknown>)[
          dimension?.Value.replace('$.', '') ?? ''
        ];
        const key = `${transformation.MetricName} Function=${String(functionName)}`;
        counts[key] = (counts[key] ?? 0) + Number(transformation.MetricValue);
      }
    }
  }
  return counts;
}

describe('metrics counted from the audit lines', () => {
  it('counts one of each decision, by function, and nothing else', () => {
    const fn = lambdaContext.functionName;

    expect(counted(lines)).toEqual({
      [`CredentialsIssued Function=${fn}`]: 1,
      [`CredentialsDenied Function=${fn}`]: 1,
      [`UpstreamErrors Function=${fn}`]: 1,
      [`Throttled Function=${fn}`]: 1,
      [`PolicyErrors Function=${fn}`]: 1,
    });
  });

  it('counts no line that is not a decision or not JSON, and a reason without its code as a denial', () => {
    const notDecisions = [
      JSON.stringify({ level: 'INFO', message: 'Access policy loaded', rules: 5 }),
      JSON.stringify({ level: 'ERROR', message: 'Unexpected failure', decision: 'issued' }),
      'START RequestId: 7f1c6a3e Version: $LATEST',
      JSON.stringify({ message: 'Credential decision', decision: 'denied', reason: 'Throttled' }),
    ];

    expect(counted(notDecisions)).toEqual({
      'CredentialsDenied Function=undefined': 1,
    });
  });

  it('counts a revoked refusal as a denial, and unreadable revocations as an upstream error', () => {
    const decision = (reason: string) =>
      JSON.stringify({
        message: 'Credential decision',
        decision: 'denied',
        reason,
        function_name: 'f',
      });

    expect(
      counted([
        decision('revoked rv-20261205T101500Z-1a2b3c4d: key leaked'),
        decision(
          'UpstreamError: revocations unavailable (DynamoDB Query failed: ResourceNotFoundException)',
        ),
      ]),
    ).toEqual({ 'CredentialsDenied Function=f': 1, 'UpstreamErrors Function=f': 1 });
  });

  it('puts only fixed values in a metric: a count of 1 and the function name', () => {
    for (const filter of filters) {
      const [transformation] = filter.MetricTransformations;
      expect(transformation).toMatchObject({
        MetricNamespace: 'RedshiftCredentialVendor',
        MetricValue: '1',
        Dimensions: [{ Key: 'Function', Value: '$.function_name' }],
      });
    }
    expect(lines.join('\n')).not.toContain(REDSHIFT_PASSWORD);
  });
});
