import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyOfRepository } from '#support/repository-copy.js';

// `npm start` as a user runs it, in a copy of the repository (it builds its own dist/), stopped
// with Ctrl-C (SIGINT to the whole process group, as a terminal sends it) or with SIGTERM sent to
// the npm process alone: nothing it started may outlive it, not even a temp folder.
/** Whether something accepts connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * The processes still running in a process group. Exited ones whose parent is gone stay in the
 * table as zombies until init reaps them, which some sandboxes' init never does: not counted.
 */
function processesIn(group: number): string[] {
  const table = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return table
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, pgid, stat]) => Number(pgid) === group && !stat?.startsWith('Z'))
    .map((fields) => fields.slice(3).join(' '));
}

describe.each([
  ['Ctrl-C', 'SIGINT', 'group'],
  ['SIGTERM to npm', 'SIGTERM', 'npm'],
] as const)('npm start stopped with %s', (_, signal, target) => {
  it('leaves no process, no listening port and no file behind', async () => {
    const copy = copyOfRepository();
    // Its own process group, so whatever it starts can be found afterwards.
    const npm = spawn('npm', ['start'], {
      cwd: copy,
      detached: true,
      env: { ...process.env, PORT: '0', AWS_ENDPOINT_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    npm.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = once(npm, 'exit');
    const deadline = Date.now() + 90_000;
    while (!/ready: POST/.test(output) && Date.now() < deadline && npm.exitCode === null) {
      await new Promise((wait) => setTimeout(wait, 100));
    }
    const ports = [
      ...output.matchAll(/http:\/\/127\.0\.0\.1:(\d+)|database 127\.0\.0\.1:(\d+)/g),
    ].map(([, http, database]) => Number(http ?? database));
    const group = npm.pid ?? 0;
    const environmentFile = join(copy, '.local/env.sh');
    const environment = readFileSync(environmentFile, 'utf8');
    const databaseFolder = dirname(
      /PGSSLROOTCERT=(\S+)/.exec(environment)?.[1] ?? '/nowhere/ca.crt',
    );
    const wasThere = existsSync(databaseFolder);

    process.kill(target === 'group' ? -group : group, signal);
    await exited;
    // Processes that got the signal themselves may still be finishing: give them a few seconds.
    const settled = Date.now() + 5_000;
    while (processesIn(group).length > 0 && Date.now() < settled) {
      await new Promise((wait) => setTimeout(wait, 100));
    }

    expect(output).toMatch(/ready: POST/);
    expect(environment).toContain(`AWS_ENDPOINT_URL_SFN=`);
    expect(ports.length).toBeGreaterThanOrEqual(3);
    expect(processesIn(group)).toEqual([]);
    for (const port of new Set(ports)) expect(await listening(port)).toBe(false);
    expect(wasThere).toBe(true);
    expect(existsSync(databaseFolder)).toBe(false);
    expect(existsSync(environmentFile)).toBe(false);
  }, 120_000);
});
