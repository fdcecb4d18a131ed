import { describe, expect, it } from 'vitest';
import { deployed, ofType } from '#support/template-deployment.js';

describe('alarms and dashboard', () => {
  const alarms = ofType('AWS::CloudWatch::Alarm');
  const alarmOf = (id: string, parameters: Record<string, string | string[]> = {}) =>
    deployed(id, parameters) as {
      Namespace: string;
      MetricName: string;
      Dimensions: { Name: string; Value: string }[];
      Threshold: unknown;
      Period: number;
      ComparisonOperator: string;
      AlarmActions?: unknown;
      OKActions?: unknown;
    };

  it.each([
    ['ApiPolicyErrorsAlarm', 'RedshiftCredentialVendor', 'PolicyErrors', '1'],
    ['TaskPolicyErrorsAlarm', 'RedshiftCredentialVendor', 'PolicyErrors', '1'],
    ['ApiUpstreamErrorsAlarm', 'RedshiftCredentialVendor', 'UpstreamErrors', '7'],
    ['TaskUpstreamErrorsAlarm', 'RedshiftCredentialVendor', 'UpstreamErrors', '7'],
    ['ApiThrottledAlarm', 'RedshiftCredentialVendor', 'Throttled', '12'],
    ['TaskThrottledAlarm', 'RedshiftCredentialVendor', 'Throttled', '12'],
    ['ApiFunctionErrorsAlarm', 'AWS/Lambda', 'Errors', '1'],
    ['TaskFunctionErrorsAlarm', 'AWS/Lambda', 'Errors', '1'],
    ['ApiFunctionThrottlesAlarm', 'AWS/Lambda', 'Throttles', '1'],
    ['TaskFunctionThrottlesAlarm', 'AWS/Lambda', 'Throttles', '1'],
    ['Api5XXErrorAlarm', 'AWS/ApiGateway', '5XXError', '1'],
  ])('%s: %s %s >= %s in 5 minutes', (id, namespace, metric, threshold) => {
    const alarm = alarmOf(id, {
      UpstreamErrorsAlarmThreshold: '7',
      ThrottledAlarmThreshold: '12',
    });

    expect(alarm).toMatchObject({
      Namespace: namespace,
      MetricName: metric,
      Period: 300,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(String(alarm.Threshold)).toBe(threshold);
  });

  it('watches each function by its own name, and the API by its name and stage', () => {
    expect(alarmOf('ApiPolicyErrorsAlarm').Dimensions).toEqual([
      { Name: 'Function', Value: '<CredentialsApiFunction>' },
    ]);
    expect(alarmOf('TaskFunctionErrorsAlarm').Dimensions).toEqual([
      { Name: 'FunctionName', Value: '<CredentialsTaskFunction>' },
    ]);
    const api = deployed('CredentialsApi') as { DefinitionBody: { info: { title: string } } };
    expect(alarmOf('Api5XXErrorAlarm').Dimensions).toEqual([
      { Name: 'ApiName', Value: api.DefinitionBody.info.title },
      { Name: 'Stage', Value: 'v1' },
    ]);
  });

  it('notifies the AlarmTopicArn topic of alarm and OK, only when one is given', () => {
    const topic = 'arn:aws:sns:us-east-1:123456789012:vendor-alarms';

    for (const [id] of alarms) {
      expect(alarmOf(id, { AlarmTopicArn: topic })).toMatchObject({
        AlarmActions: [topic],
        OKActions: [topic],
      });
      expect(alarmOf(id)).not.toHaveProperty('AlarmActions');
      expect(alarmOf(id)).not.toHaveProperty('OKActions');
    }
    expect(alarms).toHaveLength(11);
  });

  it('counts each metric from both functions’ logs', () => {
    const filters = ofType('AWS::Logs::MetricFilter').map(
      ([, resource]) =>
        resource.Properties as {
          LogGroupName: { Ref: string };
          MetricTransformations: { MetricName: string }[];
        },
    );
    const names = (group: string) =>
      filters
        .filter((filter) => filter.LogGroupName.Ref === group)
        .map((filter) => filter.MetricTransformations[0]?.MetricName)
        .sort();
    const metrics = [
      'CredentialsDenied',
      'CredentialsIssued',
      'PolicyErrors',
      'Throttled',
      'UpstreamErrors',
    ];

    expect(names('CredentialsApiLogGroup')).toEqual(metrics);
    expect(names('CredentialsTaskLogGroup')).toEqual(metrics);
  });

  it('has a dashboard whose body is JSON naming only metrics that exist', () => {
    const { DashboardBody } = deployed('Dashboard') as { DashboardBody: string };
    const body = JSON.parse(DashboardBody) as {
      widgets: { properties: { metrics: unknown[][] } }[];
    };
    const vendorMetrics = new Set(
      ofType('AWS::Logs::MetricFilter').map(
        ([, resource]) =>
          (resource.Properties as { MetricTransformations: { MetricName: string }[] })
            .MetricTransformations[0]?.MetricName,
      ),
    );
    const known: Record<string, Set<string | undefined>> = {
      RedshiftCredentialVendor: vendorMetrics,
      'AWS/ApiGateway': new Set(['Count', '4XXError', '5XXError', 'Latency']),
      'AWS/Lambda': new Set(['Duration', 'ConcurrentExecutions']),
    };
    const named = body.widgets
      .flatMap((widget) => widget.properties.metrics)
      .filter((metric) => metric[0] !== '...' && metric[0] !== '.') as string[][];

    for (const [namespace, metric] of named) {
      expect(known[namespace ?? '']?.has(metric)).toBe(true);
    }
    expect(new Set(named.map(([, metric]) => metric))).toEqual(
      new Set([...vendorMetrics, 'Count', 'Latency', 'Duration', 'ConcurrentExecutions']),
    );
    expect(DashboardBody).not.toMatch(/\$\{/);
  });
});
