import { readdirSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { invoke } from '#support/local-vendor.js';

// `npm run invoke`, the Docker-free `sam local invoke -e`: every sample event answers as expected.
const EXPECTED_STATUS: Record<string, number> = {
  'api-iam-user.json': 200,
  'api-assumed-role.json': 200,
  'api-sso-role.json': 200,
  'api-http-v2.json': 200,
};
const TASK_EVENTS = [
  'task-example-etl.json',
  'task-example-etl-lake.json',
  'task-example-etl-finance.json',
];

describe('npm run invoke', () => {
  it('has an expectation for every sample event', () => {
    const events = readdirSync('events').filter(
      (file) => file.endsWith('.json') && file !== 'env.json',
    );

    expect(events.sort()).toEqual([...Object.keys(EXPECTED_STATUS), ...TASK_EVENTS].sort());
  });

  it.each(Object.entries(EXPECTED_STATUS))('answers events/%s with %i', async (file, status) => {
    const { result } = await invoke('credentials-api', `events/${file}`, {
      AWS_ENDPOINT_URL: inject('motoEndpoint'),
    });

    expect(result.statusCode).toBe(status);
    expect(JSON.parse(result.body)).toMatchObject({ dbUser: expect.stringMatching(/^IAMA?:/) });
  });

  it.each(TASK_EVENTS)('runs credentials-task on events/%s with env.json’s key', async (file) => {
    const { result } = await invoke('credentials-task', `events/${file}`, {
      AWS_ENDPOINT_URL: inject('motoEndpoint'),
    });

    expect(result).toMatchObject({
      dbUser: 'IAMA:wf_example-etl',
      encryptedPassword: expect.any(String),
      keyId: expect.stringMatching(/^arn:aws:kms:/),
    });
  });

  it('accepts the function by its logical id and starts its own emulator when none is set', async () => {
    const { result, stderr } = await invoke('CredentialsApiFunction', 'events/api-iam-user.json', {
      AWS_ENDPOINT_URL: undefined,
    });

    expect(result.statusCode).toBe(200);
    // The template's environment reached the function: the policy came from the layer's content.
    expect(stderr).toContain('"file":"local/policy.yaml"');
  });

  it('writes the result alone to stdout and the function logs, never the password, to stderr', async () => {
    const { result, stdout, stderr } = await invoke('credentials-api', 'events/api-sso-role.json', {
      AWS_ENDPOINT_URL: inject('motoEndpoint'),
      POWERTOOLS_LOG_LEVEL: 'DEBUG',
    });
    const { dbPassword } = JSON.parse(result.body) as { dbPassword: string };

    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain('"decision":"issued"');
    expect(dbPassword.length).toBeGreaterThanOrEqual(16);
    expect(stderr).not.toContain(dbPassword);
  });
});
