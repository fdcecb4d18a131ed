import { exactWarnings } from '../../functions/domain/policy/exact-warnings.js';
import { type Grants, ungrantedTargets } from '../../functions/domain/policy/grants.js';
import { reviewPolicy } from '../../functions/domain/policy/text.js';
import { lineLocator } from './locate.js';

/**
 * `policy check [FILE] [--strict] [--config-env ENV]`: every problem and warning, each
 * `file:line: kind where: what`; with `grants` (what an environment of samconfig.toml would
 * deploy), also every target the deployment would not grant. Exit 0 when valid, 1 when invalid
 * (or, with --strict, when anything is to be said).
 */
export function check(
  file: string,
  text: string,
  strict: boolean,
  grants?: Grants,
): { output: string; code: number } {
  const review = reviewPolicy(text, file, exactWarnings);
  const { warnings } = review;
  const problems = [
    ...review.problems,
    ...(review.policy && grants ? ungrantedTargets(review.policy, grants) : []),
  ];
  const lineOf = lineLocator(text);
  // A syntax problem carries its own line; anything else is found by its field.
  const at = (field: string) =>
    `${file}:${/^\((?:yaml|json) line (\d+)\)$/.exec(field)?.[1] ?? lineOf(field) ?? 1}`;
  const lines = [
    ...problems.map(
      ({ field, rule, problem }) =>
        `${at(field)}: error ${field}${rule ? ` (rule ${rule})` : ''}: ${problem}`,
    ),
    ...warnings.map((warning) => {
      const where = /^(?:rules\[\d+\]|targets\.[\w.-]+?(?= ))/.exec(warning)?.[0] ?? '';
      return `${at(where)}: warning ${warning}`;
    }),
  ];
  const failed = problems.length > 0 || (strict && warnings.length > 0);
  const summary = `${file}: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}, ${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}${failed ? '' : ' — valid'}`;
  return { output: [...lines, summary].join('\n'), code: failed ? 1 : 0 };
}
