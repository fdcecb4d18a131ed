import {
  ClusterNotFoundFault,
  RedshiftServiceException,
  UnsupportedOperationFault,
} from '@aws-sdk/client-redshift';

/** Errors as the Redshift SDK client throws them, for injecting upstream faults. */
export const redshiftFaults = {
  throttling: () =>
    new RedshiftServiceException({
      name: 'Throttling',
      $fault: 'client',
      $metadata: { httpStatusCode: 400, attempts: 3 },
      message: 'Rate exceeded',
    }),
  clusterNotFound: () =>
    new ClusterNotFoundFault({ message: 'Cluster examplecluster not found.', $metadata: {} }),
  unsupportedOperation: () =>
    new UnsupportedOperationFault({
      message: 'The requested operation isn’t supported.',
      $metadata: {},
    }),
  accessDenied: () =>
    new RedshiftServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'User: arn:aws:sts::123456789012:assumed-role/vendor/x is not authorized',
    }),
};
