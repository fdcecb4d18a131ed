import { SFNServiceException } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { upstreamFailure } from '#adapters/upstream-failure.js';
import { ThrottledError, UpstreamError } from '#domain/errors.js';
import { redshiftFaults } from '#support/redshift-faults.js';

describe('upstreamFailure', () => {
  it('maps throttling that outlasted the SDK’s retries to Throttled, asking for a pause', () => {
    const error = upstreamFailure('GetClusterCredentials', redshiftFaults.throttling());

    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({ statusCode: 429, retryAfterSeconds: 2 });
  });

  it('maps another service’s throttling too', () => {
    const throttled = new SFNServiceException({
      name: 'ThrottlingException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'Rate exceeded',
    });

    expect(upstreamFailure('DescribeExecution', throttled, 'Step Functions')).toBeInstanceOf(
      ThrottledError,
    );
  });

  it.each([
    ['ClusterNotFoundFault', redshiftFaults.clusterNotFound()],
    ['AccessDenied', redshiftFaults.accessDenied()],
    ['TimeoutError', Object.assign(new Error('timed out after 3000 ms'), { name: 'TimeoutError' })],
  ])(
    'maps %s to a 502 naming the operation and error, never the upstream message',
    (name, cause) => {
      const error = upstreamFailure('GetClusterCredentials', cause);

      expect(error).toBeInstanceOf(UpstreamError);
      expect(error.statusCode).toBe(502);
      expect(error.message).toBe(`Redshift GetClusterCredentials failed: ${name}`);
      expect(error.message).not.toContain(cause.message);
      expect(error.cause).toBe(cause);
    },
  );

  it('maps something that is not an Error without echoing it', () => {
    const error = upstreamFailure('Encrypt', 'secret-bearing string', 'KMS');

    expect(error.message).toBe('KMS Encrypt failed: Error');
  });
});
