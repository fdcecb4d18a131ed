/**
 * The caller, as a principal the policy can match. It is built only from the ARN that API Gateway
 * (or Step Functions) verified; nothing the caller sends can name or change it.
 */

/** Template variables a principal offers to `dbUser` templates. */
export type PrincipalVariables = Readonly<Partial<Record<TemplateVariable, string>>>;

export const TEMPLATE_VARIABLES = [
  'accountId',
  'userName',
  'roleName',
  'sessionName',
  'stateMachineName',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

export interface Principal {
  /** The caller ARN exactly as verified. */
  readonly arn: string;
  readonly kind: 'iam-user' | 'assumed-role' | 'state-machine' | 'other';
  /**
   * The ARNs a rule's principal patterns are matched against: the caller ARN, and for an assumed
   * role also the role ARN (so a rule may name the role and match any of its sessions).
   */
  readonly matchArns: readonly string[];
  readonly variables: PrincipalVariables;
}

/** Regular-expression sources for an ARN's partition and account parts. */
export const PARTITION = 'aws(?:-[a-z]+)*';
export const ACCOUNT = '\\d{12}';
// IAM names: letters, digits and + = , . @ _ - (user and role names up to 64, sessions 2–64).
const IAM_NAME = '[\\w+=,.@-]{1,64}';
const SESSION_NAME = '[\\w+=,.@-]{2,64}';
// A path is `/`, or `/` + segments of printable ASCII ending in `/`.
const IAM_PATH = '/(?:[\\x21-\\x2e\\x30-\\x7e]+/)*';

const IAM_USER_ARN = new RegExp(
  `^arn:${PARTITION}:iam::(?<accountId>${ACCOUNT}):user${IAM_PATH}(?<userName>${IAM_NAME})$`,
);
const ASSUMED_ROLE_ARN = new RegExp(
  `^arn:(?<partition>${PARTITION}):sts::(?<accountId>${ACCOUNT}):assumed-role/(?<roleName>${IAM_NAME})/(?<sessionName>${SESSION_NAME})$`,
);

/**
 * Parses a verified caller ARN. IAM users and assumed-role sessions get their variables; anything
 * else (account root, federated users, malformed ARNs) becomes an `other` principal, which only a
 * rule naming its ARN exactly can match.
 */
export function principalFromArn(arn: string): Principal {
  const user = IAM_USER_ARN.exec(arn)?.groups;
  if (user) {
    const { accountId = '', userName = '' } = user;
    return { arn, kind: 'iam-user', matchArns: [arn], variables: { accountId, userName } };
  }
  const session = ASSUMED_ROLE_ARN.exec(arn)?.groups;
  if (session) {
    const { partition = '', accountId = '', roleName = '', sessionName = '' } = session;
    return {
      arn,
      kind: 'assumed-role',
      matchArns: [arn, `arn:${partition}:iam::${accountId}:role/${roleName}`],
      variables: { accountId, roleName, sessionName },
    };
  }
  return { arn, kind: 'other', matchArns: [], variables: {} };
}
