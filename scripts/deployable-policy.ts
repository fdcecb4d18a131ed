/** The policy the stack deploys (the policy layer's file): the operator tools' default. */
export const DEPLOYABLE_POLICY = 'layers/policy/policy/policy.yaml';
