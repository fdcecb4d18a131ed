import { PROTECTED_USER } from '../../functions/domain/authorize.js';
import type { Access } from './access.js';

/**
 * How one caller's access differs between two versions of the policy, in the terms a reviewer
 * weighs: what it gains (a login it had not, a target, group or database more, a longer
 * credential, its user created for it), what it loses, and what only changes (another db user, or
 * another rule with the same reach).
 */
export type Category = 'gained' | 'lost' | 'changed';
export const CATEGORIES: readonly Category[] = ['gained', 'lost', 'changed'];

export interface Aspect {
  readonly category: Category;
  readonly text: string;
  /**
   * The field that makes it: of the deciding rule (`dbGroups`), or of the policy (`targets.lake`,
   * `protectedDbUsers`), so that each version's line can be found.
   */
  readonly field: string;
  /** The same for every caller the change is alike for (it leaves out the caller's own names). */
  readonly key: string;
}

const list = (names: readonly string[] | undefined) =>
  names && names.length > 0 ? names.join(', ') : '(none)';

/** The access issued, in one line: db user, groups, targets with databases, duration. */
export function describeIssued(access: Access): string {
  const targets = Object.entries(access.targets ?? {})
    .map(([name, { databases }]) => `${name} (${databases.join(', ')})`)
    .join(', ');
  return `db user ${access.dbUser}, groups ${list(access.dbGroups)}, ${targets}, up to ${access.maxDurationSeconds} s`;
}

/** The field of the policy a refusal's reason is about: what to show a reviewer. */
function fieldOfDenial(reason = ''): string {
  if (reason === PROTECTED_USER) return 'protectedDbUsers';
  const fields: [RegExp, string][] = [
    [/^(rendered dbUser|dbUser template)/, 'dbUser'],
    [/^target "/, 'targets'],
    [/^database "/, 'databases'],
    [/^group "/, 'dbGroups'],
    [/^durationSeconds /, 'maxDurationSeconds'],
  ];
  return fields.find(([pattern]) => pattern.test(reason))?.[1] ?? 'principals';
}

const added = <T>(from: readonly T[], to: readonly T[]) =>
  to.filter((each) => !from.includes(each));

/** What differs between `before` and `after`, each difference once; empty when nothing does. */
export function compareAccess(before: Access, after: Access): Aspect[] {
  if (before.decision === 'denied' && after.decision === 'denied') return [];
  if (before.decision === 'denied') {
    return [
      {
        category: 'gained',
        text: `issued: ${describeIssued(after)}`,
        field: 'principals',
        key: `issued:${after.rule}`,
      },
    ];
  }
  if (after.decision === 'denied') {
    return [
      {
        category: 'lost',
        text: `denied: ${after.reason}`,
        field: fieldOfDenial(after.reason),
        key: `denied:${before.rule}:${after.rule}:${fieldOfDenial(after.reason)}:${after.code}`,
      },
    ];
  }
  const aspects: Aspect[] = [];
  const note = (category: Category, text: string, field: string, key = text) =>
    aspects.push({ category, text, field, key });
  const beforeTargets = before.targets ?? {};
  const afterTargets = after.targets ?? {};
  for (const [name, target] of Object.entries(afterTargets)) {
    const was = beforeTargets[name];
    if (was === undefined) {
      note('gained', `target ${name}: ${target.at}, ${list(target.databases)}`, 'targets');
      continue;
    }
    if (was.at !== target.at) {
      note('gained', `target ${name} now ${target.at} (was ${was.at})`, `targets.${name}`);
    }
    for (const database of added(was.databases, target.databases)) {
      note('gained', `database ${database} on ${name}`, 'databases');
    }
    for (const database of added(target.databases, was.databases)) {
      note('lost', `database ${database} on ${name}`, 'databases');
    }
  }
  for (const name of added(Object.keys(afterTargets), Object.keys(beforeTargets))) {
    note('lost', `target ${name}`, 'targets');
  }
  for (const group of added(before.dbGroups ?? [], after.dbGroups ?? [])) {
    note('gained', `group ${group}`, 'dbGroups');
  }
  for (const group of added(after.dbGroups ?? [], before.dbGroups ?? [])) {
    note('lost', `group ${group}`, 'dbGroups');
  }
  const [was = 0, now = 0] = [before.maxDurationSeconds, after.maxDurationSeconds];
  if (now !== was) {
    note(now > was ? 'gained' : 'lost', `up to ${now} s (was ${was} s)`, 'maxDurationSeconds');
  }
  if (before.autoCreate !== after.autoCreate) {
    note(
      after.autoCreate ? 'gained' : 'lost',
      after.autoCreate ? 'db user created on first use' : 'db user no longer created on first use',
      'autoCreate',
    );
  }
  if (before.dbUser !== after.dbUser) {
    note(
      'changed',
      `db user ${before.dbUser} → ${after.dbUser}`,
      'dbUser',
      `dbUser:${before.rule}:${after.rule}`,
    );
  }
  if (aspects.length === 0 && before.rule !== after.rule) {
    note('changed', `rule ${before.rule} → ${after.rule}, same access`, 'principals');
  }
  return aspects;
}

/** The category a reviewer files a caller's change under: any gain first, then any loss. */
export function categoryOf(aspects: readonly Aspect[]): Category | undefined {
  return CATEGORIES.find((category) => aspects.some((aspect) => aspect.category === category));
}
