import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);

describe('a credential issuance, as a process', () => {
  it.each(['api-assumed-role.json', 'api-sso-role.json'])(
    'never writes the issued password to stdout or stderr (%s)',
    async (eventFile) => {
      const resultFile = join(mkdtempSync(join(tmpdir(), 'rcv-')), 'result.json');

      const { stdout, stderr } = await run(
        process.execPath,
        [
          '--import',
          'tsx',
          'test/support/run-bundle.ts',
          'dist/credentials-api/index.mjs',
          `events/${eventFile}`,
        ],
        {
          env: {
            ...process.env,
            AWS_ENDPOINT_URL: inject('motoEndpoint'),
            POLICY_FILE: 'local/policy.yaml',
            POWERTOOLS_LOG_LEVEL: 'DEBUG',
            RESULT_FILE: resultFile,
          },
        },
      );

      const response = JSON.parse(readFileSync(resultFile, 'utf8')) as {
        statusCode: number;
        body: string;
      };
      const { dbPassword } = JSON.parse(response.body) as { dbPassword: string };
      expect(response.statusCode).toBe(200);
      expect(dbPassword.length).toBeGreaterThanOrEqual(16);
      expect(stdout).toContain('"decision":"issued"');
      expect(stdout + stderr).not.toContain(dbPassword);
    },
  );
});
