import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { copyOfRepository } from '#support/repository-copy.js';

// The example workflow that posts `policy diff` on a pull request: its steps' scripts, run as
// the runner would in a repository whose pull request changes the policy, do what it says.
const WORKFLOW = 'docs/examples/policy-diff.yml';
const CHANGE = 'docs/examples/policy-change';

interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly run?: string;
  readonly uses?: string;
}
interface Workflow {
  readonly on: { readonly pull_request: { readonly paths: readonly string[] } };
  readonly permissions: Record<string, string>;
  readonly jobs: {
    readonly diff: { readonly env: { readonly BASE_POLICY: string }; readonly steps: Step[] };
  };
}

const workflow = parse(readFileSync(WORKFLOW, 'utf8')) as Workflow;
const { steps } = workflow.jobs.diff;
const step = (name: string) => steps.find((each) => each.name?.startsWith(name));
// The base branch's policy, as the workflow names it: `origin/<base branch>:<path>`.
const [basePrefix = '', policyPath = ''] = workflow.jobs.diff.env.BASE_POLICY.split(':');

describe('the example pull-request workflow for policy diff', () => {
  let repository: string;
  const runStep = (name: string, env: Record<string, string> = {}) => {
    const script = step(name)?.run ?? '';
    return spawnSync('bash', ['-eo', 'pipefail', '-c', script], {
      cwd: repository,
      encoding: 'utf8',
      env: {
        ...process.env,
        BASE_POLICY: `origin/main:${policyPath}`,
        GITHUB_OUTPUT: join(outputs, 'github-output'),
        ...env,
      },
    });
  };
  const outputs = mkdtempSync(join(tmpdir(), 'workflow-outputs-'));

  beforeAll(() => {
    // A repository whose main branch holds the example's policy before the change, and whose
    // pull request (the working tree) holds it after.
    repository = copyOfRepository();
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
        cwd: repository,
      });
    copyFileSync(join(CHANGE, 'base.yaml'), join(repository, policyPath));
    copyFileSync(
      join(CHANGE, 'policy.test.yaml'),
      join(repository, dirname(policyPath), 'policy.test.yaml'),
    );
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'main');
    git('update-ref', 'refs/remotes/origin/main', 'HEAD');
    copyFileSync(join(CHANGE, 'policy.yaml'), join(repository, policyPath));
  }, 120_000);

  it('runs on pull requests that touch the policy, and may comment on them', () => {
    expect(basePrefix).toBe('origin/${{ github.base_ref }}');
    const folder = `${dirname(policyPath)}/**`;
    expect(workflow.on.pull_request.paths).toContain(folder);
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(steps.find((each) => each.uses?.startsWith('actions/checkout'))).toMatchObject({
      with: { 'fetch-depth': 0 },
    });
  });

  it('writes the diff as a comment and passes when the versions are valid', () => {
    const result = runStep('Compare the policy');

    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(join(outputs, 'github-output'), 'utf8')).toBe('exit=1\n');
    const comment = readFileSync(join(repository, 'comment.md'), 'utf8');
    expect(comment).toMatch(/^### Who gains and who loses which Redshift login\n\n```\nbase /);
    expect(comment).toContain('\n1 gained, 2 lost, 1 changed\n```\n');
    expect(step('Post it')?.run).toContain('--body-file comment.md');
  });

  it('holds a change that gives more access until the approval label is added', () => {
    const held = runStep('A change that gives more access', { APPROVED: 'false' });
    const approved = runStep('A change that gives more access', { APPROVED: 'true' });

    expect(held.status).toBe(1);
    expect(held.stdout).toContain('::error::Callers gain access');
    expect(approved.status).toBe(0);
  });
});
