import { canStartWith, globMatches, splitArn } from '../arn-like.js';
import type { TemplateVariable } from '../identity.js';

/**
 * The shapes of principal ARNs: for each kind of principal a pattern can match by wildcard, a
 * small deterministic machine over the ARN's characters that knows where each template variable
 * lies and what may follow it.
 */

/** The kinds of principal a pattern can match by wildcard; anything else matches only exactly. */
export type PrincipalKind = 'iam-user' | 'assumed-role' | 'state-machine';
export const PRINCIPAL_KINDS: readonly PrincipalKind[] = [
  'iam-user',
  'assumed-role',
  'state-machine',
];

const NAME_CHAR = /^[\w+=,.@-]$/;
const PATH_CHAR = /^[\x21-\x2e\x30-\x7e]$/;
const STATE_MACHINE_CHAR = /^[\w-]$/;
const REGION_CHAR = /^[a-z0-9-]$/;
const LOWER = /^[a-z]$/;
const DIGIT = /^\d$/;

/** Where a template variable lies in an ARN of one kind, and what may follow it. */
export interface Segment {
  readonly variable: TemplateVariable;
  /** Its place among the kind's segments, in ARN order. */
  readonly order: number;
  /** Skeleton states in which it may begin (before its first character). */
  readonly starts: ReadonlySet<number>;
  /** Skeleton states in which it may end (after its last character). */
  readonly ends: ReadonlySet<number>;
  /** The character that follows it, or undefined when it ends the ARN. */
  readonly terminator: string | undefined;
  /** Characters it may hold. */
  readonly allows: (char: string) => boolean;
}

interface Edge {
  readonly test: (char: string) => boolean;
  readonly to: number;
  /** The character ends an ARN part (a colon between two of the six parts). */
  readonly separator: boolean;
}

/** The shape of one kind of principal ARN: a deterministic machine over its characters. */
export class Skeleton {
  readonly #edges: Edge[][] = [];
  readonly #parts: number[] = [];
  readonly accepting = new Set<number>();
  readonly segments: Segment[] = [];
  /** For role sessions: where the role's name begins, and the states that read it. */
  roleStart: number | undefined;
  readonly roleSpan = new Set<number>();

  constructor(readonly kind: PrincipalKind) {}

  state(part: number): number {
    this.#edges.push([]);
    this.#parts.push(part);
    return this.#edges.length - 1;
  }

  on(from: number, test: (char: string) => boolean, to: number, separator = false): void {
    this.#edges[from]?.push({ test, to, separator });
  }

  /** Reads `text` from `from` within one ARN part; returns the state after it. */
  literal(from: number, text: string): number {
    let at = from;
    for (const char of text) {
      const to = this.state(this.part(at));
      this.on(at, (c) => c === char, to);
      at = to;
    }
    return at;
  }

  /** A colon that ends the current ARN part. */
  separate(from: number): number {
    const to = this.state(this.part(from) + 1);
    this.on(from, (c) => c === ':', to, true);
    return to;
  }

  part(state: number): number {
    return this.#parts[state] ?? 0;
  }

  readonly #readable = new Map<number, Map<readonly string[], readonly string[]>>();

  /** The characters of `alphabet` a state can read. */
  readable(state: number, alphabet: readonly string[]): readonly string[] {
    let byAlphabet = this.#readable.get(state);
    if (byAlphabet === undefined) {
      byAlphabet = new Map();
      this.#readable.set(state, byAlphabet);
    }
    let chars = byAlphabet.get(alphabet);
    if (chars === undefined) {
      chars = alphabet.filter((char) => this.next(state, char) !== undefined);
      byAlphabet.set(alphabet, chars);
    }
    return chars;
  }

  next(state: number, char: string): Edge | undefined {
    return this.#edges[state]?.find((edge) => edge.test(char));
  }
}

/** `arn:PARTITION:SERVICE:REGION?:` then the account's 12 digits and its colon. */
function arnStart(skeleton: Skeleton, service: string, regional: boolean) {
  const arn = skeleton.literal(skeleton.state(0), 'arn');
  const partition = skeleton.separate(arn);
  // aws(-[a-z]+)*
  const aws = skeleton.literal(partition, 'aws');
  const dash = skeleton.state(1);
  const word = skeleton.state(1);
  skeleton.on(aws, (c) => c === '-', dash);
  skeleton.on(dash, (c) => LOWER.test(c), word);
  skeleton.on(word, (c) => LOWER.test(c), word);
  skeleton.on(word, (c) => c === '-', dash);
  const serviceStart = skeleton.state(2);
  skeleton.on(aws, (c) => c === ':', serviceStart, true);
  skeleton.on(word, (c) => c === ':', serviceStart, true);
  let region = skeleton.separate(skeleton.literal(serviceStart, service));
  if (regional) {
    const inRegion = skeleton.state(3);
    skeleton.on(region, (c) => REGION_CHAR.test(c), inRegion);
    skeleton.on(inRegion, (c) => REGION_CHAR.test(c), inRegion);
    region = inRegion;
  }
  const accountStart = skeleton.separate(region);
  let digit = accountStart;
  for (let i = 0; i < 12; i += 1) {
    const to = skeleton.state(4);
    skeleton.on(digit, (c) => DIGIT.test(c), to);
    digit = to;
  }
  skeleton.segments.push({
    variable: 'accountId',
    order: 0,
    starts: new Set([accountStart]),
    ends: new Set([digit]),
    terminator: ':',
    allows: (c) => DIGIT.test(c),
  });
  return skeleton.separate(digit);
}

