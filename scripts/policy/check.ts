import { parsedFormOf, unusedParsedForm } from '../../functions/adapters/policy-file.js';
import { reviewPolicy } from '../../functions/domain/policy-yaml.js';
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
  const review = reviewPolicy(text, file);
  const { problems } = review;
  // The functions would parse the YAML and log why; the reviewer hears it before a deployment.
  const unused = unusedParsedForm(file, text);
  const warnings = [
    ...review.warnings,
    ...(unused === undefined
      ? []
      : [
          `${parsedFormOf(file)} will not be used (${unused}): the functions parse the YAML until \`npm run build\` writes it again`,
        ]),
  ];
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
