import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '#domain/errors.js';
import { parseTaskPayload } from '#domain/task-payload.js';

const EXECUTION = 'arn:aws:states:us-east-1:123456789012:execution:example-etl:run-1';

describe('parseTaskPayload', () => {
  it('separates the execution from the request fields', () => {
    const parsed = parseTaskPayload({
      executionArn: EXECUTION,
      target: 'analytics',
      dbGroups: ['etl_rw'],
      durationSeconds: 1800,
    });

    expect(parsed).toEqual({
      executionArn: EXECUTION,
      request: { target: 'analytics', dbGroups: ['etl_rw'], durationSeconds: 1800 },
    });
  });

  it.each([
    [
      'a forged requestContext',
      { requestContext: { identity: { userArn: 'arn:aws:iam::1:root' } } },
    ],
    ['a principal', { principal: 'arn:aws:iam::123456789012:role/admin' }],
    ['a stateMachineArn', { stateMachineArn: 'arn:aws:states:us-east-1:1:stateMachine:x' }],
  ])('rejects %s as an unknown field', (_, extra) => {
    expect(() => parseTaskPayload({ executionArn: EXECUTION, ...extra })).toThrow(/unknown field/);
  });

  it.each([
    ['no executionArn', {}, /executionArn: expected string/],
    ['an empty executionArn', { executionArn: '' }, /executionArn: must be at least 1 long/],
    ['a payload that is not an object', null, /expected object/],
    [
      'a fractional duration',
      { executionArn: EXECUTION, durationSeconds: 900.5 },
      /durationSeconds/,
    ],
  ])('rejects %s as an invalid request', (_, payload, message) => {
    let error: unknown;
    try {
      parseTaskPayload(payload);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toMatch(message);
  });
});
