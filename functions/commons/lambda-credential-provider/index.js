// The SDK clients' default credential chain inside the Lambda bundles. Lambda passes the
// function's role credentials as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN,
// so the environment provider is the whole chain there, ~130 KB lighter than the full one.
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
