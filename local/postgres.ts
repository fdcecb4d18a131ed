import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';
import { createCertificates, type LocalCertificates } from './tls.js';

/**
 * A PostgreSQL server from the machine's own installation, playing the Redshift clusters of the
 * local vendor: a fresh data directory under the temp folder, loopback only, TLS with a
 * certificate from a CA made for this run, and password (SCRAM) logins over TLS only.
 */
export interface LocalDatabase {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly certificates: LocalCertificates;
  /** An administrator's connection to `database` (default `postgres`), over the server's own socket. */
  admin(database?: string): Promise<pg.Client>;
  stop(): Promise<void>;
}

const POSTGRES_ROOT = '/usr/lib/postgresql';
/** The OS user PostgreSQL runs as when this process is root (it refuses to run as root). */
const SERVICE_USER = 'postgres';

/** The newest installed PostgreSQL's bin folder, or undefined. */
export function postgresBin(): string | undefined {
  if (!existsSync(POSTGRES_ROOT)) return undefined;
  const versions = readdirSync(POSTGRES_ROOT)
    .filter((version) => existsSync(join(POSTGRES_ROOT, version, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(POSTGRES_ROOT, versions[0], 'bin');
}

/** Runs a PostgreSQL binary as the service user when this process is root. */
function asServiceUser(command: string, args: string[]): [string, string[]] {
  return userInfo().uid === 0
    ? ['runuser', ['-u', SERVICE_USER, '--', command, ...args]]
    : [command, args];
}

/** Starts the local database; throws an Error saying what to do when it cannot. */
export async function startPostgres(port?: number): Promise<LocalDatabase> {
  const bin = postgresBin();
  if (bin === undefined) {
    throw new Error(
      `no PostgreSQL server under ${POSTGRES_ROOT}/*/bin: install it (apt-get install postgresql) to log in locally`,
    );
  }
  const folder = mkdtempSync(join(tmpdir(), 'redshift-local-db-'));
  const data = join(folder, 'data');
  const certificates = createCertificates(folder);
  if (userInfo().uid === 0) {
    const { uid, gid } = serviceIds();
    for (const file of [folder, certificates.keyFile, certificates.certFile, certificates.caFile]) {
      chownSync(file, uid, gid);
    }
  }
  chmodSync(certificates.keyFile, 0o600);
  execFileSync(
    ...asServiceUser(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      // A throwaway database in a temp folder: nothing to make durable.
      '--no-sync',
    ]),
    { stdio: 'pipe' },
  );
  const listenPort = port ?? (await freePort());
  appendFileSync(
    join(data, 'postgresql.conf'),
    [
      `listen_addresses = '127.0.0.1'`,
      `port = ${listenPort}`,
      `unix_socket_directories = '${folder}'`,
      'ssl = on',
      `ssl_cert_file = '${certificates.certFile}'`,
      `ssl_key_file = '${certificates.keyFile}'`,
      `password_encryption = 'scram-sha-256'`,
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
      '',
    ].join('\n'),
  );
  // The administrator over the server's own socket; everyone else over TLS with a password.
  writeFileSync(
    join(data, 'pg_hba.conf'),
    'local all postgres trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n',
  );
  const [command, args] = asServiceUser(join(bin, 'postgres'), ['-D', data]);
  const server: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const admin = async (database = 'postgres') => {
    const client = new pg.Client({
      host: folder,
      port: listenPort,
      user: 'postgres',
      database,
    });
    await client.connect();
    return client;
  };
  const exited = once(server, 'exit');
  const running = () => server.exitCode === null && server.signalCode === null;
  // Whatever ends this process (Ctrl-C reaches the server too, and may end it first), the data
  // folder, with the local CA's private key, goes with it.
  const removeFolder = () => rmSync(folder, { recursive: true, force: true });
  const lastResort = () => {
    if (running()) server.kill('SIGKILL');
    removeFolder();
  };
  process.once('exit', lastResort);
  const stop = async () => {
    if (running()) server.kill('SIGTERM');
    await exited;
    removeFolder();
    process.removeListener('exit', lastResort);
  };
  for (let attempt = 0; ; attempt += 1) {
    try {
      const client = await admin();
      await client.end();
      break;
    } catch (error) {
      if (server.exitCode !== null || attempt > 100) {
        await stop();
        throw new Error(
          `PostgreSQL did not start: ${log.trim().split('\n').at(-1) ?? String(error)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { host: '127.0.0.1', port: listenPort, certificates, admin, stop };
}

function serviceIds(): { uid: number; gid: number } {
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, SERVICE_USER], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}
