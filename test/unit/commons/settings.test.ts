import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_FILE, readSettings } from '#commons/settings.js';
import { PolicyError } from '#domain/errors.js';

const KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const API = { API_ID: 'a1b2c3d4e5', API_STAGE: 'v1' };

/** The PolicyError that reading `environment` throws. */
function settingsError(environment: Record<string, string>, role: 'api' | 'task'): PolicyError {
  try {
    readSettings(environment, role);
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('the settings were read');
}

describe('readSettings', () => {
  it('defaults the policy file to the layer and leaves the rest unset for the task', () => {
    expect(readSettings({ PATH: '/usr/bin' }, 'task')).toEqual({
      policyFile: DEFAULT_POLICY_FILE,
      taskOutputKeyId: undefined,
      api: undefined,
      grants: {},
      lookUpTargetsAtStart: true,
      adminUserMaxAgeMs: 300_000,
      revocations: undefined,
    });
  });

  it('reads the revocations table, fresh for 10 s and stale for 300 s unless told otherwise', () => {
    const read = (more: Record<string, string>) =>
      readSettings({ REVOCATIONS_TABLE: 'vendor-Revocations-1A2B', ...more }, 'task').revocations;

    expect(read({})).toEqual({
      table: 'vendor-Revocations-1A2B',
      maxAgeSeconds: 10,
      staleSeconds: 300,
    });
    expect(read({ REVOCATIONS_MAX_AGE_SECONDS: '30', REVOCATIONS_STALE_SECONDS: '60' })).toEqual({
      table: 'vendor-Revocations-1A2B',
      maxAgeSeconds: 30,
      staleSeconds: 60,
    });
    expect(
      settingsError(
        { REVOCATIONS_TABLE: 'a b', REVOCATIONS_MAX_AGE_SECONDS: '0' },
        'task',
      ).problems.map(({ field }) => field),
    ).toEqual(['REVOCATIONS_TABLE', 'REVOCATIONS_MAX_AGE_SECONDS']);
    expect(
      settingsError({ REVOCATIONS_MAX_AGE_SECONDS: '60', REVOCATIONS_STALE_SECONDS: '30' }, 'task')
        .problems,
    ).toEqual([
      {
        field: 'REVOCATIONS_STALE_SECONDS',
        problem: 'must be at least REVOCATIONS_MAX_AGE_SECONDS',
      },
    ]);
  });

  it('takes how long an admin user is trusted in seconds, 10 to 3600, and nothing else', () => {
    expect(readSettings({ ADMIN_USER_MAX_AGE_SECONDS: '60' }, 'task').adminUserMaxAgeMs).toBe(
      60_000,
    );
    for (const value of ['0', '5', '3601', 'an hour', '1.5']) {
      expect(settingsError({ ADMIN_USER_MAX_AGE_SECONDS: value }, 'task').problems).toEqual([
        { field: 'ADMIN_USER_MAX_AGE_SECONDS', problem: expect.any(String) },
      ]);
    }
  });

  it('looks targets up at start unless TARGET_LOOKUP_AT_START is false, and takes nothing else', () => {
    expect(readSettings({ TARGET_LOOKUP_AT_START: 'false' }, 'task').lookUpTargetsAtStart).toBe(
      false,
    );
    expect(settingsError({ TARGET_LOOKUP_AT_START: 'no' }, 'task').problems).toEqual([
      { field: 'TARGET_LOOKUP_AT_START', problem: expect.stringMatching(/true.*false/) },
    ]);
  });

  it('reads the API stage the API function serves and the clusters the deployment grants', () => {
    const settings = readSettings(
      { ...API, GRANTED_CLUSTERS: 'examplecluster,prod-dwh', GRANTED_WORKGROUPS: '' },
      'api',
    );

    expect(settings.api).toEqual({ apiId: 'a1b2c3d4e5', stage: 'v1' });
    expect(settings.grants).toEqual({
      clusters: new Set(['examplecluster', 'prod-dwh']),
      workgroups: new Set(),
    });
  });

  it.each([
    KEY_ARN,
    '1234abcd-12ab-34cd-56ef-1234567890ab',
    'alias/redshift-credential-vendor-task-output',
    'arn:aws:kms:us-east-1:123456789012:alias/task-output',
    'mrk-1234abcd12ab34cd56ef1234567890ab',
  ])('accepts the task-output key %s', (key) => {
    expect(readSettings({ TASK_OUTPUT_KEY_ID: key }, 'task').taskOutputKeyId).toBe(key);
  });

  it('fails closed naming every bad variable at once', () => {
    const error = settingsError(
      { POLICY_FILE: '', TASK_OUTPUT_KEY_ID: 'my key', GRANTED_CLUSTERS: 'a,,b' },
      'task',
    );

    expect(error).toMatchObject({
      file: '(environment)',
      statusCode: 500,
      message: "The function's settings are invalid; see the function log",
      problems: [
        { field: 'POLICY_FILE', problem: 'must be at least 1 long' },
        { field: 'TASK_OUTPUT_KEY_ID', problem: 'must be a KMS key id, key ARN or alias' },
        { field: 'GRANTED_CLUSTERS', problem: 'must be comma-separated cluster identifiers' },
      ],
    });
  });

  it('fails closed for the API function when it is not told which API stage it serves', () => {
    expect(settingsError({ API_ID: 'a1b2c3d4e5' }, 'api').problems).toEqual([
      {
        field: 'API_STAGE',
        problem: 'is required: the API function serves exactly one REST API stage',
      },
    ]);
  });
});
