/**
 * What the domain needs from the outside world, as small interfaces with plain values in and out.
 * The functions' wiring fills them with AWS adapters; tests fill them with in-memory fakes.
 * An adapter reports a refusal or failure by throwing the domain's VendorError subclasses.
 */
import type { Revocation } from './revocations.js';
import type { Target } from './targets.js';

/** The GetClusterCredentials call for a grant: who, where, for how long. */
export interface IssueRequest {
  readonly target: Target;
  readonly dbUser: string;
  readonly database: string;
  readonly dbGroups: readonly string[];
  readonly durationSeconds: number;
  readonly autoCreate: boolean;
}

/** What Redshift answered, unchecked: the domain decides whether it can be handed out. */
export interface UpstreamCredential {
  readonly dbUser?: string;
  readonly dbPassword?: string;
  readonly expiration?: Date;
}

/**
 * Every port takes the request's deadline (epoch milliseconds): a call still unanswered then
 * fails, its retries included.
 */
export type Deadline = number | undefined;

/** Issues a temporary database password for a grant. */
export interface CredentialIssuer {
  issue(request: IssueRequest, deadline?: Deadline): Promise<UpstreamCredential>;
}

/** Where a target listens, and its admin user when Redshift reports one. */
export interface TargetDescription {
  readonly host: string;
  readonly port: number;
  readonly adminUser?: string;
}

/** Looks up a target's endpoint (and admin user). */
export interface TargetDirectory {
  describe(target: Target, deadline?: Deadline): Promise<TargetDescription>;
}

/** What Step Functions says about an execution. */
export interface ExecutionDescription {
  readonly status?: string;
  readonly stateMachineArn?: string;
}

/** One event of an execution's history, as far as telling an open task apart needs it. */
export interface HistoryEvent {
  readonly id: number;
  /** Step Functions' event type: `TaskScheduled`, `TaskStarted`, `TaskSucceeded`, … */
  readonly type: string;
  readonly previousEventId?: number;
  /** For a `lambda:invoke` task being scheduled: the `FunctionName` it invokes. */
  readonly invokedFunction?: string;
}

/** Describes a Step Functions execution and reads its history. */
export interface ExecutionLookup {
  describe(executionArn: string, deadline?: Deadline): Promise<ExecutionDescription>;
  /** The execution's history events, newest first, read as they are consumed. */
  newestEvents(executionArn: string, deadline?: Deadline): AsyncIterable<HistoryEvent>;
}

/** A password sealed for the execution history: base64 ciphertext and the key that made it. */
export interface SealedPassword {
  readonly ciphertext: string;
  readonly keyId: string;
}

/** Encrypts a task's password under an encryption context only its consumer can match. */
export interface TaskOutputEncryptor {
  encrypt(
    password: string,
    context: Readonly<Record<string, string>>,
    deadline?: Deadline,
  ): Promise<SealedPassword>;
}

/**
 * The revocations operators recorded, as recently read as the settings allow. Throws a PolicyError
 * when one is malformed and an UpstreamError when they cannot be known: never "none" by mistake.
 */
export interface RevocationList {
  current(deadline?: Deadline): Promise<readonly Revocation[]>;
}

/** One audit line per decision. Never carries the password. */
export interface AuditRecord {
  readonly decision: 'issued' | 'denied';
  readonly principal?: string;
  readonly rule?: string;
  readonly dbUser?: string;
  readonly dbGroups?: readonly string[];
  readonly target?: string;
  readonly database?: string;
  readonly durationSeconds?: number;
  readonly expiration?: string;
  readonly reason?: string;
  readonly requestId: string;
}

/** Writes audit records. */
export type AuditSink = (record: AuditRecord) => void;
