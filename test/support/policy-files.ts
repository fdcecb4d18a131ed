/** Policy files the policy-file tests write: a temp folder, and a valid target and rule to build on. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { stringify } from 'yaml';
import { captureOutput } from '#support/lambda.js';

export const TARGETS = {
  analytics: { clusterIdentifier: 'examplecluster', database: 'exampledb' },
};
export const RULE = {
  name: 'etl',
  principals: ['arn:aws:iam::123456789012:role/etl-*'],
  targets: ['analytics'],
  dbUser: 'etl_${roleName}',
};
export const directory = mkdtempSync(join(tmpdir(), 'policies-'));

export function policyFile(name: string, content: unknown): string {
  const file = join(directory, `${name}.yaml`);
  writeFileSync(file, typeof content === 'string' ? content : stringify(content));
  return file;
}

export async function load(file: string) {
  vi.resetModules();
  const output = captureOutput();
  const { loadPolicyOrFailClosed } = await import('#adapters/policy-file.js');
  const { logger } = await import('#commons/logger.js');
  const result = await loadPolicyOrFailClosed(file, logger);
  return { result, lines: output.logLines() };
}
