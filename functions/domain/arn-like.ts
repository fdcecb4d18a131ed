/**
 * IAM `ArnLike` matching: an ARN has six colon-separated parts (the last, the resource, may hold
 * more colons); each part of the pattern is compared with the same part of the ARN, `*` and `?`
 * wildcards never cross a part, and the comparison is case-sensitive. `"*"` alone matches every ARN.
 */

export type ArnMatcher = (arn: string) => boolean;

const ARN_PARTS = 6;

/** Splits an ARN into its six parts, or undefined when it does not have six. */
export function splitArn(arn: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  // The first five parts end at a colon; the resource is the rest, colons and all.
  for (let part = 0; part < ARN_PARTS - 1; part += 1) {
    const colon = arn.indexOf(':', start);
    if (colon === -1) return undefined;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  parts.push(arn.slice(start));
  return parts;
}

/** Why `pattern` is not a usable ArnLike pattern, or undefined when it is. */
export function arnPatternProblem(pattern: string): string | undefined {
  if (pattern === '*') return undefined;
  // Six parts: "arn" and at least five colons.
  let colons = 0;
  for (let at = pattern.indexOf(':'); at !== -1 && colons < 5; at = pattern.indexOf(':', at + 1)) {
    colons += 1;
  }
  if (colons < 5 || !pattern.startsWith('arn:')) {
    return 'must be "*" or an ARN pattern: arn: and six colon-separated parts';
  }
  return undefined;
}

/**
 * Compiles a pattern checked by `arnPatternProblem` into a matcher. The part matchers are built
 * on the first call, so a policy of many rules loads without compiling patterns no caller tries.
 */
export function compileArnLike(pattern: string): ArnMatcher {
  if (pattern === '*') return () => true;
  let partMatchers: ((value: string) => boolean)[] | undefined;
  return (arn) => {
    if (partMatchers === undefined) {
      const parts = splitArn(pattern);
      if (parts === undefined) throw new Error(`not an ARN pattern: ${pattern}`);
      partMatchers = parts.map(compilePart);
    }
    const arnParts = splitArn(arn);
    const matchers = partMatchers;
    return arnParts !== undefined && matchers.every((matches, i) => matches(arnParts[i] ?? ''));
  };
}

function compilePart(part: string): (value: string) => boolean {
  if (!/[*?]/.test(part)) return (value) => value === part;
  return (value) => globMatches(part, value);
}

/**
 * Whether one part's glob matches `text`: `*` any run of characters, `?` exactly one, anything
 * else itself. Walks both once, going back only to the last `*` seen, so it never backtracks
 * more than the text's length per `*`.
 */
export function globMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    const token = glob[g];
    if (token === '?' || (token !== undefined && token !== '*' && token === text[t])) {
      g += 1;
      t += 1;
    } else if (token === '*') {
      star = g;
      resume = t;
      g += 1;
    } else if (star !== -1) {
      g = star + 1;
      resume += 1;
      t = resume;
    } else return false;
  }
  while (glob[g] === '*') g += 1;
  return g === glob.length;
}

/** Whether some string `glob` matches starts with `prefix`. */
export function canStartWith(glob: string, prefix: string): boolean {
  for (let i = 0; i < prefix.length; i += 1) {
    const token = glob[i];
    if (token === undefined) return false;
    if (token === '*') return true;
    if (token !== '?' && token !== prefix[i]) return false;
  }
  return true;
}
