/**
 * Evaluates the CloudFormation intrinsics the template uses (Ref, Fn::If, Fn::Join, Fn::Split,
 * Fn::Sub, Fn::GetAtt, Fn::Select, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition, and in Rules
 * Fn::Contains) for given
 * parameter values, as CloudFormation would at deploy time, so tests can read what a deployed
 * policy says. Resource references evaluate to `<LogicalId>` / `<LogicalId.Attribute>`.
 */
export interface Deployment {
  readonly parameters: Record<string, string | string[]>;
  readonly conditions: Record<string, unknown>;
  readonly resources: ReadonlySet<string>;
}

const PSEUDO: Record<string, string> = {
  'AWS::AccountId': '123456789012',
  'AWS::Region': 'us-east-1',
  'AWS::Partition': 'aws',
  'AWS::StackName': 'vendor',
  'AWS::URLSuffix': 'amazonaws.com',
};

const NO_VALUE = Symbol('AWS::NoValue');

export function evaluate(node: unknown, deployment: Deployment): unknown {
  const result = evaluateNode(node, deployment);
  return result === NO_VALUE ? undefined : result;
}

function evaluateNode(node: unknown, deployment: Deployment): unknown {
  if (Array.isArray(node)) {
    return node.map((item) => evaluateNode(item, deployment)).filter((item) => item !== NO_VALUE);
  }
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node);
  const [key, argument] = entries[0] ?? [];
  if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
    return intrinsic(key, argument, deployment);
  }
  // `!Condition Name` inside Fn::And, Fn::Or and Fn::Not.
  if (entries.length === 1 && key === 'Condition' && typeof argument === 'string') {
    return condition(argument, deployment);
  }
  return Object.fromEntries(
    entries
      .map(([name, value]) => [name, evaluateNode(value, deployment)] as const)
      .filter(([, value]) => value !== NO_VALUE),
  );
}

function ref(name: string, deployment: Deployment): unknown {
  if (name === 'AWS::NoValue') return NO_VALUE;
  if (name in PSEUDO) return PSEUDO[name];
  if (name in deployment.parameters) return deployment.parameters[name];
  if (deployment.resources.has(name)) return `<${name}>`;
  throw new Error(`unknown Ref ${name}`);
}

export function condition(name: string, deployment: Deployment): boolean {
  const definition = deployment.conditions[name];
  if (definition === undefined) throw new Error(`unknown condition ${name}`);
  return Boolean(evaluateNode(definition, deployment));
}

function intrinsic(key: string, argument: unknown, deployment: Deployment): unknown {
  const args = Array.isArray(argument) ? argument : [argument];
  const value = (i: number) => evaluateNode(args[i], deployment);
  switch (key) {
    case 'Ref':
      return ref(String(argument), deployment);
    case 'Fn::If':
      return condition(String(args[0]), deployment) ? value(1) : value(2);
    case 'Fn::Equals':
      return JSON.stringify(value(0)) === JSON.stringify(value(1));
    case 'Fn::Not':
      return !value(0);
    case 'Fn::And':
      return args.every((_, i) => value(i));
    case 'Fn::Or':
      return args.some((_, i) => value(i));
    case 'Fn::Join': {
      const parts = value(1);
      if (!Array.isArray(parts)) throw new Error('Fn::Join needs a list');
      return parts.join(String(args[0]));
    }
    case 'Fn::Split':
      return String(value(1)).split(String(args[0]));
    case 'Fn::Select':
      return (value(1) as unknown[])[Number(value(0))];
    // A rule-specific function: whether the list holds the string.
    case 'Fn::Contains':
      return (value(0) as unknown[]).includes(value(1));
    case 'Fn::GetAtt':
      return `<${Array.isArray(argument) ? argument.join('.') : String(argument)}>`;
    case 'Fn::Sub': {
      const [template, variables = {}] = Array.isArray(argument) ? argument : [argument, {}];
      const local = evaluateNode(variables, deployment) as Record<string, unknown>;
      return String(template).replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
        if (literal) return `\${${name}}`;
        if (name in local) return String(local[name]);
        if (name.includes('.')) return `<${name}>`;
        return String(ref(name, deployment));
      });
    }
    default:
      throw new Error(`unsupported intrinsic ${key}`);
  }
}
