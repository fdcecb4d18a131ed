import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.js';
import { SetupError } from './setup-error.js';

/** How long moto_server has to stop after a SIGTERM before it is killed. */
const STOP_GRACE_MS = 3_000;

/** A moto_server (AWS API emulator) started on a free loopback port. */
export interface Moto {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Starts moto_server on 127.0.0.1 and waits until it answers. */
export async function startMoto(timeoutMs = 30_000): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = once(child, 'exit');
  const missing = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new SetupError(
              'moto_server is not on the PATH: install it (pip install "moto[server]") or set AWS_ENDPOINT_URL to a running emulator',
            )
          : error,
      ),
    );
  });
  missing.catch(() => {});
  const running = () => child.exitCode === null && child.signalCode === null;
  // Whatever ends this process, the emulator goes with it.
  const lastResort = () => {
    if (running()) child.kill('SIGKILL');
  };
  process.once('exit', lastResort);
  const stop = async () => {
    if (running()) {
      child.kill('SIGTERM');
      // A Python server busy shutting down after a Ctrl-C of its own may not act on a SIGTERM.
      const stubborn = setTimeout(lastResort, STOP_GRACE_MS);
      await exited;
      clearTimeout(stubborn);
    }
    process.removeListener('exit', lastResort);
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
    const ready = await Promise.race([
      missing,
      fetch(`${endpoint}/moto-api/`).then(
        (response) => response.ok,
        () => false,
      ),
    ]);
    if (ready) return { endpoint, stop };
    await sleep(100);
  }
  await stop();
  throw new Error(`moto_server did not answer within ${timeoutMs} ms: ${stderr}`);
}
