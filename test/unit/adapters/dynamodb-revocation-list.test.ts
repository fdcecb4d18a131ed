import { DynamoDBProvider } from '@aws-lambda-powertools/parameters/dynamodb';
import { DynamoDBClient, QueryCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { dynamoDbRevocationList } from '#adapters/dynamodb-revocation-list.js';
import { PolicyError, UpstreamError } from '#domain/errors.js';
import { dynamoMock, revocationItem as item } from '#support/revocation-mocks.js';

const TABLE = 'vendor-revocations';
const START = new Date('2026-12-05T10:00:00Z');

const killSwitch = item('r-1', {
  reason: 'incident 42',
  by: 'arn:aws:iam::123456789012:user/alice',
  at: START.toISOString(),
  principal: '*',
});
const tableGone = () =>
  new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} });

function reader() {
  const provider = new DynamoDBProvider({
    tableName: TABLE,
    awsSdkV3Client: new DynamoDBClient({}),
  });
  return dynamoDbRevocationList(provider, { maxAgeSeconds: 10, staleSeconds: 300 });
}
const secondsLater = (seconds: number) => vi.setSystemTime(START.getTime() + seconds * 1000);

describe('dynamoDbRevocationList', () => {
  beforeEach(() => {
    dynamoMock.reset();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(START);
  });
  afterEach(() => vi.useRealTimers());

  it('reads the revocations partition, strongly consistent, into revocations', async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: [killSwitch] });

    const revocations = await reader().current();

    expect(revocations).toEqual([
      expect.objectContaining({
        id: 'r-1',
        reason: 'incident 42',
        scope: { kind: 'principal', principal: '*' },
      }),
    ]);
    const [query] = dynamoMock.commandCalls(QueryCommand);
    expect(query?.args[0].input).toMatchObject({
      TableName: TABLE,
      ConsistentRead: true,
      ExpressionAttributeValues: { ':key': { S: 'revocations' } },
    });
  });

  it('keeps a read, even of nothing revoked, for the max age, then reads again and sees a new revocation', async () => {
    dynamoMock
      .on(QueryCommand)
      .resolvesOnce({ Items: [] })
      .resolves({ Items: [killSwitch] });
    const revocations = reader();

    await revocations.current();
    secondsLater(9);
    const cached = await revocations.current();
    secondsLater(11);
    const fresh = await revocations.current();

    expect(cached).toEqual([]);
    expect(fresh.map(({ id }) => id)).toEqual(['r-1']);
    expect(dynamoMock.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('serves the last read while the table cannot be read, up to the stale window, then fails closed', async () => {
    dynamoMock
      .on(QueryCommand)
      .resolvesOnce({ Items: [killSwitch] })
      .rejects(tableGone());
    const revocations = reader();
    await revocations.current();

    secondsLater(299);
    const stale = await revocations.current();
    secondsLater(301);
    const unavailable = revocations.current();

    expect(stale.map(({ id }) => id)).toEqual(['r-1']);
    await expect(unavailable).rejects.toThrow(UpstreamError);
    await expect(unavailable).rejects.toMatchObject({
      message: 'revocations unavailable',
      detail: 'DynamoDB Query failed: ResourceNotFoundException',
    });
  });

  it('fails closed when no read has ever succeeded', async () => {
    dynamoMock.on(QueryCommand).rejects(tableGone());

    await expect(reader().current()).rejects.toThrow('revocations unavailable');
  });

  it('refuses a malformed item as a PolicyError naming it, on every read', async () => {
    dynamoMock.on(QueryCommand).resolves({ Items: [killSwitch, item('r-2', '{"reason":')] });
    const revocations = reader();

    await expect(revocations.current()).rejects.toThrow(PolicyError);
    secondsLater(1);
    await expect(revocations.current()).rejects.toMatchObject({
      problems: [{ field: 'r-2', problem: 'value is not JSON' }],
    });
  });
});
