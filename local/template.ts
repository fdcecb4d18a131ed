import { readFileSync } from 'node:fs';
import { parse, type Tags } from 'yaml';

/** CloudFormation's short-form intrinsic tags (`!Ref`, `!Sub`, …) as their long `Fn::` form. */
const INTRINSICS = [
  'Base64',
  'Cidr',
  // Rules' own functions.
  'Contains',
  'EachMemberEquals',
  'EachMemberIn',
  'RefAll',
  'ValueOf',
  'ValueOfAll',
  'Equals',
  'FindInMap',
  'GetAZs',
  'GetAtt',
  'ImportValue',
  'Join',
  'Not',
  'And',
  'Or',
  'If',
  'Select',
  'Split',
  'Sub',
  'Transform',
];

const cloudFormationTags: Tags = [
  { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
  { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.') }) },
  ...INTRINSICS.flatMap((name) =>
    (['seq', 'map'] as const).map((collection) => ({
      tag: `!${name}`,
      collection,
      resolve: (value: { toJSON(): unknown }) => ({ [`Fn::${name}`]: value.toJSON() }),
    })),
  ),
  ...INTRINSICS.filter((name) => name !== 'GetAtt').map((name) => ({
    tag: `!${name}`,
    resolve: (value: string) => ({ [`Fn::${name}`]: value }),
  })),
];

export interface CloudFormationResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CloudFormationTemplate {
  Transform?: string | string[];
  Parameters?: Record<string, Record<string, unknown>>;
  Rules?: Record<
    string,
    { Assertions: { Assert: unknown; AssertDescription: string }[]; RuleCondition?: unknown }
  >;
  Conditions?: Record<string, unknown>;
  Globals?: Record<string, Record<string, unknown>>;
  Resources: Record<string, CloudFormationResource>;
  Outputs?: Record<string, unknown>;
}

/** Reads a CloudFormation/SAM YAML template into plain JSON, intrinsics in long form. */
export function readTemplate(file = 'template.yaml'): CloudFormationTemplate {
  return parse(readFileSync(file, 'utf8'), {
    customTags: cloudFormationTags,
  }) as CloudFormationTemplate;
}