function userSkeleton(): Skeleton {
  const skeleton = new Skeleton('iam-user');
  const resource = arnStart(skeleton, 'iam', false);
  const user = skeleton.literal(resource, 'user');
  // A path (/ or /a/b/) then the name, the run after the last slash.
  const slash = skeleton.state(5);
  const name = skeleton.state(5);
  const path = skeleton.state(5);
  const pathOnly = (c: string) => PATH_CHAR.test(c) && !NAME_CHAR.test(c);
  skeleton.on(user, (c) => c === '/', slash);
  for (const from of [slash, name]) {
    skeleton.on(from, (c) => NAME_CHAR.test(c), name);
    skeleton.on(from, pathOnly, path);
  }
  skeleton.on(path, (c) => PATH_CHAR.test(c), path);
  skeleton.on(name, (c) => c === '/', slash);
  skeleton.on(path, (c) => c === '/', slash);
  skeleton.accepting.add(name);
  skeleton.segments.push({
    variable: 'userName',
    order: 1,
    starts: new Set([slash]),
    ends: new Set([name]),
    terminator: undefined,
    allows: (c) => NAME_CHAR.test(c),
  });
  return skeleton;
}

function sessionSkeleton(): Skeleton {
  const skeleton = new Skeleton('assumed-role');
  const resource = arnStart(skeleton, 'sts', false);
  const roleStart = skeleton.literal(resource, 'assumed-role/');
  const role = skeleton.state(5);
  skeleton.on(roleStart, (c) => NAME_CHAR.test(c), role);
  skeleton.on(role, (c) => NAME_CHAR.test(c), role);
  const sessionStart = skeleton.state(5);
  skeleton.on(role, (c) => c === '/', sessionStart);
  // Session names have at least two characters.
  const first = skeleton.state(5);
  const session = skeleton.state(5);
  skeleton.on(sessionStart, (c) => NAME_CHAR.test(c), first);
  skeleton.on(first, (c) => NAME_CHAR.test(c), session);
  skeleton.on(session, (c) => NAME_CHAR.test(c), session);
  skeleton.accepting.add(session);
  skeleton.roleStart = roleStart;
  skeleton.roleSpan.add(roleStart).add(role);
  skeleton.segments.push(
    {
      variable: 'roleName',
      order: 1,
      starts: new Set([roleStart]),
      ends: new Set([role]),
      terminator: '/',
      allows: (c) => NAME_CHAR.test(c),
    },
    {
      variable: 'sessionName',
      order: 2,
      starts: new Set([sessionStart]),
      ends: new Set([session]),
      terminator: undefined,
      allows: (c) => NAME_CHAR.test(c),
    },
  );
  return skeleton;
}

function stateMachineSkeleton(): Skeleton {
  const skeleton = new Skeleton('state-machine');
  const resource = arnStart(skeleton, 'states', true);
  // The colon inside "stateMachine:NAME" belongs to the resource part.
  const nameStart = skeleton.literal(resource, 'stateMachine:');
  const name = skeleton.state(5);
  skeleton.on(nameStart, (c) => STATE_MACHINE_CHAR.test(c), name);
  skeleton.on(name, (c) => STATE_MACHINE_CHAR.test(c), name);
  skeleton.accepting.add(name);
  skeleton.segments.push({
    variable: 'stateMachineName',
    order: 1,
    starts: new Set([nameStart]),
    ends: new Set([name]),
    terminator: undefined,
    allows: (c) => STATE_MACHINE_CHAR.test(c),
  });
  return skeleton;
}

export const SKELETONS: Readonly<Record<PrincipalKind, Skeleton>> = {
  'iam-user': userSkeleton(),
  'assumed-role': sessionSkeleton(),
  'state-machine': stateMachineSkeleton(),
};

/** Whether `pattern` could match some principal of `kind` (a quick test: never no wrongly). */
export function mayMatchKind(pattern: string, kind: PrincipalKind): boolean {
  if (pattern === '*') return true;
  const [, , service = '', region = '', , resource = ''] = splitArn(pattern) ?? [];
  const global = globMatches(region, '');
  switch (kind) {
    case 'iam-user':
      return global && globMatches(service, 'iam') && canStartWith(resource, 'user/');
    case 'assumed-role':
      return (
        global &&
        ((globMatches(service, 'sts') && canStartWith(resource, 'assumed-role/')) ||
          (globMatches(service, 'iam') && canStartWith(resource, 'role/')))
      );
    case 'state-machine':
      return (
        region !== '' && globMatches(service, 'states') && canStartWith(resource, 'stateMachine:')
      );
  }
}
