// Installed by npm `overrides` (package.json) in place of @aws-sdk/credential-provider-node for
// each AWS SDK client the functions import: the SDK clients' default credential chain inside the
// Lambda bundles. Lambda passes the function's role credentials as AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, so the environment provider is the whole chain
// there, and much smaller than the full one (docs/performance.md has the figure).
// Those variables do not change for the life of an execution environment, and the SDK does not
// memoise credentials that carry no expiration, so each client reads them once instead of on
// every call; a failed read is tried again on the next call.
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init) => {
  const read = fromEnv(init);
  let credentials;
  return () => {
    credentials ??= read().catch((error) => {
      credentials = undefined;
      throw error;
    });
    return credentials;
  };
};
