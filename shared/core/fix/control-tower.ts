/**
 * Tells Control Tower-managed SCPs apart, and reads the parameters of the control in force from
 * them. Editing a managed SCP causes drift that Control Tower reverts or reports, so the fix engine
 * never proposes an edit to one; updating the control replaces its parameters with what is supplied,
 * so the fix merges with what is in force.
 * @see https://docs.aws.amazon.com/controltower/latest/userguide/region-deny.html
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/primary-region-deny-policy.html
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/ou-region-deny.html
 * @see https://docs.aws.amazon.com/controltower/latest/APIReference/API_UpdateEnabledControl.html
 */
import type { ScpDocument } from '../types.js';
import { asList, isObject, regionCondition, statementsOf, type JsonObject } from './policy-edit.js';

/** Which Control Tower Region deny a policy implements. */
export type ControlTowerKind = 'landing-zone-region-deny' | 'ou-region-deny' | 'other-control';

/** Why a policy was recognized as Control Tower-managed, or null when it was not. */
export interface ControlTowerMatch {
  kind: ControlTowerKind;
  /** `name`/`description`: the policy is named or described as Control Tower's; `sid-and-exemption`: a Control Tower Sid on a statement that exempts `AWSControlTowerExecution`. */
  signal: 'name' | 'description' | 'sid-and-exemption';
}

const REGION_DENY_SID = 'GRREGIONDENY';
const OU_REGION_DENY_SID = 'CTMULTISERVICEPV1';
const EXECUTION_ROLE = /:role\/AWSControlTowerExecution$/;

function parseDocument(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return null;
  }
}

function normalSid(statement: JsonObject): string {
  return typeof statement.Sid === 'string' ? statement.Sid.replace(/[^A-Za-z0-9]/g, '').toUpperCase() : '';
}

function principalExemptions(statement: JsonObject): string[] {
  const condition = isObject(statement.Condition) ? statement.Condition : {};
  const out: string[] = [];
  for (const [operator, block] of Object.entries(condition)) {
    if (!/^(ArnNotLike|ArnNotEquals|StringNotLike|StringNotEquals)(IfExists)?$/i.test(operator) || !isObject(block)) continue;
    for (const [key, values] of Object.entries(block)) if (key.toLowerCase() === 'aws:principalarn') out.push(...asList(values));
  }
  return out;
}

function kindOfStatements(statements: readonly JsonObject[]): ControlTowerKind {
  if (statements.some((s) => normalSid(s) === REGION_DENY_SID)) return 'landing-zone-region-deny';
  if (statements.some((s) => normalSid(s) === OU_REGION_DENY_SID)) return 'ou-region-deny';
  // An unnamed region deny under a Control Tower name: the OU control when it is not the landing zone's.
  return statements.some((s) => regionCondition(s) !== null) ? 'ou-region-deny' : 'other-control';
}

/**
 * Whether an SCP is managed by AWS Control Tower. It takes a Control Tower marker: a policy name
 * starting `aws-guardrails-` (how Control Tower names the SCPs it creates), a description naming
 * Control Tower, or a `GRREGIONDENY`/`CTMULTISERVICEPV1` statement that also exempts Control Tower's
 * `AWSControlTowerExecution` role. A look-alike Sid alone (a customer copy of the documented policy)
 * is not enough: such a policy is the customer's own and is patched like any other.
 * Contract: total, never throws.
 */
export function detectControlTower(document: ScpDocument): ControlTowerMatch | null {
  const statements = statementsOf(parseDocument(typeof document?.content === 'string' ? document.content : ''));
  const kind = kindOfStatements(statements);
  const name = typeof document?.name === 'string' ? document.name : '';
  if (name.toLowerCase().startsWith('aws-guardrails-')) return { kind, signal: 'name' };
  const description = typeof document?.description === 'string' ? document.description : '';
  if (/aws control tower|aws-guardrails/i.test(description)) return { kind, signal: 'description' };
  const marked = statements.some(
    (s) =>
      [REGION_DENY_SID, OU_REGION_DENY_SID].includes(normalSid(s)) && principalExemptions(s).some((arn) => EXECUTION_ROLE.test(arn)),
  );
  return marked ? { kind, signal: 'sid-and-exemption' } : null;
}

/** Whether a statement Sid is one of Control Tower's Region deny Sids (used on the denying statement). */
export function isControlTowerSid(sid: string | null): boolean {
  if (sid === null) return false;
  const normal = sid.replace(/[^A-Za-z0-9]/g, '').toUpperCase();
  return normal === REGION_DENY_SID || normal === OU_REGION_DENY_SID;
}

/**
 * The `NotAction` list Control Tower's Region deny controls always carry (the documented
 * `GRREGIONDENY` list): anything else in a managed Region deny's `NotAction` came from
 * `ExemptedActions`.
 * @see https://docs.aws.amazon.com/controltower/latest/controlreference/primary-region-deny-policy.html
 */
