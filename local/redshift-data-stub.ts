import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type pg from 'pg';
import { listenOnLoopback } from './loopback-server.js';

/**
 * moto_server's Redshift Data API runs no SQL, so this loopback server answers ExecuteStatement
 * and DescribeStatement in the service's own wire protocol (AWS JSON 1.1, X-Amz-Target
 * `RedshiftData.<operation>`) and runs each statement on the local PostgreSQL that plays every
 * cluster, in the database it names, as that server's administrator (the DbUser is not checked).
 * One translation makes Redshift's SQL true there: Redshift's user `x` is what an `IAM:x` or
 * `IAMA:x` login names, while the stand-in has a role for each login name, so
 * `ALTER USER x CONNECTION LIMIT …` applies to those roles (UNLIMITED being PostgreSQL's -1).
 * The real SDK client talks to it through AWS_ENDPOINT_URL_REDSHIFT_DATA.
 */

export interface RedshiftDataStub {
  readonly endpoint: string;
  close(): Promise<void>;
}

interface Statement {
  readonly id: string;
  readonly sql: string;
  readonly database: string;
  readonly createdAt: number;
  status: 'STARTED' | 'FINISHED' | 'FAILED';
  rows: number;
  error?: string;
  updatedAt: number;
}

const CONNECTION_LIMIT =
  /^\s*ALTER\s+USER\s+("(?:[^"]|"")+"|[\w-]+)\s+CONNECTION\s+LIMIT\s+(\d+|UNLIMITED)\s*;?\s*$/i;

function reply(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(body));
}

const invalid = (response: ServerResponse, type: string, message: string) =>
  reply(response, 400, { __type: type, message });

/** Runs one statement on the stand-in, with Redshift's user names made its login roles. */
async function runStatement(client: pg.Client, sql: string): Promise<number> {
  const limit = CONNECTION_LIMIT.exec(sql);
  if (limit === null) return (await client.query(sql)).rowCount ?? 0;
  const [, quoted = '', amount = ''] = limit;
  const user = quoted.startsWith('"')
    ? quoted.slice(1, -1).replaceAll('""', '"')
    : quoted.toLowerCase();
  const connections = amount.toUpperCase() === 'UNLIMITED' ? -1 : Number(amount);
  const { rows } = await client.query<{ rolname: string }>(
    'select rolname from pg_roles where rolname = any($1)',
    [[user, `IAM:${user}`, `IAMA:${user}`]],
  );
  if (rows.length === 0) throw new Error(`user "${user}" does not exist`);
  for (const { rolname } of rows) {
    await client.query(
      `ALTER ROLE ${client.escapeIdentifier(rolname)} CONNECTION LIMIT ${connections}`,
    );
  }
  return 0;
}

/** Starts the stub on a free loopback port; `adminOf` connects to a database as its administrator. */
export async function startRedshiftDataStub(
  adminOf: (database: string) => Promise<pg.Client>,
): Promise<RedshiftDataStub> {
  const statements = new Map<string, Statement>();
  const execute = async (statement: Statement) => {
    try {
      const client = await adminOf(statement.database);
      try {
        statement.rows = await runStatement(client, statement.sql);
        statement.status = 'FINISHED';
      } finally {
        await client.end();
      }
    } catch (error) {
      statement.status = 'FAILED';
      statement.error = `ERROR: ${(error as Error).message}`;
    }
    statement.updatedAt = Date.now() / 1000;
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(
        /^RedshiftData\./,
        '',
      );
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
      } catch {
        return invalid(response, 'ValidationException', 'the body is not JSON');
      }
      if (operation === 'ExecuteStatement') {
        const { Sql, Database } = input;
        if (typeof Sql !== 'string' || typeof Database !== 'string') {
          return invalid(response, 'ValidationException', 'Sql and Database are required');
        }
        const now = Date.now() / 1000;
        const statement: Statement = {
          id: randomUUID(),
          sql: Sql,
          database: Database,
          createdAt: now,
          updatedAt: now,
          status: 'STARTED',
          rows: -1,
        };
        statements.set(statement.id, statement);
        void execute(statement);
        const { ClusterIdentifier, WorkgroupName, DbUser } = input;
        return reply(response, 200, {
          Id: statement.id,
          CreatedAt: now,
          Database,
          ...(ClusterIdentifier !== undefined && { ClusterIdentifier }),
          ...(WorkgroupName !== undefined && { WorkgroupName }),
          ...(DbUser !== undefined && { DbUser }),
        });
      }
      if (operation === 'DescribeStatement') {
        const statement = statements.get(String(input.Id));
        if (statement === undefined) {
          return invalid(
            response,
            'ResourceNotFoundException',
            `statement ${String(input.Id)} not found`,
          );
        }
        return reply(response, 200, {
          Id: statement.id,
          Status: statement.status,
          QueryString: statement.sql,
          Database: statement.database,
          CreatedAt: statement.createdAt,
          UpdatedAt: statement.updatedAt,
          ResultRows: statement.rows,
          HasResultSet: false,
          ...(statement.error !== undefined && { Error: statement.error }),
        });
      }
      return invalid(response, 'UnknownOperationException', `${operation} is not served here`);
    });
  });
  return listenOnLoopback(server);
}
