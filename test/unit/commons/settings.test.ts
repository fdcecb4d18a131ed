import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_FILE, readSettings } from '../../../functions/commons/settings.js';
import { PolicyError } from '../../../functions/domain/errors.js';

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';

describe('readSettings', () => {
  it('defaults the policy file to the layer and leaves the task-output key unset', () => {
    expect(readSettings({ PATH: '/usr/bin' })).toEqual({
      policyFile: DEFAULT_POLICY_FILE,
      taskOutputKeyId: undefined,
      serviceName: 'redshift-credential-vendor',
    });
  });

  it.each([
    KEY_ARN,
    '1234abcd-12ab-34cd-56ef-1234567890ab',
    'alias/redshift-credential-vendor-task-output',
    'arn:aws:kms:us-east-1:123456789012:alias/task-output',
    'mrk-1234abcd12ab34cd56ef1234567890ab',
  ])('accepts the task-output key %s', (key) => {
    expect(readSettings({ TASK_OUTPUT_KEY_ID: key }).taskOutputKeyId).toBe(key);
  });

  it('fails closed naming every bad variable at once', () => {
    let error: unknown;
    try {
      readSettings({ POLICY_FILE: '', TASK_OUTPUT_KEY_ID: 'my key' });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(PolicyError);
    expect(error).toMatchObject({
      file: '(environment)',
      statusCode: 500,
      message: "The function's settings are invalid; see the function log",
      problems: [
        { field: 'POLICY_FILE', problem: 'must be at least 1 long' },
        { field: 'TASK_OUTPUT_KEY_ID', problem: 'must be a KMS key id, key ARN or alias' },
      ],
    });
  });
});
