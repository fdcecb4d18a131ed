import {
  GetNamespaceCommand,
  GetWorkgroupCommand,
  RedshiftServerlessClient,
} from '@aws-sdk/client-redshift-serverless';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';

/**
 * Redshift Serverless and STS as a policy's other targets need them: the functions look up every
 * target when they start, so a test loading a handler with a policy that names a workgroup or a
 * role in another account answers those lookups too, instead of letting them reach the network.
 */
export function mockTargetLookups() {
  const serverless = mockClient(RedshiftServerlessClient);
  const sts = mockClient(STSClient);
  return {
    serverless,
    sts,
    /** Forgets earlier calls and answers: workgroups at `lake-wg…`, admin `admin`; any role. */
    reset(): void {
      serverless.reset();
      sts.reset();
      serverless.on(GetWorkgroupCommand).resolves({
        workgroup: {
          namespaceName: 'lake-ns',
          endpoint: {
            address: 'lake-wg.123456789012.us-east-1.redshift-serverless.amazonaws.com',
            port: 5439,
          },
        },
      });
      serverless.on(GetNamespaceCommand).resolves({ namespace: { adminUsername: 'admin' } });
      sts.on(AssumeRoleCommand).resolves({
        Credentials: {
          AccessKeyId: 'ASIAFINANCEEXAMPLE',
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(Date.now() + 3_600_000),
        },
      });
    },
  };
}
