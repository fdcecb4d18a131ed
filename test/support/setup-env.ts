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
