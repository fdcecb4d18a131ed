import 'vitest';
import type { TestProject } from 'vitest/node';
import { startMoto } from '../../local/moto.js';
import { startRedshiftServerlessStub } from '../../local/redshift-serverless-stub.js';
import { seedExample } from '../../local/seed.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
    serverlessEndpoint: string;
  }
}

/**
 * One moto_server and one Redshift Serverless stub on free loopback ports for the whole run,
 * seeded once; integration tests use them.
 */
export default async function setup(project: TestProject) {
  const moto = await startMoto();
  const serverless = await startRedshiftServerlessStub();
  await seedExample(moto.endpoint);
  project.provide('motoEndpoint', moto.endpoint);
  project.provide('serverlessEndpoint', serverless.endpoint);
  return async () => {
    await serverless.close();
    await moto.stop();
  };
}
