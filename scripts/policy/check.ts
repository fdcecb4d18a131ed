import { reviewPolicy } from '../../functions/domain/policy-text.js';
import { exactWarnings } from '../../functions/domain/rule-reach.js';
import { lineLocator } from './locate.js';

/**
 * `policy check [FILE] [--strict]`: every problem and warning, each `file:line: kind where: what`;
 * exit 0 when valid, 1 when invalid (or, with --strict, when anything is to be said).
 */
export function check(
  file: string,
  text: string,
  strict: boolean,
): { output: string; code: number } {
  const review = reviewPolicy(text, file, exactWarnings);
  const { problems, warnings } = review;
  const lineOf = lineLocator(text);
  const at = (field: string) => `${file}:${lineOf(field) ?? 1}`;
  const lines = [
    ...problems.map(
      ({ field, rule, problem }) =>
        `${at(field)}: error ${field}${rule ? ` (rule ${rule})` : ''}: ${problem}`,
    ),
    ...warnings.map((warning) => {
      const rule = /^rules\[\d+\]/.exec(warning)?.[0] ?? '';
      return `${at(rule)}: warning ${warning}`;
    }),
  ];
  const failed = problems.length > 0 || (strict && warnings.length > 0);
  const summary = `${file}: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}, ${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}${failed ? '' : ' — valid'}`;
  return { output: [...lines, summary].join('\n'), code: failed ? 1 : 0 };
}
