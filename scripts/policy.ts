import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { PolicyError } from '../functions/domain/errors.js';
import { exactWarnings } from '../functions/domain/policy/exact-warnings.js';
import { parsePolicy } from '../functions/domain/policy/text.js';
import { parseRevocations } from '../functions/domain/revocations.js';
import { DEPLOYABLE_POLICY } from './deployable-policy.js';
import { readCases, runCases } from './policy/cases.js';
import { check } from './policy/check.js';
import { deploymentGrants } from './policy/config-env.js';
import { runDiff } from './policy/diff-command.js';
import { defaultHead, InputError } from './policy/diff-inputs.js';
import { describeExplanation, explain } from './policy/explain.js';

/**
 * `npm run policy -- <command>`: review the access policy offline, with the code the functions
 * run. check: problems and warnings; explain: one caller's decision; test: a file of cases.
 */
const DEFAULT_POLICY = DEPLOYABLE_POLICY;
const USAGE = `usage: npm run policy -- <command> [options] [FILE]   (FILE default ${DEFAULT_POLICY})

  check [FILE] [--strict] [--config-env ENV]
      every problem and warning; exit 0 valid, 1 invalid (--strict: warnings fail too);
      --config-env: also every target that environment of samconfig.toml would not grant
      e.g. npm run policy -- check --strict
  explain --principal ARN [--request JSON] [--revocations FILE] [--json] [FILE]
      the decision for that caller and request; exit 0 issued, 1 denied; --revocations: also
      refused as a revocation in that file (what npm run revoke -- list --json prints) refuses it
      e.g. npm run policy -- explain --principal arn:aws:sts::123456789012:assumed-role/etl-loader/run-1 --request '{"durationSeconds":1800}'
  test [FILE] [--cases CASES]
      runs the cases (default: policy.test.yaml beside FILE); exit 0 all pass, 1 any fails
      e.g. npm run policy -- test
  diff BASE [HEAD] [--principals FILE] [--cases CASES] [--json] [--fail-on gained]
      who gains, loses or changes which login between two versions: each a file or git's
      REF:PATH (HEAD default: the working file BASE names); exit 0 no change, 1 some change
      (--fail-on gained: only a gain), 2 an invalid version
      e.g. npm run policy -- diff main:${DEFAULT_POLICY}`;

class UsageError extends Error {}

function readFile(file: string): string {
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  return readFileSync(file, 'utf8');
}

/** The policy, or the exit of a policy that does not load (its problems on stderr). */
function loadPolicy(file: string) {
  try {
    return parsePolicy(readFile(file), file, exactWarnings);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    const { output } = check(file, readFile(file), false);
    console.error(`${output}\nthe policy does not load: fix it first (npm run policy -- check)`);
    process.exit(1);
  }
}

/** The revocations of a file `npm run revoke -- list --json` wrote: `{ id: revocation }`. */
function readRevocations(file: string) {
  let values: unknown;
  try {
    values = JSON.parse(readFile(file));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: not JSON (write it with npm run revoke -- list --json)`);
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new UsageError(`${file}: expected an object of revocations by id`);
  }
  try {
    return parseRevocations(values as Record<string, unknown>);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    const problems = error.problems.map(({ field, problem }) => `${field}: ${problem}`);
    throw new UsageError(`${file}: ${problems.join('; ')}`);
  }
}

/** `policy diff BASE [HEAD]`: see runDiff. */
function diff(
  versions: string[],
  values: { principals?: string; cases?: string; json: boolean; 'fail-on'?: string },
): number {
  const [base, given, ...extra] = versions;
  if (base === undefined) throw new UsageError('diff needs BASE');
  const head = given ?? defaultHead(base, DEFAULT_POLICY);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const failOn = values['fail-on'] ?? 'any';
  if (failOn !== 'any' && failOn !== 'gained') {
    throw new UsageError(`--fail-on takes gained or any, not ${failOn}`);
  }
  const named = (file: string) => ({ label: file, text: readFile(file) });
  const { output, errors, code } = runDiff({
    base,
    head,
    ...(values.principals !== undefined && { principals: named(values.principals) }),
    ...(values.cases !== undefined && { cases: named(values.cases) }),
    json: values.json,
    failOn,
  });
  if (errors) console.error(errors);
  if (output) console.log(output);
  return code;
}

function run(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      strict: { type: 'boolean', default: false },
      principal: { type: 'string' },
      request: { type: 'string' },
      json: { type: 'boolean', default: false },
      cases: { type: 'string' },
      revocations: { type: 'string' },
      'config-env': { type: 'string' },
      principals: { type: 'string' },
      'fail-on': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, file = DEFAULT_POLICY, ...extra] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (command === 'diff') return diff(positionals.slice(1), values);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);

  switch (command) {
    case 'check': {
      const environment = values['config-env'];
      let grants: ReturnType<typeof deploymentGrants> | undefined;
      try {
        grants = environment === undefined ? undefined : deploymentGrants(environment);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const { output, code } = check(file, readFile(file), values.strict, grants);
      console.log(output);
      return code;
    }
    case 'explain': {
      if (!values.principal) throw new UsageError('explain needs --principal ARN');
      let request: unknown = {};
      if (values.request !== undefined) {
        try {
          request = JSON.parse(values.request);
        } catch {
          throw new UsageError('--request must be JSON, e.g. \'{"target":"analytics"}\'');
        }
      }
      const revocations =
        values.revocations === undefined ? [] : readRevocations(values.revocations);
      const explanation = explain(loadPolicy(file), values.principal, request, revocations);
      console.log(
        values.json ? JSON.stringify(explanation, null, 2) : describeExplanation(explanation),
      );
      return explanation.decision === 'issued' ? 0 : 1;
    }
    case 'test': {
      const casesFile = values.cases ?? join(dirname(file), 'policy.test.yaml');
      const cases = readCases(readFile(casesFile), casesFile);
      const { output, code } = runCases(loadPolicy(file), cases);
      console.log(output);
      return code;
    }
    default:
      throw new UsageError(command ? `unknown command: ${command}` : 'a command is required');
  }
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (error) {
  if (
    error instanceof UsageError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    console.error(`policy: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof InputError) {
    console.error(`policy: ${error.message}`);
    process.exitCode = 2;
  } else if (error instanceof Error && /^.+\.ya?ml: /.test(error.message)) {
    console.error(`policy: ${error.message}`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
