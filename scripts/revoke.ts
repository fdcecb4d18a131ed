import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { arnPatternProblem } from '../functions/domain/arn-like.js';
import { PolicyError } from '../functions/domain/errors.js';
import { policyFromDocument } from '../functions/domain/policy/compile.js';
import type { AllowRule, Policy } from '../functions/domain/policy/model.js';
import { parsePolicyText } from '../functions/domain/policy/text.js';
import {
  type RevocationValue,
  RevocationValueSchema,
  revocationValue,
} from '../functions/domain/revocations.js';
import { DEPLOYABLE_POLICY } from './deployable-policy.js';
import { runOnTarget } from './revoke/data-api.js';
import { revocationEnd } from './revoke/duration.js';
import { revocationImpact } from './revoke/impact.js';
import { describeRevocation, describeSql } from './revoke/report.js';
import { endSessionsSql, redshiftUser, restoreLoginSql } from './revoke/sql.js';
import { revocationStore } from './revoke/store.js';

/**
 * `npm run revoke -- add | list | remove`: an operator stops (and lifts) issuance to a caller, a
 * db user or a rule within seconds, with their own AWS credentials, and gets the SQL that ends
 * the db user's logins and sessions, or has it run through the Redshift Data API.
 */
const DEFAULT_POLICY = DEPLOYABLE_POLICY;
const USAGE = `usage: npm run revoke -- <command> [options]     (table: --table NAME or REVOCATIONS_TABLE)

  add (--principal PATTERN | --db-user NAME [--target T] | --rule NAME) --reason TEXT
      [--for 2h | --until ISO] [--policy FILE] [--end-sessions --as-db-user ADMIN]
      records a revocation (refused within REVOCATIONS_MAX_AGE_SECONDS, 10 s by default); prints
      what it matches in the policy (default ${DEFAULT_POLICY}) and the SQL that ends the db
      user's logins and sessions; --end-sessions runs it through the Redshift Data API
      e.g. npm run revoke -- add --principal 'arn:aws:iam::123456789012:role/etl-loader' --reason 'key leaked' --for 2h
  list [--json]
      every revocation, in the order they were recorded; expired ones are marked; --json: the
      revocations by id, as npm run policy -- explain --revocations FILE reads them
  remove ID [--policy FILE] [--restore-logins --as-db-user ADMIN]
      lifts a revocation; prints (and with --restore-logins runs) the SQL that lets the db user
      log in again`;

class UsageError extends Error {}

const options = {
  principal: { type: 'string' },
  'db-user': { type: 'string' },
  target: { type: 'string' },
  rule: { type: 'string' },
  reason: { type: 'string' },
  for: { type: 'string' },
  until: { type: 'string' },
  table: { type: 'string' },
  policy: { type: 'string', default: DEFAULT_POLICY },
  'end-sessions': { type: 'boolean', default: false },
  'restore-logins': { type: 'boolean', default: false },
  'as-db-user': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

// The operator's own credentials, named: the SDK's default chain in this repository is the
// functions' environment-only one.
const credentials = defaultProvider();

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options });
  const [command, ...rest] = positionals;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const table = values.table ?? process.env.REVOCATIONS_TABLE;
  if (!table) {
    throw new UsageError(
      'no table: give --table NAME or set REVOCATIONS_TABLE (the stack output RevocationsTableName)',
    );
  }
  const store = revocationStore(new DynamoDBClient({ credentials }), table);
  switch (command) {
    case 'add':
      if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
      return add(values, store);
    case 'list': {
      if (rest.length > 0) throw new UsageError(`unexpected arguments: ${rest.join(' ')}`);
      const now = new Date();
      const revocations = await store.list();
      if (values.json) {
        console.log(
          JSON.stringify(
            Object.fromEntries(revocations.map((one) => [one.id, revocationValue(one)])),
            null,
            2,
          ),
        );
        return 0;
      }
      for (const revocation of revocations) console.log(describeRevocation(revocation, now));
      console.log(
        `${revocations.length} revocation${revocations.length === 1 ? '' : 's'} in ${table}`,
      );
      return 0;
    }
    case 'remove': {
      const [id, ...extra] = rest;
      if (id === undefined || extra.length > 0)
        throw new UsageError('remove takes one revocation id');
      const removed = await store.remove(id);
      if (removed === undefined) {
        console.error(`revoke: no revocation ${id} in ${table} (npm run revoke -- list)`);
        return 1;
      }
      console.log(`removed ${describeRevocation(removed, new Date())}`);
      const { sessions } = impactIn(values.policy, removed.scope);
      console.log(describeSql(sessions, restoreLoginSql, 'lets the db user log in again'));
      if (!values['restore-logins']) return 0;
      return runEverywhere(sessions, restoreLoginSql, values['as-db-user']);
    }
    default:
      throw new UsageError(command ? `unknown command: ${command}` : 'a command is required');
  }
}

