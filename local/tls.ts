import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A certificate authority and a server certificate it signed, as PEM files. */
export interface LocalCertificates {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });

/**
 * Creates, with the machine's `openssl`, a CA of its own for this run and a certificate it signs
 * for the local database on 127.0.0.1 and localhost, so clients can verify the server
 * (`sslmode=verify-full`) against that CA alone.
 */
export function createCertificates(folder: string): LocalCertificates {
  const caKey = join(folder, 'ca.key');
  const caFile = join(folder, 'ca.crt');
  const keyFile = join(folder, 'server.key');
  const request = join(folder, 'server.csr');
  const certFile = join(folder, 'server.crt');
  const extensions = join(folder, 'server.ext');
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    caFile,
    '-days',
    '2',
    '-subj',
    '/CN=redshift-credential-vendor local CA',
  ]);
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    request,
    '-subj',
    '/CN=localhost',
  ]);
  writeFileSync(extensions, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl([
    'x509',
    '-req',
    '-in',
    request,
    '-CA',
    caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    certFile,
    '-days',
    '2',
    '-extfile',
    extensions,
  ]);
  return { caFile, certFile, keyFile };
}
