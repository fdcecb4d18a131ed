import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { reviewPolicyDocument } from '../../functions/domain/policy/compile.js';
import { isPlainObject } from '../../functions/domain/policy/document.js';
import { parsePolicyText } from '../../functions/domain/policy/text.js';
import type { Probe, Version } from './diff.js';
import { lineLocator } from './locate.js';

/**
 * What `policy diff` reads: the two versions (a file, or `REF:PATH` as `git show` takes it), the
 * cases beside each, and the reviewer's list of principals (ARNs, or what `aws iam list-roles` or
 * `list-users` print).
 */

export class InputError extends Error {}

/** A policy's text as one version holds it. */
export interface Source {
  readonly label: string;
  readonly text: string;
  /** The cases file beside it in the same version, when there is one. */
  readonly cases?: { readonly label: string; readonly text: string };
}

function gitShow(spec: string): { text: string } | { error: string } {
  const shown = spawnSync('git', ['show', spec], { encoding: 'utf8' });
  if (shown.error) return { error: `git: ${shown.error.message}` };
  if (shown.status !== 0) return { error: shown.stderr.trim().split('\n')[0] ?? 'git show failed' };
  return { text: shown.stdout };
}

/** A version named as git's `REF:PATH`, split; undefined for anything else. */
function gitSpec(spec: string): { ref: string; path: string } | undefined {
  const separator = spec.indexOf(':');
  // git would read a leading dash as one of its options.
  if (separator <= 0 || spec.startsWith('-')) return undefined;
  return { ref: spec.slice(0, separator), path: spec.slice(separator + 1) };
}

/** The HEAD a BASE implies when none is named: the working file at the path a git BASE reads. */
export function defaultHead(base: string, fallback: string): string {
  const git = existsSync(base) ? undefined : gitSpec(base);
  return git === undefined ? fallback : posix.normalize(git.path);
}

/**
 * Reads one version: a file when one by that name exists, otherwise git's `REF:PATH` (the path
 * from the repository's top, or `./` for the current folder), e.g. `main:policy/policy.yaml`.
 */
export function readSource(spec: string): Source {
  if (existsSync(spec)) {
    const cases = posix.join(posix.dirname(spec), 'policy.test.yaml');
    return {
      label: spec,
      text: readFileSync(spec, 'utf8'),
      ...(existsSync(cases) && { cases: { label: cases, text: readFileSync(cases, 'utf8') } }),
    };
  }
  const git = gitSpec(spec);
  if (git === undefined) throw new InputError(`no such file: ${spec}`);
  const shown = gitShow(spec);
  if ('error' in shown) {
    throw new InputError(`${spec}: not a file, and git show cannot read it (${shown.error})`);
  }
  const { ref, path } = git;
  const casesSpec = `${ref}:${posix.join(posix.dirname(path), 'policy.test.yaml')}`;
  const cases = gitShow(casesSpec);
  return {
    label: spec,
    text: shown.text,
    ...('text' in cases && { cases: { label: casesSpec, text: cases.text } }),
  };
}

/** A source as a version to compare, or undefined when it is not a valid policy. */
export function loadVersion(source: Source): Version | undefined {
  const parsed = parsePolicyText(source.text, source.label);
  if ('problem' in parsed) return undefined;
  const { policy } = reviewPolicyDocument(parsed.document);
  if (policy === undefined) return undefined;
  const document = isPlainObject(parsed.document) ? parsed.document : {};
  const rules = (Array.isArray(document.rules) ? document.rules : []).filter(isPlainObject);
  const strings = (value: unknown) =>
    Array.isArray(value) ? value.filter((each) => typeof each === 'string') : [];
  return {
    label: source.label,
    policy,
    patterns: rules.map((rule) => strings(rule.principals)),
    templates: rules.flatMap((rule) => strings([rule.dbUser])),
    lineOf: lineLocator(source.text),
  };
}

/** A source that is a valid policy, as a version to compare. */
export function versionOf(source: Source): Version {
  const version = loadVersion(source);
  if (version === undefined) throw new InputError(`${source.label}: not a valid policy`);
  return version;
}

/** A representative session name, for a role listed without its sessions. */
export const SESSION_NAME = 'example-session';
/** IAM Identity Center names a session after the user: a representative user name. */
export const SSO_SESSION_NAME = 'someone@example.com';
const SSO_PATH = '/aws-reserved/sso.amazonaws.com/';

/** A role's ARN as the caller its sessions are (a role never calls by its own ARN). */
function sessionOf(roleArn: string, path = ''): string {
  const role = /^arn:([^:]+):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (!role) return roleArn;
  const [, partition, account, name] = role;
  const sso = path.startsWith(SSO_PATH) || roleArn.includes(`:role${SSO_PATH}`);
  const session = sso ? SSO_SESSION_NAME : SESSION_NAME;
  return `arn:${partition}:sts::${account}:assumed-role/${name}/${session}`;
}

/**
 * The principals of a `--principals` file: one ARN a line (blank lines and `#` comments aside),
 * or the JSON of `aws iam list-roles` (`{"Roles": […]}`) or `aws iam list-users`
 * (`{"Users": […]}`). Roles become a session of theirs.
 */
export function readPrincipals(text: string, label: string): string[] {
  if (!text.trimStart().startsWith('{')) {
    return text
      .split('\n')
      .map((line) => line.replace(/#.*/, '').trim())
      .filter(Boolean)
      .map((arn) => sessionOf(arn));
  }
  let listed: unknown;
  try {
    listed = JSON.parse(text);
  } catch {
    throw new InputError(`${label}: not JSON, and not one ARN a line`);
  }
  const entries = isPlainObject(listed) ? (listed.Roles ?? listed.Users) : undefined;
  if (!Array.isArray(entries)) {
    throw new InputError(
      `${label}: expected the JSON of aws iam list-roles ("Roles") or list-users ("Users")`,
    );
  }
  return entries.flatMap((entry) => {
    if (!isPlainObject(entry) || typeof entry.Arn !== 'string') return [];
    return [sessionOf(entry.Arn, typeof entry.Path === 'string' ? entry.Path : '')];
  });
}

/** The callers of a cases file, each with its request (none: undefined). */
export function probesOfCases(cases: readonly { principal: string; request?: unknown }[]): Probe[] {
  return cases.map(({ principal, request }) => ({
    principal,
    origin: 'case',
    ...(isPlainObject(request) && { request }),
  }));
}
