import './setup-env.js';
import 'vitest';
import type { TestProject } from 'vitest/node';
import { startMoto } from '#local/moto.js';
import { startRedshiftServerlessStub } from '#local/redshift-serverless-stub.js';
import { seedExample } from '#local/seed.js';
import { startStepFunctionsStub } from '#local/step-functions-stub.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
    serverlessEndpoint: string;
    sfnEndpoint: string;
  }
}

/**
 * One moto_server, one Redshift Serverless stub and one Step Functions history stub on free
 * loopback ports for the whole run, seeded once; integration tests use them.
 */
export default async function setup(project: TestProject) {
  const moto = await startMoto();
  const serverless = await startRedshiftServerlessStub();
  const sfn = await startStepFunctionsStub(moto.endpoint);
  await seedExample(moto.endpoint, 'us-east-1', sfn.endpoint);
  project.provide('motoEndpoint', moto.endpoint);
  project.provide('serverlessEndpoint', serverless.endpoint);
  project.provide('sfnEndpoint', sfn.endpoint);
  return async () => {
    await sfn.close();
    await serverless.close();
    await moto.stop();
  };
}
