import { readFileSync } from 'node:fs';
import { parse, type ScalarTag, type CollectionTag } from 'yaml';

/**
 * Parses a CloudFormation YAML template: short-form intrinsic tags (`!Ref`, `!Sub`, `!GetAtt`, ...)
 * become their long JSON form (`{ Ref: ... }`, `{ 'Fn::Sub': ... }`), as CloudFormation reads them.
 */
const FUNCTIONS = [
  'Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform',
  'And', 'Equals', 'If', 'Not', 'Or', 'ToJsonString', 'Length',
] as const;

function tagsFor(name: string, key: string): (ScalarTag | CollectionTag)[] {
  const resolve = (value: unknown) => ({ [key]: value });
  return [
    { tag: `!${name}`, resolve: (value: string) => resolve(value) } as ScalarTag,
    { tag: `!${name}`, collection: 'seq', resolve: (value: { toJSON(): unknown }) => resolve(value.toJSON()) } as CollectionTag,
    { tag: `!${name}`, collection: 'map', resolve: (value: { toJSON(): unknown }) => resolve(value.toJSON()) } as CollectionTag,
  ];
}

const customTags = [
  ...FUNCTIONS.flatMap((name) => tagsFor(name, `Fn::${name}`)),
  ...tagsFor('Ref', 'Ref'),
  ...tagsFor('Condition', 'Condition'),
  // `!GetAtt Resource.Attribute` is the short form of `{ 'Fn::GetAtt': [Resource, Attribute] }`.
  { tag: '!GetAtt', resolve: (value: string) => ({ 'Fn::GetAtt': value.split('.', 2) }) } as ScalarTag,
  { tag: '!GetAtt', collection: 'seq', resolve: (value: { toJSON(): unknown }) => ({ 'Fn::GetAtt': value.toJSON() }) } as CollectionTag,
];

export interface CfnTemplate {
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, { Type: string; Condition?: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
}

export function parseCfnYaml(source: string): CfnTemplate {
  return parse(source, { customTags, uniqueKeys: true }) as CfnTemplate;
}

export function readCfnYaml(path: string): CfnTemplate {
  return parseCfnYaml(readFileSync(path, 'utf8'));
}
