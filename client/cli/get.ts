import { FORMATS, formatOf } from './formats.js';
import { type RequestOptions, requestCredentials } from './request.js';

/** `redshift-credentials get`: prints a fresh credential as json, env, uri or pgpass. */
export async function getCommand(
  values: RequestOptions & { format?: string },
  ca: string | undefined,
): Promise<number> {
  const output = formatOf(values.format ?? 'json', ['json', 'env', 'uri', 'pgpass']);
  const credentials = await requestCredentials(values);
  const printable = { ...credentials, expiration: credentials.expiration.toISOString() };
  console.log(FORMATS[output](printable, ca));
  return 0;
}
