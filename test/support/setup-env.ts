import { existsSync } from 'node:fs';

// The suite decides its own environment: a terminal that took the local stack's (`. .local/env.sh`)
// or a user's AWS and libpq settings must not send a test to another endpoint or database.
for (const name of Object.keys(process.env)) {
  if (/^(AWS_ENDPOINT_URL|REDSHIFT_CREDENTIALS_|PG)/.test(name)) delete process.env[name];
}
// A stopped local stack's CA file is gone; Node would warn about it in every child process.
const extraCertificates = process.env.NODE_EXTRA_CA_CERTS;
if (extraCertificates !== undefined && !existsSync(extraCertificates)) {
  delete process.env.NODE_EXTRA_CA_CERTS;
}

// Every test runs with fake credentials and a fixed region: nothing can reach real AWS.
process.env.AWS_REGION = 'us-east-1';
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// The API stage the sample events in events/ come from, as the template tells the function.
process.env.API_ID = 'a1b2c3d4e5';
process.env.API_STAGE = 'v1';
