import type { Revocation } from '../../functions/domain/revocations.js';
import { inForce } from '../../functions/domain/revocations.js';
import type { Target } from '../../functions/domain/targets.js';
import type { SessionsToEnd } from './impact.js';

/** What a revocation stops, as its flags said it. */
export function describeScope({ scope }: Revocation): string {
  switch (scope.kind) {
    case 'principal':
      return scope.principal === '*'
        ? 'every caller (kill switch)'
        : `principal ${scope.principal}`;
    case 'dbUser':
      return `db user ${scope.dbUser}${scope.target === undefined ? '' : ` on ${scope.target}`}`;
    case 'rule':
      return `rule ${scope.rule}`;
  }
}

/** One line: id, what, why, who, when, until when. */
export function describeRevocation(revocation: Revocation, now: Date): string {
  const { id, reason, by, at, until } = revocation;
  const end =
    until === undefined
      ? 'until removed'
      : `until ${until.toISOString()}${inForce(revocation, now) ? '' : ' (expired)'}`;
  return `${id}  ${describeScope(revocation)}  "${reason}"  by ${by} at ${at.toISOString()}, ${end}`;
}

const whereIs = (target: Target) =>
  `${target.kind === 'cluster' ? `cluster ${target.clusterIdentifier}` : `workgroup ${target.workgroupName}`}, database ${target.database}${target.region === undefined ? '' : `, ${target.region}`}${target.roleArn === undefined ? '' : `, through ${target.roleArn}`}`;

/** The SQL for each target, ready to paste, or why there is none. */
export function describeSql(
  sessions: readonly SessionsToEnd[],
  sql: (dbUser: string) => string[],
  purpose: string,
): string {
  if (sessions.length === 0) return 'No db user to name from the policy: no SQL to run.';
  return [
    `SQL that ${purpose}, on each target:`,
    ...sessions.flatMap(({ target, dbUser }) => [
      `-- ${target.name} (${whereIs(target)}): ${dbUser}`,
      ...sql(dbUser).map((statement) => `${statement};`),
    ]),
  ].join('\n');
}
