import type { CfnTemplate } from './cfn-yaml.js';

/** One statement of an identity-based policy, with where it was found. */
export interface LocatedStatement {
  where: string;
  statement: Record<string, unknown>;
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** Both branches of `Fn::If`, without `AWS::NoValue`: every statement that can be deployed. */
export function expand(value: unknown): Record<string, unknown>[] {
  if (typeof value !== 'object' || value === null) return [];
  const record = value as Record<string, unknown>;
  if ('Fn::If' in record) {
    const [, whenTrue, whenFalse] = record['Fn::If'] as unknown[];
    return [...expand(whenTrue), ...expand(whenFalse)];
  }
  if ('Ref' in record && record['Ref'] === 'AWS::NoValue') return [];
  return [record];
}

/** Every permission statement of every IAM role, policy and managed policy in a template. */
export function identityStatements(template: CfnTemplate): LocatedStatement[] {
  const found: LocatedStatement[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    const properties = resource.Properties ?? {};
    const documents: { where: string; document: unknown }[] = [];
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of asArray(properties['Policies']) as { PolicyName?: string; PolicyDocument?: unknown }[]) {
        documents.push({ where: `${id}/${policy.PolicyName ?? '?'}`, document: policy.PolicyDocument });
      }
    } else if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      documents.push({ where: id, document: properties['PolicyDocument'] });
    }
    for (const { where, document } of documents) {
      for (const raw of asArray((document as { Statement?: unknown } | undefined)?.Statement)) {
        for (const statement of expand(raw)) found.push({ where: `${where}/${String(statement['Sid'] ?? '?')}`, statement });
      }
    }
  }
  return found;
}

export const actionsOf = (statement: Record<string, unknown>): unknown[] => asArray(statement['Action']);
export const resourcesOf = (statement: Record<string, unknown>): unknown[] => asArray(statement['Resource']);
