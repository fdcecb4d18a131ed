import { runSimulation } from '@cloud-copilot/iam-simulate';

/**
 * Evaluates an AWS request as IAM would, with an independent IAM policy simulator
 * (@cloud-copilot/iam-simulate): identity policies, a resource policy, service control policies
 * and a permissions boundary, and the request's condition keys.
 */
export interface IamRequest {
  /** The caller: a role session, user or service principal ARN. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  readonly resourceAccount: string;
  /** Condition keys of the request (aws:PrincipalArn, aws:PrincipalTag/…). */
  readonly context?: Record<string, string | string[]>;
  /** Default: one that allows everything, so the other policies decide. */
  readonly identityPolicies?: readonly unknown[];
  readonly resourcePolicy?: unknown;
  readonly serviceControlPolicies?: readonly unknown[];
  readonly permissionsBoundary?: unknown;
}

export type IamDecision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

const ALLOW_EVERYTHING = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

export async function evaluateIam(request: IamRequest): Promise<IamDecision> {
  const named = (policies: readonly unknown[], prefix: string) =>
    policies.map((policy, i) => ({ name: `${prefix}-${i}`, policy }));
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount },
        contextVariables: request.context ?? {},
      },
      identityPolicies: named(request.identityPolicies ?? [ALLOW_EVERYTHING], 'identity'),
      serviceControlPolicies:
        request.serviceControlPolicies === undefined
          ? []
          : [{ orgIdentifier: 'r-root', policies: named(request.serviceControlPolicies, 'scp') }],
      resourceControlPolicies: [],
      ...(request.resourcePolicy !== undefined && { resourcePolicy: request.resourcePolicy }),
      ...(request.permissionsBoundary !== undefined && {
        permissionBoundaryPolicies: named([request.permissionsBoundary], 'boundary'),
      }),
    },
    {},
  );
  if (result.resultType !== 'single' || !('overallResult' in result)) {
    throw new Error(`the simulator could not evaluate the request: ${JSON.stringify(result)}`);
  }
  return result.overallResult as IamDecision;
}
