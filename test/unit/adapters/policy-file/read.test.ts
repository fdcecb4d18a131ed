import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readPolicyFile } from '#adapters/policy-file.js';
import { decide } from '#domain/decide.js';
import { PolicyError } from '#domain/errors.js';
import { principalFromArn } from '#domain/identity.js';
import type { Policy } from '#domain/policy/model.js';
import { directory, policyFile, RULE, TARGETS } from '#support/policy-files.js';

describe('readPolicyFile', () => {
  it('loads the local stack’s policy', async () => {
    const policy = await readPolicyFile('local/policy.yaml');

    expect(policy.rules.map((rule) => rule.name)).toEqual([
      'etl-roles',
      'reporting-services',
      'sso-analysts',
      'etl-workflows',
      'nobody-else',
    ]);
    expect(policy.warnings).toEqual([]);
  });

  it('fails closed on a file that does not exist, naming it', async () => {
    await expect(readPolicyFile('test/fixtures/policies/missing.yaml')).rejects.toThrow(
      PolicyError,
    );
    try {
      await readPolicyFile('test/fixtures/policies/missing.yaml');
    } catch (error) {
      expect(error).toMatchObject({
        file: 'test/fixtures/policies/missing.yaml',
        problems: [{ field: '(file)', problem: 'cannot be read (ENOENT)' }],
      });
    }
  });

  it('rejects a rule using ${sessionName} without trustSessionName, naming file, rule and field', async () => {
    let error: unknown;
    try {
      await readPolicyFile('test/fixtures/policies/invalid-session-name.yaml');
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).problems).toEqual([
      {
        field: 'rules[1].dbUser',
        rule: '#1 sso-analysts',
        problem: expect.stringMatching(/\$\{sessionName\}.*trustSessionName: true/),
      },
    ]);
    expect((error as PolicyError).file).toBe('test/fixtures/policies/invalid-session-name.yaml');
  });
});

describe('readPolicyFile, beside other files', () => {
  const document = { version: 1, targets: TARGETS, rules: [RULE] };
  const yaml = stringify(document);
  // A document that would issue a powerful user to everyone, in every form a file might take.
  const permissive = {
    version: 1,
    targets: TARGETS,
    rules: [{ name: 'everyone', principals: ['*'], targets: ['analytics'], dbUser: 'dbowner' }],
  };
  const contents = [
    JSON.stringify(permissive),
    stringify(permissive),
    JSON.stringify({
      format: 'redshift-credential-vendor/parsed-policy/1',
      sourceSha256: createHash('sha256').update(yaml).digest('hex'),
      document: permissive,
    }),
    'rules: [unclosed',
    '',
  ];
  const names = [
    'policy.parsed.json',
    'policy.json',
    'policy.yml',
    'policy.yaml.bak',
    '.policy.yaml',
    'policy.test.yaml',
    'index.mjs',
  ];
  const principals = [
    'arn:aws:sts::123456789012:assumed-role/etl-loader/run-1',
    'arn:aws:iam::123456789012:user/mallory',
    'arn:aws:sts::210987654321:assumed-role/etl-loader/run-1',
  ];
  const decisions = (policy: Policy) =>
    principals.map((arn) => decide(policy, principalFromArn(arn), {}));

  it('decides from the policy file alone: no file placed beside it changes a decision', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'policy-folder-'));
    const file = join(folder, 'policy.yaml');
    writeFileSync(file, yaml);
    const alone = decisions(await readPolicyFile(file));

    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...names), fc.stringMatching(/^[a-z][a-z.]{0,11}$/)),
        fc.constantFrom(...contents),
        async (name, content) => {
          fc.pre(name !== 'policy.yaml');
          const beside = join(folder, name);
          writeFileSync(beside, content);
          try {
            expect(decisions(await readPolicyFile(file))).toEqual(alone);
          } finally {
            rmSync(beside, { force: true });
          }
        },
      ),
      { numRuns: 60 },
    );
    expect(alone.map(({ decision }) => decision)).toEqual(['issued', 'denied', 'denied']);
  });

  it('reads a policy written as JSON with the same validation as the YAML', async () => {
    const invalid = { ...document, rules: [{ ...RULE, dbGroups: ['Admins'] }] };
    const fromYaml = await readPolicyFile(policyFile('invalid-groups', invalid)).catch(
      (error: unknown) => error,
    );
    const json = join(directory, 'invalid-groups.json');
    writeFileSync(json, JSON.stringify(invalid));

    const fromJson = await readPolicyFile(json).catch((error: unknown) => error);

    expect(fromJson).toBeInstanceOf(PolicyError);
    expect((fromJson as PolicyError).problems).toEqual((fromYaml as PolicyError).problems);
    expect((fromJson as PolicyError).problems).toHaveLength(1);
  });
});
