import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';

// A setup mistake in the local tools gets one line saying what to do, never a stack trace.
const folder = mkdtempSync(join(tmpdir(), 'local-errors-'));

function tool(script: string, args: string[], env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PORT: '0', ...env },
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function expectOneLine(stderr: string, message: RegExp) {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((line) => !line.startsWith('{'));
  expect(lines.at(-1)).toMatch(message);
  expect(stderr).not.toMatch(/\n\s+at |Error:/);
}

describe('npm start and npm run invoke, set up wrongly', () => {
  it('say how to get moto_server when it is not on the PATH', () => {
    const moto = spawnSync('sh', ['-c', 'command -v moto_server'], {
      encoding: 'utf8',
    }).stdout.trim();
    const path = (process.env.PATH ?? '')
      .split(':')
      .filter((entry) => entry !== dirname(moto))
      .join(':');

    const { code, stderr } = tool('local/start.ts', [], {
      AWS_ENDPOINT_URL: '',
      PATH: `${dirname(process.execPath)}:${path}`,
    });

    expect(code).toBe(1);
    expectOneLine(stderr, /^npm start: moto_server is not on the PATH: install it/);
  });

  it.each([
    [
      'a missing identities file',
      join(folder, 'none.json'),
      /^npm start: no identities file .*: create it or set IDENTITIES_FILE/,
    ],
    [
      'an identities file that is not JSON',
      'not json',
      /^npm start: identities file .* is not JSON/,
    ],
    [
      'an identities file of the wrong shape',
      '{"identities":[{"accessKeyId":"short"}]}',
      /^npm start: identities file .* is not valid \(identities\.0\.accessKeyId/,
    ],
  ])('say what is wrong with %s', (_, content, message) => {
    const file = content.startsWith('/') ? content : join(folder, `${Math.random()}.json`);
    if (file !== content) writeFileSync(file, content);

    const { code, stderr } = tool('local/start.ts', [], {
      AWS_ENDPOINT_URL: inject('motoEndpoint'),
      IDENTITIES_FILE: file,
    });

    expect(code).toBe(1);
    expectOneLine(stderr, message);
  });

  it('say which variable to set when the port is taken', async () => {
    const busy = createServer();
    busy.listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const { port } = busy.address() as { port: number };

    const { code, stderr } = tool('local/start.ts', [], {
      AWS_ENDPOINT_URL: inject('motoEndpoint'),
      PORT: String(port),
    });
    busy.close();

    expect(code).toBe(1);
    expectOneLine(
      stderr,
      new RegExp(`^npm start: port ${port} is in use: set PORT to a free port`),
    );
  });

  it('say so when the event file does not exist', () => {
    const { code, stderr } = tool('local/invoke.ts', ['credentials-api', 'events/none.json'], {
      AWS_ENDPOINT_URL: inject('motoEndpoint'),
    });

    expect(code).toBe(1);
    expectOneLine(stderr, /^npm run invoke: no event file events\/none\.json/);
  });

  it('print a failed task as Lambda does, not as a crash of the tool', () => {
    const event = join(folder, 'task.json');
    writeFileSync(
      event,
      JSON.stringify({
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:none:x',
        target: 'analytics',
      }),
    );

    const { code, stdout, stderr } = tool('local/invoke.ts', ['credentials-task', event], {
      AWS_ENDPOINT_URL: inject('motoEndpoint'),
    });

    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      errorType: 'AccessDenied',
      errorMessage: 'The caller is not allowed these database credentials',
    });
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
