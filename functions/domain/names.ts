/**
 * Redshift's naming rules for what GetClusterCredentials accepts: 1–64 characters of letters,
 * digits, `_ + . @ -`, starting with a letter, not PUBLIC and not a reserved word.
 * Names are checked, never "cleaned up" into a different name.
 */

/** https://docs.aws.amazon.com/redshift/latest/dg/r_pg_keywords.html */
export const RESERVED_WORDS: ReadonlySet<string> = new Set(
  `AES128 AES256 ALL ALLOWOVERWRITE ANALYSE ANALYZE AND ANY ARRAY AS ASC AUTHORIZATION AZ64 BACKUP
BETWEEN BINARY BLANKSASNULL BOTH BYTEDICT BZIP2 CASE CAST CHECK COLLATE COLUMN CONSTRAINT CREATE
CREDENTIALS CROSS CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER CURRENT_USER_ID DEFAULT
DEFERRABLE DEFLATE DEFRAG DELTA DELTA32K DESC DISABLE DISTINCT DO ELSE EMPTYASNULL ENABLE ENCODE
ENCRYPT ENCRYPTION END EXCEPT EXPLICIT FALSE FOR FOREIGN FREEZE FROM FULL GLOBALDICT256
GLOBALDICT64K GRANT GROUP GZIP HAVING IDENTITY IGNORE ILIKE IN INITIALLY INNER INTERSECT INTERVAL
INTO IS ISNULL JOIN LEADING LEFT LIKE LIMIT LOCALTIME LOCALTIMESTAMP LUN LUNS LZO LZOP MINUS
MOSTLY16 MOSTLY32 MOSTLY8 NATURAL NEW NOT NOTNULL NULL NULLS OFF OFFLINE OFFSET OID OLD ON ONLY
OPEN OR ORDER OUTER OVERLAPS PARALLEL PARTITION PERCENT PERMISSIONS PIVOT PLACING PRIMARY RAW
READRATIO RECOVER REFERENCES REJECTLOG RESORT RESPECT RESTORE RIGHT SELECT SESSION_USER SIMILAR
SNAPSHOT SOME SYSDATE SYSTEM TABLE TAG TDES TEXT255 TEXT32K THEN TIMESTAMP TO TOP TRAILING TRUE
TRUNCATECOLUMNS UNION UNIQUE UNNEST UNPIVOT USER USING VERBOSE WALLET WHEN WHERE WITH WITHOUT`.split(
    /\s/,
  ),
);

export type NameKind = 'dbUser' | 'dbGroup' | 'database';

/** Why `name` is not a valid Redshift name of this kind, or undefined when it is. */
export function nameProblem(kind: NameKind, name: string): string | undefined {
  // dbUser is checked after lower-casing; group names must be written in lower case.
  const anyCase = kind === 'database';
  if (!(anyCase ? /^[a-z][\w+.@-]{0,63}$/i : /^[a-z][a-z0-9_+.@-]{0,63}$/).test(name)) {
    return `must be 1 to 64 ${anyCase ? '' : 'lower-case '}letters, digits and _ + . @ -, starting with a letter`;
  }
  const upper = name.toUpperCase();
  // PUBLIC is not a keyword, but it names the group every user belongs to.
  if (upper === 'PUBLIC' || RESERVED_WORDS.has(upper))
    return `must not be the reserved name ${upper}`;
  return undefined;
}

/**
 * Why `id` is not a valid provisioned-cluster identifier, or undefined: 1–63 lower-case letters,
 * digits or hyphens, starting with a letter, no two hyphens in a row, not ending in a hyphen.
 */
export function clusterIdentifierProblem(id: string): string | undefined {
  if (/^[a-z](?:[a-z0-9]|-(?!-)){0,62}$/.test(id) && !id.endsWith('-')) return undefined;
  return 'must be 1 to 63 lower-case letters, digits or single hyphens, starting with a letter, not ending in -';
}

/** Redshift's own system users: `rdsdb` and every name that starts with it. */
export const isSystemUser = (dbUser: string) => dbUser.toLowerCase().startsWith('rdsdb');
