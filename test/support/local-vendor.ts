import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { type LocalIdentity, loadIdentities } from '#local/identities.js';

const run = promisify(execFile);

/** `npm start` (after its build step) as a child process, pointed at the suite's moto_server. */
export interface LocalVendor {
  readonly url: string;
  /** Everything the process wrote to stdout so far (ready line, log lines). */
  stdout(): string;
  /** Everything it wrote to stderr so far (one `[gateway]` line per request). */
  stderr(): string;
  /** Sends Ctrl-C and resolves with the exit code. */
  stop(): Promise<number | null>;
}

export async function startLocalVendor(
  env: Record<string, string>,
  cwd = process.cwd(),
): Promise<LocalVendor> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit');
  const deadline = Date.now() + 30_000;
  while (!/ready: POST (\S+)\/credentials/.test(stdout)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`local vendor did not start:\n${stdout}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /ready: POST (\S+)\/credentials/.exec(stdout)?.[1] ?? '';
  return {
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: async () => {
      child.kill('SIGINT');
      const [code] = (await exited) as [number | null];
      return code;
    },
  };
}

export interface CurlResponse {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

/** Runs the real curl binary; `args` are curl's own. */
export async function curl(args: readonly string[]): Promise<CurlResponse> {
  const { stdout } = await run('curl', ['-sS', '-i', ...args], { maxBuffer: 1 << 20 });
  const [head = '', body = ''] = stdout.split(/\r\n\r\n(.*)/s, 2);
  const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(head)?.[1]);
  return { status, headers: head, body };
}

/** curl's signature options for a key of the identities file. */
export function sigv4(identity: {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}) {
  return [
    '--aws-sigv4',
    'aws:amz:us-east-1:execute-api',
    '--user',
    `${identity.accessKeyId}:${identity.secretAccessKey}`,
    ...(identity.sessionToken ? ['-H', `x-amz-security-token: ${identity.sessionToken}`] : []),
  ];
}

/**
 * The headers curl signs and sends for `args`, captured by a throwaway server on loopback, so a
 * test can replay curl's own signature with something changed after signing.
 */
export async function curlSignedHeaders(
  path: string,
  args: readonly string[],
): Promise<[string, string][]> {
  let captured: string[] = [];
  const server = createServer((request, response) => {
    captured = request.rawHeaders;
    request.resume();
    request.on('end', () => response.end());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    await run('curl', ['-sS', `http://127.0.0.1:${port}${path}`, ...args]);
  } finally {
    server.close();
  }
  const pairs: [string, string][] = [];
  for (let i = 0; i < captured.length; i += 2)
    pairs.push([captured[i] ?? '', captured[i + 1] ?? '']);
  return pairs;
}

export interface Invocation {
  /** What the handler returned: an API response, or a task result. */
  readonly result: { statusCode: number; headers: Record<string, string>; body: string } & Record<
    string,
    unknown
  >;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run invoke -- <fn> <event>` (after its build step) as a child process. */
export async function invoke(
  functionName: string,
  eventFile: string,
  env: Record<string, string | undefined>,
): Promise<Invocation> {
  const { stdout, stderr } = await run(
    process.execPath,
    ['--import', 'tsx', 'local/invoke.ts', functionName, eventFile],
    { env: { ...process.env, ...env }, maxBuffer: 1 << 22 },
  );
  return { result: JSON.parse(stdout) as Invocation['result'], stdout, stderr };
}

/** The key of `local/identities.json` whose ARN ends with `suffix`. */
export function localIdentity(suffix: string): LocalIdentity {
  const identity = [...loadIdentities().values()].find(({ arn }) => arn.endsWith(suffix));
  if (!identity) throw new Error(`no local identity ends with ${suffix}`);
  return identity;
}
