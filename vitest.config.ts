import { defineConfig } from 'vitest/config';

// Two projects: unit tests need nothing running; integration tests share one moto_server that
// their global setup starts on a free loopback port. Integration tests spend most of their time
// waiting on the processes they start (npm, moto_server, PostgreSQL), so more of them run at once
// than there are cores; each keeps to its own ports, temp folders and process group.
export default defineConfig({
  test: {
    setupFiles: ['test/support/setup-env.ts', 'test/support/setup-logs.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    maxWorkers: 3,
    restoreMocks: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Unit tests share worker threads and their loaded modules (half the suite's CPU time
          // went to loading the same modules again per file): each file resets what it mocks,
          // and the suite passes with its files shuffled onto one worker.
          pool: 'threads',
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          // The built bundles load through Node's own loader, as on Lambda, not Vite's transform.
          server: {
            deps: { external: [/\/dist\/[^/]+\/[^/]+\.mjs/, /\/sam-build-[^/]+\/[^/]+\.mjs/] },
          },
        },
      },
    ],
  },
});
