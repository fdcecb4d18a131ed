import { createServer, type IncomingMessage } from 'node:http';
import type pg from 'pg';
import { listenOnLoopback } from './loopback-server.js';
import type { LocalDatabase } from './postgres.js';

/**
 * Sits between the vendor and moto_server's Redshift: every call passes through unchanged, except
 * that what Redshift would make true becomes true in the local database. When GetClusterCredentials
 * issues a login, the database gets it: the role named exactly as Redshift returned it (`IAM:x`,
 * `IAMA:x`) with that password, valid until the expiration, member of the issued groups; with
 * AutoCreate false a user that does not exist stays absent, so the login fails as on Redshift.
 * DescribeClusters reports the local database as every cluster's endpoint.
 */
export interface LoginProxy {
  readonly endpoint: string;
  close(): Promise<void>;
}

const element = (xml: string, name: string) => {
  const found = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
  return found
    ?.replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
};

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Gives the database the login Redshift just issued (see above). */
async function grantLogin(
  admin: pg.Client,
  form: URLSearchParams,
  reply: string,
  validSeconds: number | undefined,
): Promise<string | undefined> {
  const dbUser = element(reply, 'DbUser');
  const password = element(reply, 'DbPassword');
  const issuedUntil = element(reply, 'Expiration');
  if (!dbUser || !password || !issuedUntil) return undefined;
  // A shorter life on request, so tests can watch a login expire without waiting 15 minutes.
  const expiration =
    validSeconds === undefined
      ? issuedUntil
      : new Date(Math.min(Date.parse(issuedUntil), Date.now() + validSeconds * 1000)).toISOString();
  const user = admin.escapeIdentifier(dbUser);
  const { rowCount } = await admin.query('select 1 from pg_roles where rolname = $1', [dbUser]);
  const login = `LOGIN PASSWORD ${admin.escapeLiteral(password)} VALID UNTIL ${admin.escapeLiteral(expiration)}`;
  if (rowCount) await admin.query(`ALTER ROLE ${user} WITH ${login}`);
  else if (form.get('AutoCreate') === 'true')
    await admin.query(`CREATE ROLE ${user} WITH ${login}`);
  else return undefined;
  const groups = [...form.entries()]
    .filter(([key]) => key.startsWith('DbGroups.'))
    .map(([, group]) => group);
  for (const group of groups) {
    const { rowCount: exists } = await admin.query('select 1 from pg_roles where rolname = $1', [
      group,
    ]);
    if (!exists) await admin.query(`CREATE ROLE ${admin.escapeIdentifier(group)} NOLOGIN`);
    await admin.query(`GRANT ${admin.escapeIdentifier(group)} TO ${user}`);
  }
  return expiration;
}

/** Starts the proxy on a free loopback port in front of the Redshift at `upstream`. */
export async function startRedshiftLoginProxy(
  upstream: string,
  database: LocalDatabase,
  options: { readonly validSeconds?: number } = {},
): Promise<LoginProxy> {
  const admin = await database.admin();
  const server = createServer((request, response) => {
    void (async () => {
      try {
        const body = await readBody(request);
        const headers = Object.fromEntries(
          Object.entries(request.headers).filter(
            ([name]) => !['host', 'connection', 'content-length'].includes(name),
          ),
        ) as Record<string, string>;
        const answer = await fetch(new URL(request.url ?? '/', upstream), {
          method: request.method ?? 'POST',
          headers,
          ...(body.length > 0 && { body }),
        });
        let text = await answer.text();
        const form = new URLSearchParams(body.toString());
        const action = form.get('Action');
        if (answer.ok && action === 'GetClusterCredentials') {
          const expiration = await grantLogin(admin, form, text, options.validSeconds);
          // The caller is told the login's real life, as Redshift would.
          if (expiration) {
            text = text.replace(
              /<Expiration>[^<]*<\/Expiration>/,
              `<Expiration>${expiration}</Expiration>`,
            );
          }
        }
        if (answer.ok && action === 'DescribeClusters') {
          text = text
            .replace(/<Address>[^<]*<\/Address>/g, `<Address>${database.host}</Address>`)
            .replace(/<Port>[^<]*<\/Port>/g, `<Port>${database.port}</Port>`);
        }
        response.writeHead(answer.status, {
          'content-type': answer.headers.get('content-type') ?? 'text/xml',
        });
        response.end(text);
      } catch (error) {
        response.writeHead(500, { 'content-type': 'text/xml' });
        response.end(
          `<ErrorResponse><Error><Code>InternalFailure</Code><Message>local login proxy: ${(error as Error).name}</Message></Error></ErrorResponse>`,
        );
      }
    })();
  });
  const listening = await listenOnLoopback(server);
  return {
    endpoint: listening.endpoint,
    close: async () => {
      await listening.close();
      await admin.end();
    },
  };
}
