import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import '../functions/domain/zod-messages.js';
import { SetupError } from './setup-error.js';

const IdentitiesSchema = z.object({
  identities: z.array(
    z.strictObject({
      accessKeyId: z.string().check(z.minLength(16)),
      secretAccessKey: z.string().check(z.minLength(1)),
      sessionToken: z.optional(z.string().check(z.minLength(1))),
      arn: z.string().check(z.regex(/^arn:aws[a-z-]*:(iam|sts)::\d{12}:.+$/)),
    }),
  ),
});

/** An access key the local gateway accepts, and the IAM identity API Gateway would report for it. */
export type LocalIdentity = z.infer<typeof IdentitiesSchema>['identities'][number];

export const DEFAULT_IDENTITIES_FILE = 'local/identities.json';

/** Reads the identities file into a map by access key id; a missing or bad file is a SetupError. */
export function loadIdentities(file = DEFAULT_IDENTITIES_FILE): ReadonlyMap<string, LocalIdentity> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new SetupError(`no identities file ${file}: create it or set IDENTITIES_FILE to one`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new SetupError(`identities file ${file} is not JSON: fix it (see local/identities.json)`);
  }
  const parsed = IdentitiesSchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new SetupError(
      `identities file ${file} is not valid (${problems.join('; ')}): fix it (see local/identities.json)`,
    );
  }
  return new Map(parsed.data.identities.map((identity) => [identity.accessKeyId, identity]));
}
