/** What `redshift-credentials --help` and `COMMAND --help` print. */
export const REQUEST_OPTIONS = `request options:
  --endpoint URL      POST /credentials URL (or REDSHIFT_CREDENTIALS_ENDPOINT)
  --region REGION     signing region (default: from an execute-api URL, else AWS_REGION)
  --target NAME  --database NAME  --group NAME (repeatable)  --duration SECONDS
  --ca FILE           CA bundle the database's certificate is verified against (or PGSSLROOTCERT)`;

const EXIT_CODES = `exit status: 0 ok; 1 refused or failed (the vendor's error code on stderr); 2 usage.
psql exits with psql's own status.`;

export const HELP: Record<string, string> = {
  get: `usage: redshift-credentials get [request options] [--format json|env|uri|pgpass]

Prints a fresh credential: json (default), env (export lines for eval, PGSSLMODE=verify-full),
uri (postgresql://…?sslmode=verify-full) or pgpass (one ~/.pgpass line).

${REQUEST_OPTIONS}

example:
  eval "$(redshift-credentials get --target analytics --format env)" && psql -c 'select 1'

${EXIT_CODES}`,
  psql: `usage: redshift-credentials psql [request options] [-- psql arguments]

Runs psql logged in with a fresh credential; the password goes in psql's environment, never on its
command line. psql must be on the PATH (checked before a credential is requested).

${REQUEST_OPTIONS}

example:
  redshift-credentials psql --target analytics -- -c 'select current_user'

${EXIT_CODES}`,
  'decrypt-task-output': `usage: redshift-credentials decrypt-task-output [--input FILE] [--path JSONPATH]
         [--format json|env|uri|pgpass|password] [--ca FILE]

Decrypts a credentials-task result (read from --input, or stdin) with KMS, under the encryption
context of the execution it was issued to. --path picks the result out of a whole workflow state,
as the state machine's ResultPath put it (e.g. $.redshift.credentials).

example:
  aws stepfunctions describe-execution --execution-arn ARN --query output --output text \
    | redshift-credentials decrypt-task-output --path '$.redshift.credentials' --format env

${EXIT_CODES}`,
};

export const USAGE = `usage:
  redshift-credentials get [request options] [--format json|env|uri|pgpass]
  redshift-credentials psql [request options] [-- psql arguments]
  redshift-credentials decrypt-task-output [--input FILE] [--path JSONPATH] [--format json|env|uri|pgpass|password]
  redshift-credentials COMMAND --help     (each command's options and an example)

${REQUEST_OPTIONS}

${EXIT_CODES}`;
