import { UpstreamError } from '#domain/errors.js';
import type {
  AuditRecord,
  CredentialIssuer,
  ExecutionDescription,
  ExecutionLookup,
  HistoryEvent,
  IssueRequest,
  RevocationList,
  TargetDescription,
  TargetDirectory,
  TaskOutputEncryptor,
  UpstreamCredential,
} from '#domain/ports.js';
import type { Revocation } from '#domain/revocations.js';

/** In-memory stand-ins for the domain's ports: they record what they were asked. */

export const FAKE_PASSWORD = 'EXAMPLEfakePassword/+=0123456789abcdefghij';

/** Issues `IAM:<dbUser>` with FAKE_PASSWORD, expiring `durationSeconds` after `now()`. */
export function fakeIssuer(now: () => Date = () => new Date()) {
  const requests: IssueRequest[] = [];
  let reply: ((request: IssueRequest) => Promise<UpstreamCredential>) | undefined;
  const issuer: CredentialIssuer & {
    requests: IssueRequest[];
    answer(next: (request: IssueRequest) => Promise<UpstreamCredential>): void;
  } = {
    requests,
    answer(next) {
      reply = next;
    },
    async issue(request) {
      requests.push(request);
      if (reply) return reply(request);
      return {
        dbUser: `${request.autoCreate ? 'IAMA' : 'IAM'}:${request.dbUser}`,
        dbPassword: FAKE_PASSWORD,
        expiration: new Date(now().getTime() + request.durationSeconds * 1000),
      };
    },
  };
  return issuer;
}

/** Every target listens on `<clusterIdentifier>.example.internal:5439`, admin user `awsuser`. */
export function fakeTargets(description: Partial<TargetDescription> = {}) {
  const asked: string[] = [];
  const targets: TargetDirectory & { asked: string[] } = {
    asked,
    async describe(target) {
      asked.push(target.name);
      return {
        host: `${target.clusterIdentifier}.example.internal`,
        port: 5439,
        adminUser: 'awsuser',
        ...description,
      };
    },
  };
  return targets;
}

/**
 * Describes executions from a table of ARN -> description and history (newest first); unknown
 * ARNs throw `unknown`.
 */
export function fakeExecutions(
  known: Record<string, ExecutionDescription & { readonly history?: readonly HistoryEvent[] }>,
  unknown: () => Error = () => new Error('ExecutionDoesNotExist'),
): ExecutionLookup {
  return {
    async describe(executionArn) {
      const description = known[executionArn];
      if (description === undefined) throw unknown();
      return description;
    },
    async *newestEvents(executionArn) {
      yield* known[executionArn]?.history ?? [];
    },
  };
}

/**
 * The newest events of an execution whose credentials step invokes `functionName`: scheduled
 * and started, and ended by an event of type `end` when one is given.
 */
export const credentialsStepEvents = (functionName: string, end?: string): HistoryEvent[] => [
  ...(end === undefined ? [] : [{ id: 5, type: end, previousEventId: 4 }]),
  { id: 4, type: 'TaskStarted', previousEventId: 3 },
  { id: 3, type: 'TaskScheduled', previousEventId: 2, invokedFunction: functionName },
  { id: 2, type: 'TaskStateEntered', previousEventId: 0 },
  { id: 1, type: 'ExecutionStarted', previousEventId: 0 },
];

/** "Encrypts" by base64-encoding `password|context`, so a test can check what was sealed. */
export function fakeEncryptor(keyId = 'arn:aws:kms:us-east-1:123456789012:key/fake') {
  const sealed: { password: string; context: Readonly<Record<string, string>> }[] = [];
  const encryptor: TaskOutputEncryptor & { sealed: typeof sealed } = {
    sealed,
    async encrypt(password, context) {
      sealed.push({ password, context });
      return {
        ciphertext: Buffer.from(`${password}|${JSON.stringify(context)}`).toString('base64'),
        keyId,
      };
    },
  };
  return encryptor;
}

/** An audit sink that keeps the records. */
export function fakeAudit() {
  const records: AuditRecord[] = [];
  const sink = (record: AuditRecord) => {
    records.push(record);
  };
  return Object.assign(sink, { records });
}

/** Revocations kept in memory; `unavailable()` makes every read fail as an unreadable table would. */
export function fakeRevocations(...kept: Revocation[]) {
  let failure: Error | undefined;
  const list: RevocationList & { unavailable(error?: Error): void } = {
    unavailable(error = new UpstreamError('revocations unavailable')) {
      failure = error;
    },
    async current() {
      if (failure) throw failure;
      return kept;
    },
  };
  return list;
}

/** A revocation recorded now by an example operator, for `scope`. */
export function revocation(
  id: string,
  scope: Revocation['scope'],
  more: Partial<Omit<Revocation, 'id' | 'scope'>> = {},
): Revocation {
  return {
    id,
    reason: 'compromised',
    by: 'arn:aws:sts::123456789012:assumed-role/oncall/alice',
    at: new Date(),
    scope,
    ...more,
  };
}
