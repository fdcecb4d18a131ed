import 'vitest';
import type { TestProject } from 'vitest/node';
import { startMoto } from '../../local/moto.js';
import { seedExample } from '../../local/seed.js';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

/** One moto_server on a free loopback port for the whole run, seeded once; integration tests use it. */
export default async function setup(project: TestProject) {
  const moto = await startMoto();
  await seedExample(moto.endpoint);
  project.provide('motoEndpoint', moto.endpoint);
  return () => moto.stop();
}
