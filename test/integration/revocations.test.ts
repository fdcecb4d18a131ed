import { DeleteTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { ApiEvent } from '#commons/api-gateway.js';
import { createRevocationsTable } from '#local/revocations-table.js';
import { revocationStore } from '#scripts/revoke/store.js';
import { loadBundledHandler } from '#support/bundled-handler.js';
import { type CapturedOutput, captureOutput, lambdaContext, restEvent } from '#support/lambda.js';

// The bundled credentials-api against moto_server, with a revocations table of each test's own.
type BundledHandler = (
  event: ApiEvent,
  context: typeof lambdaContext,
) => Promise<APIGatewayProxyResult>;

const ETL = 'arn:aws:sts::123456789012:assumed-role/etl-loader/nightly-1';
const REPORTING = 'arn:aws:iam::123456789012:user/services/reporting-daily';
const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/oncall/alice';

let dynamodb: DynamoDBClient;
let output: CapturedOutput;
let tables = 0;

beforeAll(() => {
  process.env.AWS_ENDPOINT_URL = inject('motoEndpoint');
  process.env.POLICY_FILE = 'test/fixtures/policies/integration.yaml';
  dynamodb = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
});

beforeEach(() => {
  output = captureOutput();
});

afterEach(() => {
  delete process.env.REVOCATIONS_MAX_AGE_SECONDS;
  delete process.env.REVOCATIONS_STALE_SECONDS;
});

/** A new empty revocations table, and a way to add to it as `npm run revoke` does. */
async function newTable() {
  tables += 1;
  const table = `revocations-${process.pid}-${tables}`;
  await createRevocationsTable(inject('motoEndpoint'), 'us-east-1', table);
  return { table, store: revocationStore(dynamodb, table) };
}

/** A cold start of the function reading `table` (at once, as it reads it at every cold start). */
async function coldStart(table: string, settings: Record<string, string> = {}) {
  process.env.REVOCATIONS_TABLE = table;
  Object.assign(process.env, settings);
  const handler = await loadBundledHandler<BundledHandler>('credentials-api');
  return async (caller: string, body: unknown = { target: 'analytics' }) => {
    const response = await handler(restEvent(caller, body), lambdaContext);
    return {
      statusCode: response.statusCode,
      body: JSON.parse(response.body) as { error?: { code: string; message: string } },
    };
  };
}

const at = () => new Date().toISOString();
const auditReasons = () =>
  output
    .logLines()
    .filter((line) => line.message === 'Credential decision')
    .map((line) => line.reason);
const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

describe('revocations, in the bundled credentials-api', () => {
  it('refuses everyone under the kill switch, with the same 403 as any refusal', async () => {
    const { table, store } = await newTable();
    const { id } = await store.add({
      reason: 'incident 7',
      by: OPERATOR,
      at: at(),
      principal: '*',
    });
    const call = await coldStart(table);

    const etl = await call(ETL);
    const reporting = await call(REPORTING);

    expect([etl.statusCode, reporting.statusCode]).toEqual([403, 403]);
    expect(etl.body.error?.code).toBe('AccessDenied');
    expect(etl.body.error?.message).not.toMatch(/revoked|incident/);
    expect(auditReasons()).toEqual([`revoked ${id}: incident 7`, `revoked ${id}: incident 7`]);
  });

  it('refuses no one for a revocation past its end, and only its db user for a live one', async () => {
    const { table, store } = await newTable();
    await store.add({
      reason: 'over',
      by: OPERATOR,
      at: at(),
      until: new Date(Date.now() - 1_000).toISOString(),
      principal: '*',
    });
    await store.add({
      reason: 'leaked',
      by: OPERATOR,
      at: at(),
      dbUser: 'reporting',
      target: 'analytics',
    });
    const call = await coldStart(table);

    expect((await call(ETL)).statusCode).toBe(200);
    expect((await call(REPORTING)).statusCode).toBe(403);
    expect((await call(REPORTING, { target: 'ghost' })).statusCode).not.toBe(403);
  });

  it('answers 500 PolicyError for a malformed revocation, and logs which one', async () => {
    const { table } = await newTable();
    await dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { id: { S: 'revocations' }, sk: { S: 'rv-typo' }, value: { S: '{"reason":"x"' } },
      }),
    );
    const call = await coldStart(table);

    const response = await call(ETL);

    expect(response.statusCode).toBe(500);
    expect(response.body.error?.code).toBe('PolicyError');
    expect(output.logLines()).toContainEqual(
      expect.objectContaining({
        file: '(revocations)',
        field: 'rv-typo',
        problem: 'value is not JSON',
      }),
    );
  });

  it('serves the last read while the table cannot be read, then refuses everyone with 502', async () => {
    const { table } = await newTable();
    const call = await coldStart(table, {
      REVOCATIONS_MAX_AGE_SECONDS: '1',
      REVOCATIONS_STALE_SECONDS: '4',
    });
    expect((await call(ETL)).statusCode).toBe(200);
    const lastRead = Date.now();
    await dynamodb.send(new DeleteTableCommand({ TableName: table }));

    await sleep(1_500);
    const stale = await call(ETL);
    await sleep(Math.max(lastRead + 4_500 - Date.now(), 0));
    const unavailable = await call(ETL);

    expect(stale.statusCode).toBe(200);
    expect(unavailable.statusCode).toBe(502);
    expect(unavailable.body.error?.code).toBe('UpstreamError');
    expect(auditReasons().at(-1)).toMatch(
      /^UpstreamError: revocations unavailable \(DynamoDB Query failed: ResourceNotFoundException\)$/,
    );
  }, 20_000);
});

describe('npm run revoke’s table', () => {
  it('keeps every one of twenty revocations added at once', async () => {
    const { store } = await newTable();

    const added = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.add({ reason: `wave ${i}`, by: OPERATOR, at: at(), dbUser: `svc_${i}` }),
      ),
    );
    const listed = await store.list();

    expect(new Set(added.map(({ id }) => id)).size).toBe(20);
    expect(listed.map(({ id }) => id).sort()).toEqual(added.map(({ id }) => id).sort());
  });
});
