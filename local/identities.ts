import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import '../functions/domain/zod-messages.js';

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

/** Reads the identities file into a map by access key id. */
export function loadIdentities(file = DEFAULT_IDENTITIES_FILE): ReadonlyMap<string, LocalIdentity> {
  const parsed = IdentitiesSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return new Map(parsed.identities.map((identity) => [identity.accessKeyId, identity]));
}
