/**
 * The wire contract of the vendor: what `POST /credentials` accepts and answers, the error codes,
 * and what the Step Functions task returns. Defined once, here; the functions and the client
 * library both import it. It imports nothing, so either side can use it without the other.
 */

/** The stable error codes of the API and the Step Functions task (the error's `code` / `name`). */
export type ErrorCode =
  | 'InvalidRequest'
  | 'AccessDenied'
  | 'Throttled'
  | 'UpstreamError'
  | 'PolicyError'
  | 'InternalError';

/** The `POST /credentials` body (and the task payload's request fields); every field optional. */
export interface CredentialsRequest {
  /** Target name; required when the matching rule allows more than one. */
  readonly target?: string;
  /** Default: the target's database; must be allowed by the rule. */
  readonly database?: string;
  /** A subset of the rule's groups; default all of them. */
  readonly dbGroups?: readonly string[];
  /** 900 up to the rule's `maxDurationSeconds`; default 900. */
  readonly durationSeconds?: number;
}

/** Where the issued login connects; the same in the API answer and the task result. */
export interface CredentialsDestination {
  /** Exactly what Redshift returned, with its `IAM:`/`IAMA:` prefix: the login name. */
  readonly dbUser: string;
  /** ISO 8601: when the password stops working. */
  readonly expiration: string;
  readonly target: string;
  /** A provisioned cluster's identifier; a Serverless target carries `workgroupName` instead. */
  readonly clusterIdentifier?: string;
  /** A Serverless workgroup's name; a provisioned target carries `clusterIdentifier` instead. */
  readonly workgroupName?: string;
  readonly database: string;
  readonly dbGroups: readonly string[];
  readonly host: string;
  readonly port: number;
  /**
   * The id of the request that issued the password, as the vendor's audit line names it: a
   * connection made with it carries `application_name` `rcv:<requestId>`, so the database's
   * connection log joins the audit line.
   */
  readonly requestId: string;
}

/** The 200 answer of `POST /credentials`. */
export interface CredentialsResult extends CredentialsDestination {
  readonly dbPassword: string;
}

/** The error answer of `POST /credentials`; never a stack trace. */
export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
  readonly requestId: string;
}

/**
 * What the credentials-task step returns. A Standard workflow writes it into the execution
 * history, so the password travels only as KMS ciphertext bound to the execution.
 */
export interface TaskResult extends CredentialsDestination {
  /** The encryption context of `encryptedPassword`: decrypt with exactly this. */
  readonly executionArn: string;
  /** Base64 KMS ciphertext of the password (encryption context `{ executionArn }`). */
  readonly encryptedPassword: string;
  /** The KMS key that encrypted it. */
  readonly keyId: string;
}