export const CONTROL_TOWER_BASE_NOT_ACTIONS: readonly string[] = [
  'a4b:*', 'access-analyzer:*', 'account:*', 'acm:*', 'activate:*', 'artifact:*', 'aws-marketplace-management:*',
  'aws-marketplace:*', 'aws-portal:*', 'billing:*', 'billingconductor:*', 'budgets:*', 'ce:*', 'chatbot:*', 'chime:*',
  'cloudfront:*', 'cloudtrail:LookupEvents', 'compute-optimizer:*', 'config:*', 'consoleapp:*', 'consolidatedbilling:*',
  'cur:*', 'datapipeline:GetAccountLimits', 'devicefarm:*', 'directconnect:*',
  'ec2:DescribeRegions', 'ec2:DescribeTransitGateways', 'ec2:DescribeVpnGateways', 'ecr-public:*', 'fms:*',
  'freetier:*', 'globalaccelerator:*', 'health:*', 'iam:*', 'importexport:*', 'invoicing:*', 'iq:*', 'kms:*',
  'license-manager:ListReceivedLicenses', 'lightsail:Get*', 'mobileanalytics:*', 'networkmanager:*', 'notifications-contacts:*',
  'notifications:*', 'organizations:*', 'payments:*', 'pricing:*', 'quicksight:DescribeAccountSubscription',
  'resource-explorer-2:*', 'route53-recovery-cluster:*', 'route53-recovery-control-config:*', 'route53-recovery-readiness:*',
  'route53:*', 'route53domains:*', 's3:CreateMultiRegionAccessPoint', 's3:DeleteMultiRegionAccessPoint',
  's3:DescribeMultiRegionAccessPointOperation', 's3:GetAccountPublicAccessBlock', 's3:GetBucketLocation',
  's3:GetBucketPolicyStatus', 's3:GetBucketPublicAccessBlock', 's3:GetMultiRegionAccessPoint',
  's3:GetMultiRegionAccessPointPolicy', 's3:GetMultiRegionAccessPointPolicyStatus', 's3:GetStorageLensConfiguration',
  's3:GetStorageLensDashboard', 's3:ListAllMyBuckets', 's3:ListMultiRegionAccessPoints', 's3:ListStorageLensConfigurations',
  's3:PutAccountPublicAccessBlock', 's3:PutMultiRegionAccessPointPolicy', 'savingsplans:*', 'shield:*', 'sso:*', 'sts:*',
  'support:*', 'supportapp:*', 'supportplans:*', 'sustainability:*', 'tag:GetResources', 'tax:*', 'trustedadvisor:*',
  'vendor-insights:ListEntitledSecurityProfiles', 'waf-regional:*', 'waf:*', 'wafv2:*',
];

const CONTROL_TOWER_ROLE = /:role\/(AWSControlTower|aws-controltower-)/;

/** The parameters of `CT.MULTISERVICE.PV.1` (key → values), as `update-enabled-control` takes them. */
export type ControlTowerParameterSet = Record<'AllowedRegions' | 'ExemptedActions' | 'ExemptedPrincipalArns', string[]>;

/**
 * The parameters in force of the Control Tower Region deny behind a managed SCP: as read from
 * Control Tower when the document carries them, else from the SCP text (the Region list; the
 * `NotAction` entries beyond Control Tower's base list; the exempted principals other than Control
 * Tower's own roles). Contract: total; unknown parts are empty lists.
 */
export function parametersInForce(document: ScpDocument, statementIndex: number): { parameters: ControlTowerParameterSet; source: 'control-tower' | 'scp-text' } {
  const read = document?.controlTowerParameters;
  if (read !== undefined && read !== null && typeof read === 'object') {
    const list = (key: string): string[] => (Array.isArray(read[key]) ? read[key].filter((v): v is string => typeof v === 'string') : []);
    return { parameters: { AllowedRegions: list('AllowedRegions'), ExemptedActions: list('ExemptedActions'), ExemptedPrincipalArns: list('ExemptedPrincipalArns') }, source: 'control-tower' };
  }
  const statement = statementsOf(parseDocument(typeof document?.content === 'string' ? document.content : ''))[statementIndex] ?? {};
  const base = new Set(CONTROL_TOWER_BASE_NOT_ACTIONS.map((a) => a.toLowerCase()));
  return {
    parameters: {
      AllowedRegions: regionCondition(statement)?.values ?? [],
      ExemptedActions: asList(statement.NotAction).filter((action) => !base.has(action.toLowerCase())),
      ExemptedPrincipalArns: principalExemptions(statement).filter((arn) => !CONTROL_TOWER_ROLE.test(arn)),
    },
    source: 'scp-text',
  };
}

/** `inForce` with `additions` merged in, keeping order and never dropping a value in force. */
export function mergeParameters(inForce: ControlTowerParameterSet, additions: Partial<ControlTowerParameterSet>): ControlTowerParameterSet {
  const merge = (a: readonly string[], b: readonly string[] = []): string[] => [...a, ...b.filter((v) => !a.includes(v))];
  return {
    AllowedRegions: merge(inForce.AllowedRegions, additions.AllowedRegions),
    ExemptedActions: merge(inForce.ExemptedActions, additions.ExemptedActions),
    ExemptedPrincipalArns: merge(inForce.ExemptedPrincipalArns, additions.ExemptedPrincipalArns),
  };
}