async function add(values: Values, store: ReturnType<typeof revocationStore>): Promise<number> {
  const scopes = [values.principal, values['db-user'], values.rule].filter(
    (one) => one !== undefined,
  );
  if (scopes.length !== 1)
    throw new UsageError('give exactly one of --principal, --db-user, --rule');
  if (values.target !== undefined && values['db-user'] === undefined) {
    throw new UsageError('--target narrows --db-user only');
  }
  if (!values.reason) throw new UsageError('--reason is required: say why, for the audit trail');
  if (values.principal !== undefined && arnPatternProblem(values.principal) !== undefined) {
    throw new UsageError(`--principal ${values.principal}: must be "*" or an ARN pattern`);
  }
  if (values['end-sessions'] && values['as-db-user'] === undefined) {
    throw new UsageError('--end-sessions needs --as-db-user ADMIN: the user the SQL runs as');
  }
  const dbUser =
    values['db-user'] === undefined ? undefined : redshiftUser(values['db-user']).toLowerCase();
  const now = new Date();
  let until: Date | undefined;
  try {
    until = revocationEnd({ for: values.for, until: values.until }, now);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const policyFile = values.policy;
  const sts = new STSClient({ credentials });
  const { Arn: by = 'unknown' } = await sts.send(new GetCallerIdentityCommand({}));
  sts.destroy();
  const value: RevocationValue = RevocationValueSchema.parse({
    reason: values.reason,
    by,
    at: now.toISOString(),
    ...(until !== undefined && { until: until.toISOString() }),
    ...(values.principal !== undefined && { principal: values.principal }),
    ...(dbUser !== undefined && { dbUser }),
    ...(values.target !== undefined && { target: values.target }),
    ...(values.rule !== undefined && { rule: values.rule }),
  });
  const revocation = await store.add(value);
  console.log(`revoked ${describeRevocation(revocation, now)}`);
  console.log(
    'Refused by every function within REVOCATIONS_MAX_AGE_SECONDS (10 s by default); passwords already issued stay valid until they expire, so end the logins too:',
  );
  const impact = impactIn(policyFile, revocation.scope);
  for (const line of impact.lines) console.log(`  ${line}`);
  for (const rule of impact.renderedUsers) {
    console.log(
      `  rule ${rule} renders a user per caller: end a user's logins with --db-user NAME (docs/incident-response.md finds who holds credentials)`,
    );
  }
  console.log(
    describeSql(impact.sessions, endSessionsSql, "ends the db user's logins and sessions"),
  );
  if (!values['end-sessions']) return 0;
  return runEverywhere(impact.sessions, endSessionsSql, values['as-db-user']);
}

/** What a revocation matches in the policy file (read with the functions' own code). */
function impactIn(file: string, scope: Parameters<typeof revocationImpact>[2]) {
  if (!existsSync(file)) throw new UsageError(`no such policy file: ${file} (--policy FILE)`);
  // Parsed once: the compiled policy decides, the document has each rule's principal patterns.
  const parsed = parsePolicyText(readFileSync(file, 'utf8'), file);
  let policy: Policy;
  try {
    if ('problem' in parsed) throw new PolicyError(file, parsed.problem.problems);
    policy = policyFromDocument(parsed.document, file);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    throw new UsageError(
      `${file} does not load (npm run policy -- check ${file}): ${error.problems.map(({ field, problem }) => `${field}: ${problem}`).join('; ')}`,
    );
  }
  const { rules } = parsed.document as { rules?: { principals?: string[] }[] };
  const principalsOf = (rule: AllowRule) => rules?.[rule.index]?.principals ?? [];
  return revocationImpact(policy, principalsOf, scope);
}

/** Runs the SQL on every target through the Data API; 0 when all of it ran, else 1. */
async function runEverywhere(
  sessions: ReturnType<typeof revocationImpact>['sessions'],
  sql: (dbUser: string) => string[],
  asDbUser: string | undefined,
): Promise<number> {
  if (asDbUser === undefined) throw new UsageError('running the SQL needs --as-db-user ADMIN');
  let failed = 0;
  for (const { target, dbUser } of sessions) {
    try {
      const runs = await runOnTarget(target, sql(dbUser), asDbUser, credentials);
      for (const { sql: statement, rows } of runs)
        console.log(`ran on ${target.name}: ${statement} (${rows} rows)`);
    } catch (error) {
      failed += 1;
      console.error(`revoke: ${(error as Error).message}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (
    error instanceof UsageError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
  ) {
    console.error(`revoke: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof Error && '$metadata' in error) {
    // What AWS refused, in one line: the table, the credentials, the permission.
    console.error(`revoke: ${error.name}: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
