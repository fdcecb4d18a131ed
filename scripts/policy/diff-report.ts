import { CATEGORIES, type Category } from './changes.js';
import type { Change, Diff, LocatedAspect } from './diff.js';

/** `policy diff`'s output: for a reviewer, grouped by what callers gain, lose or only change. */

const SIGN: Record<Category, string> = { gained: '+', lost: '-', changed: '~' };

export function counts(diff: Diff): Record<Category, number> {
  const tally = { gained: 0, lost: 0, changed: 0 };
  for (const change of diff.changes) tally[change.category] += 1;
  return tally;
}

export const summaryLine = (tally: Record<Category, number>) =>
  `${tally.gained} gained, ${tally.lost} lost, ${tally.changed} changed`;

const at = (line: number | undefined) => (line === undefined ? '' : ` line ${line}`);

/** Which rule of each version made an aspect, and on which line: `rule a (base line 4 → 6)`. */
function cause({ base, head }: LocatedAspect): string {
  if (base && head && base.rule === head.rule) {
    const lines =
      base.line === head.line ? at(base.line) : ` base${at(base.line)} → head${at(head.line)}`;
    return `rule ${head.rule}:${lines}`;
  }
  const parts = [
    base && `base rule ${base.rule}${at(base.line)}`,
    head && `head rule ${head.rule}${at(head.line)}`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' → ') : 'no rule matches';
}

function describeChange(change: Change): string[] {
  const notes = [
    change.request && `request ${JSON.stringify(change.request)}`,
    change.origin === 'case' && 'from the cases',
    change.origin === 'example' && 'example of the patterns',
    change.alike.length > 0 && `${change.alike.length} more examples alike`,
  ].filter(Boolean);
  return [
    `  ${change.principal}${notes.length > 0 ? `  (${notes.join('; ')})` : ''}`,
    ...change.aspects.map(
      (aspect) => `    ${SIGN[aspect.category]} ${aspect.text}    [${cause(aspect)}]`,
    ),
  ];
}

/** The report for a reader; its last line is `N gained, M lost, K changed`. */
export function describeDiff(diff: Diff, base: string, head: string): string {
  const { case: cases, principals, example } = diff.compared;
  const lines = [
    `base ${base}`,
    `head ${head}`,
    `compared ${cases + principals + example} callers (${cases} from the cases, ${principals} from --principals, ${example} examples of the patterns), each with ${diff.requests === 1 ? 'the request that names nothing' : `${diff.requests} requests: none, and each a case names`}`,
  ];
  for (const category of CATEGORIES) {
    const changes = diff.changes.filter((change) => change.category === category);
    if (changes.length === 0) continue;
    lines.push('', `${category}:`, ...changes.flatMap(describeChange));
  }
  if (!diff.complete) {
    lines.push(
      '',
      'note: the search for examples stopped at its limit, so some callers may be unseen: name them with --principals',
    );
  }
  lines.push('', summaryLine(counts(diff)));
  return lines.join('\n');
}

/** The report for machines. */
export function diffJson(diff: Diff, base: string, head: string): string {
  return JSON.stringify(
    {
      base,
      head,
      compared: diff.compared,
      requests: diff.requests,
      complete: diff.complete,
      summary: counts(diff),
      // An aspect's key is how alike examples are told apart here, not part of the report.
      changes: diff.changes.map(({ aspects, ...change }) => ({
        ...change,
        aspects: aspects.map(({ key: _key, ...aspect }) => aspect),
      })),
    },
    null,
    2,
  );
}
