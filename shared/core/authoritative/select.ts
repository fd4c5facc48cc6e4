/**
 * From the authorization details of one denial to what the fix engine needs: the SCPs that denied
 * it (statement Sids, where they are attached) and every SCP IAM evaluated, placed on the levels of
 * the organization (root, OUs, account) the evaluator walks.
 * @see https://docs.aws.amazon.com/iam-toolbox/latest/APIReference/API_PolicyInfo.html
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
 */
import type { AuthoritativePolicy, Finding } from '../types.js';
import type { AuthorizationDetails, AuthorizationEvaluation, EvaluatedPolicy } from './details.js';

export const SERVICE_CONTROL_POLICY = 'SERVICE_CONTROL_POLICY';

/** The kind of Organizations entity an SCP is attached to, from its ARN. */
export function attachmentKind(arn: string): AuthoritativePolicy['attachedTo'][number]['kind'] {
  const match = /^arn:aws[a-z-]*:organizations::\d{12}:(root|ou|account)\/o-[a-z0-9]+\/[\w-]+$/.exec(arn);
  return (match?.[1] as 'root' | 'ou' | 'account' | undefined) ?? 'other';
}

function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * The evaluation of the denied request: explicitly denied and the same action, preferring the one
 * on the same resource (a cross-Region call can be evaluated on the profile and on the model).
 * Null when the details hold none (then they describe another request).
 */
export function deniedEvaluation(details: AuthorizationDetails, finding: Pick<Finding, 'action' | 'deniedResource'>): AuthorizationEvaluation | null {
  const denied = details.evaluations.filter((e) => e.evaluatedEffect === 'EXPLICIT_DENY');
  const byAction = finding.action === null ? denied : denied.filter((e) => same(e.action, finding.action ?? ''));
  const resource = finding.deniedResource;
  return byAction.find((e) => resource !== null && e.resource === resource) ?? byAction[0] ?? null;
}

/** The SCPs whose Deny statements matched the denied request, with their Sids and attachments. */
export function denyingScps(details: AuthorizationDetails, evaluation: AuthorizationEvaluation): AuthoritativePolicy[] {
  const scps = new Map(details.policies.filter((p) => p.type === SERVICE_CONTROL_POLICY && p.uri !== null).map((p) => [p.uri ?? '', p]));
  const result: AuthoritativePolicy[] = [];
  for (const matched of evaluation.matchedPolicies) {
    const policy = scps.get(matched.uri);
    if (policy === undefined) continue;
    const sids = matched.matchedStatements.filter((s) => s.evaluatedEffect === 'DENY').map((s) => s.sid ?? '');
    if (sids.length === 0) continue;
    result.push({ uri: matched.uri, deniedBy: sids.filter((sid) => sid !== ''), attachedTo: attachments(policy) });
  }
  return result;
}

function attachments(policy: EvaluatedPolicy): AuthoritativePolicy['attachedTo'] {
  return policy.attachedTo.map((arn) => ({ arn, kind: attachmentKind(arn) }));
}

/** Every SCP IAM evaluated for the request (type `SERVICE_CONTROL_POLICY`, with a URI). */
export function evaluatedScps(details: AuthorizationDetails): AuthoritativePolicy[] {
  return details.policies
    .filter((p) => p.type === SERVICE_CONTROL_POLICY && p.uri !== null)
    .map((p) => ({ uri: p.uri ?? '', deniedBy: [], attachedTo: attachments(p) }));
}

function hasDeny(content: string): boolean {
  try {
    const parsed: unknown = JSON.parse(content);
    const statements = (parsed as { Statement?: unknown })?.Statement;
    const list = Array.isArray(statements) ? statements : [statements];
    return list.some((s) => typeof s === 'object' && s !== null && (s as { Effect?: unknown }).Effect === 'Deny');
  } catch {
    return true;
  }
}

/**
 * Places SCP documents on the levels root → OUs → account. A policy with a Deny statement is placed
 * once (a Deny applies wherever it is attached, and one copy keeps one patch); an Allow-only policy
 * (`FullAWSAccess`) at every level it is attached to, since each level needs an Allow. OU nesting
 * is not in the details: OUs are levels in ARN order, which changes no decision (only which level
 * an implicit deny is reported at). Unattached policies go to the account level.
 */
export function scpLevels(policies: readonly { policy: AuthoritativePolicy; content: string }[]): { id: string; content: string; level: string }[][] {
  const levelKeys = new Set<string>();
  const placed: { key: string; id: string; content: string }[] = [];
  for (const { policy, content } of policies) {
    const targets = policy.attachedTo.map((a) => (a.kind === 'root' ? 'root' : a.kind === 'ou' ? `ou ${a.arn}` : 'account'));
    const unique = [...new Set(targets.length === 0 ? ['account'] : targets)];
    const chosen = hasDeny(content) ? [...unique].sort(levelOrder).slice(0, 1) : unique;
    for (const key of chosen) {
      levelKeys.add(key);
      placed.push({ key, id: policy.uri, content });
    }
  }
  return [...levelKeys].sort(levelOrder).map((key) => placed.filter((p) => p.key === key).map((p) => ({ id: p.id, content: p.content, level: key })));
}

function levelOrder(a: string, b: string): number {
  const rank = (key: string) => (key === 'root' ? 0 : key === 'account' ? 2 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}
