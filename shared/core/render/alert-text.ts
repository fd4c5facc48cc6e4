import { VERDICTS } from '../constants.js';
import type { Severity } from '../alert/severity.js';
import type { Finding, Language, Verdict } from '../types.js';
import { policyTypeName } from '../classify/policy-types.js';

/** Every human-facing label of an alert, in one language. */
export interface AlertLabels {
  headline: Record<Verdict, string>;
  severity: Record<Severity, string>;
  account: string;
  principal: string;
  profile: string;
  route: string;
  action: string;
  scp: string;
  policy: string;
  /** The label of each policy type a denial message can name (by its message wording). */
  policyTypes: {
    identity: string;
    permissionsBoundary: string;
    session: string;
    vpcEndpoint: string;
    rcp: string;
    resourceBased: string;
  };
  statement: string;
  /** IAM Access Troubleshooter (preview): the console link and the authorization ID of the denial. */
  authorizationDetails: string;
  authorizationId: string;
  reason: string;
  recommendedFix: string;
  noFix: string;
  alternatives: (count: number) => string;
  repeats: (count: number) => string;
  cloudTrailEvent: string;
  organizationsPolicy: string;
  caller: string;
  errorMessage: string;
  fingerprint: string;
  verdict: string;
  eventTime: string;
}

const EN: AlertLabels = {
  headline: {
    [VERDICTS.crossRegionScp]: 'Cross-Region inference blocked by a region-deny SCP',
    [VERDICTS.scp]: 'Bedrock call denied by a service control policy',
    [VERDICTS.crossRegionIdentity]: 'Identity policy does not allow the destination Region',
    [VERDICTS.identity]: 'Bedrock call denied by an identity-based policy',
    [VERDICTS.permissionsBoundary]: 'Bedrock call denied by a permissions boundary',
    [VERDICTS.sessionPolicy]: 'Bedrock call denied by a session policy',
    [VERDICTS.vpcEndpointPolicy]: 'Bedrock call denied by a VPC endpoint policy',
    [VERDICTS.resourceControlPolicy]: 'Bedrock call denied by a resource control policy',
    [VERDICTS.resourceBased]: 'Bedrock call denied by a resource-based policy',
    [VERDICTS.modelAccess]: 'Bedrock model access is not granted',
    [VERDICTS.serviceRole]: 'Bedrock denied its service role (agent, knowledge base or job)',
    [VERDICTS.unknown]: 'Bedrock call denied (cause not recognised)',
  },
  severity: { high: 'High', medium: 'Medium', low: 'Low' },
  account: 'Account',
  principal: 'Principal',
  profile: 'Profile / model',
  route: 'Source → denied Region',
  action: 'Action',
  scp: 'SCP',
  policy: 'Policy',
  policyTypes: {
    identity: 'Identity-based policy',
    permissionsBoundary: 'Permissions boundary',
    session: 'Session policy',
    vpcEndpoint: 'VPC endpoint policy',
    rcp: 'RCP',
    resourceBased: 'Resource-based policy',
  },
  statement: 'Statement',
  authorizationDetails: 'Authorization details (IAM, kept at least 24 hours)',
  authorizationId: 'Authorization ID',
  reason: 'Why',
  recommendedFix: 'Recommended fix',
  noFix: 'No fix computed for this denial.',
  alternatives: (count) => (count === 0 ? '' : count === 1 ? '1 alternative' : `${count} alternatives`),
  repeats: (count) => (count === 0 ? '' : `${count} more since last alert`),
  cloudTrailEvent: 'CloudTrail event',
  organizationsPolicy: 'Policy in AWS Organizations',
  caller: 'Caller',
  errorMessage: 'Error message',
  fingerprint: 'Fingerprint',
  verdict: 'Verdict',
  eventTime: 'Event time',
};

const JA: AlertLabels = {
  headline: {
    [VERDICTS.crossRegionScp]: 'クロスリージョン推論がリージョン制限 SCP で拒否されました',
    [VERDICTS.scp]: 'Bedrock の呼び出しがサービスコントロールポリシー (SCP) で拒否されました',
    [VERDICTS.crossRegionIdentity]: 'アイデンティティベースのポリシーが送信先リージョンを許可していません',
    [VERDICTS.identity]: 'Bedrock の呼び出しがアイデンティティベースのポリシーで拒否されました',
    [VERDICTS.permissionsBoundary]: 'Bedrock の呼び出しがアクセス許可の境界で拒否されました',
    [VERDICTS.sessionPolicy]: 'Bedrock の呼び出しがセッションポリシーで拒否されました',
    [VERDICTS.vpcEndpointPolicy]: 'Bedrock の呼び出しが VPC エンドポイントポリシーで拒否されました',
    [VERDICTS.resourceControlPolicy]: 'Bedrock の呼び出しがリソースコントロールポリシー (RCP) で拒否されました',
    [VERDICTS.resourceBased]: 'Bedrock の呼び出しがリソースベースのポリシーで拒否されました',
    [VERDICTS.modelAccess]: 'Bedrock のモデルアクセスが許可されていません',
    [VERDICTS.serviceRole]: 'Bedrock のサービスロール（エージェント、ナレッジベース、ジョブ）の呼び出しが拒否されました',
    [VERDICTS.unknown]: 'Bedrock の呼び出しが拒否されました（原因を特定できません）',
  },
  severity: { high: '高', medium: '中', low: '低' },
  account: 'アカウント',
  principal: 'プリンシパル',
  profile: 'プロファイル / モデル',
  route: '送信元 → 拒否されたリージョン',
  action: 'アクション',
  scp: 'SCP',
  policy: 'ポリシー',
  policyTypes: {
    identity: 'アイデンティティベースのポリシー',
    permissionsBoundary: 'アクセス許可の境界',
    session: 'セッションポリシー',
    vpcEndpoint: 'VPC エンドポイントポリシー',
    rcp: 'RCP',
    resourceBased: 'リソースベースのポリシー',
  },
  statement: 'ステートメント',
  authorizationDetails: '認可の詳細（IAM、24 時間以上保持）',
  authorizationId: '認可 ID',
  reason: '理由',
  recommendedFix: '推奨される修正',
  noFix: 'この拒否に対する修正案はありません。',
  alternatives: (count) => (count === 0 ? '' : `代替案 ${count} 件`),
  repeats: (count) => (count === 0 ? '' : `前回の通知以降さらに ${count} 件`),
  cloudTrailEvent: 'CloudTrail イベント',
  organizationsPolicy: 'AWS Organizations のポリシー',
  caller: '呼び出し元',
  errorMessage: 'エラーメッセージ',
  fingerprint: 'フィンガープリント',
  verdict: '判定',
  eventTime: '発生時刻',
};

/** The alert labels of a language (English when the language is not known). */
export function alertLabels(lang: Language): AlertLabels {
  return lang === 'ja' ? JA : EN;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const EVENT_ID_PATTERN = /^[0-9A-Za-z-]{1,128}$/;
const SCP_ARN_PATTERN = /^arn:(aws|aws-us-gov|aws-cn):organizations::\d{12}:policy\/o-[0-9a-z]{10,32}\/service_control_policy\/(p-[0-9A-Za-z_]{8,128})$/;

/** The `p-…` ID of the denying SCP, from the finding or its fix, when a complete ARN is known. */
export function scpPolicyId(finding: Finding): string | null {
  return denyingScp(finding)?.id ?? null;
}

function denyingScp(finding: Finding): { partition: string; id: string } | null {
  for (const arn of [finding.policyArn, finding.fix?.scp?.policyArn ?? null]) {
    const match = arn === null ? null : SCP_ARN_PATTERN.exec(arn);
    if (match?.[1] !== undefined && match[2] !== undefined) return { partition: match[1], id: match[2] };
  }
  return null;
}

/** The SCP ID shape alone (older producers wrote ARNs without a validated organization ID). */
const SCP_ID_PATTERN = /\/service_control_policy\/(p-[0-9A-Za-z_]{8,128})$/;

/**
 * The console of a partition: commercial Regions at `<region>.console.aws.amazon.com`, AWS
 * GovCloud (US) at `console.amazonaws-us-gov.com`, the China Regions at `console.amazonaws.cn`.
 * @see https://docs.aws.amazon.com/general/latest/gr/mgmt-console.html
 * @see https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/using-govcloud-arns.html
 */
function consoleOrigin(partition: 'aws' | 'aws-us-gov' | 'aws-cn', region: string): string {
  if (partition === 'aws-us-gov') return 'https://console.amazonaws-us-gov.com';
  if (partition === 'aws-cn') return 'https://console.amazonaws.cn';
  return `https://${region}.console.aws.amazon.com`;
}

/** The partition a Region belongs to. */
export function partitionOfRegion(region: string): 'aws' | 'aws-us-gov' | 'aws-cn' {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

/** Console links of an alert. Built only from validated IDs, never from free text. */
export interface ConsoleLinks {
  cloudTrailEvent: string | null;
  organizationsPolicy: string | null;
}

/**
 * Links to the CloudTrail event (in its source Region, where the record is written) and to the SCP
 * in the AWS Organizations console (a global console, served from us-east-1 in the commercial
 * partition, from the partition's console in AWS GovCloud (US) and China).
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events-console.html
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
 */
export function consoleLinks(finding: Finding): ConsoleLinks {
  const region = finding.sourceRegion;
  const eventId = finding.eventId;
  const scp = denyingScp(finding) ?? legacyScp(finding);
  return {
    cloudTrailEvent:
      region !== null && REGION_PATTERN.test(region) && eventId !== null && EVENT_ID_PATTERN.test(eventId)
        ? `${consoleOrigin(partitionOfRegion(region), region)}/cloudtrailv2/home?region=${region}#/events/${eventId}`
        : null,
    organizationsPolicy:
      scp === null ? null : `${consoleOrigin(scp.partition as 'aws' | 'aws-us-gov' | 'aws-cn', 'us-east-1')}/organizations/v2/home/policies/service-control-policy/${scp.id}`,
  };
}

/** A commercial-partition SCP named only by its ID shape. */
function legacyScp(finding: Finding): { partition: string; id: string } | null {
  for (const arn of [finding.policyArn, finding.fix?.scp?.policyArn ?? null]) {
    if (arn === null || !arn.startsWith('arn:aws:organizations::')) continue;
    const match = SCP_ID_PATTERN.exec(arn);
    if (match?.[1] !== undefined) return { partition: 'aws', id: match[1] };
  }
  return null;
}

/**
 * The label of the denying policy, by its type: `SCP` when the message names a service control
 * policy or the fix engine found the denying SCP, otherwise the type the message names (an
 * identity-policy ARN is never labelled SCP).
 */
export function policyLabel(finding: Finding, labels: AlertLabels): string {
  const type = finding.policyType?.toLowerCase() ?? null;
  if (type === null) return finding.fix?.scp != null ? labels.scp : labels.policy;
  if (type.startsWith('service control polic')) return labels.scp;
  if (type.startsWith('identity-based polic')) return labels.policyTypes.identity;
  if (type.startsWith('permissions boundar')) return labels.policyTypes.permissionsBoundary;
  if (type.startsWith('session polic') || type.startsWith('sessions polic')) return labels.policyTypes.session;
  if (type.startsWith('vpc endpoint polic')) return labels.policyTypes.vpcEndpoint;
  if (type.startsWith('resource control polic')) return labels.policyTypes.rcp;
  if (type.startsWith('resource-based polic')) return labels.policyTypes.resourceBased;
  return labels.policy;
}

/** The denying policy as shown: its ARN (from the message, or the SCP the fix engine found), else its type. */
export function policyShown(finding: Finding): string | null {
  const scpFromFix = policyLabelIsScp(finding) ? (finding.fix?.scp?.policyArn ?? null) : null;
  return finding.policyArn ?? scpFromFix ?? finding.policyType;
}

/** The denying policy as one labelled value of an alert (see {@link policyField}). */
export interface PolicyField {
  label: string;
  value: string;
  /** The value is an ARN (shown as code, to copy); otherwise it is the policy type, in words. */
  isArn: boolean;
}

/**
 * The denying policy as an alert shows it: its ARN under the label of its type; or, when no ARN is
 * known (an implicit deny names only a type), the type in the reader's language under the generic
 * label, so it is not said twice ("Identity-based policy identity-based policy").
 */
export function policyField(finding: Finding, labels: AlertLabels, lang: Language): PolicyField | null {
  const shown = policyShown(finding);
  if (shown === null) return null;
  if (shown === finding.policyType && shown !== finding.policyArn) {
    const name = policyTypeName(shown, lang) ?? shown;
    return { label: labels.policy, value: lang === 'en' ? `${name.charAt(0).toUpperCase()}${name.slice(1)}` : name, isArn: false };
  }
  return { label: policyLabel(finding, labels), value: shown, isArn: true };
}

function policyLabelIsScp(finding: Finding): boolean {
  const type = finding.policyType?.toLowerCase() ?? null;
  return type === null || type.startsWith('service control polic');
}

/**
 * Every identifier an alert may name in prose (reason, fix title and summary): the channels show
 * them as code so a reader copies them exactly.
 */
export function findingIdentifiers(finding: Finding): string[] {
  const statement = finding.fix?.scp?.statement.sid ?? null;
  return [
    finding.principalArn,
    finding.policyArn,
    finding.fix?.scp?.policyArn ?? null,
    finding.fix?.scp?.policyName ?? null,
    statement,
    finding.modelId,
    finding.profile?.id ?? null,
    finding.foundationModel,
    finding.deniedResource,
    finding.sourceRegion,
    finding.deniedRegion,
    finding.accountId,
    finding.eventId,
    ...(finding.destinations ?? []),
  ].filter((value): value is string => value !== null && value !== undefined);
}

/** The profile ID, else the model ID as passed, else the foundation model. */
export function profileOrModel(finding: Finding): string | null {
  return finding.profile?.id ?? finding.modelId ?? finding.foundationModel;
}

/** The denying statement as shown to people: its Sid, or its index when it has none. */
export function statementLabel(finding: Finding): string | null {
  const statement = finding.fix?.scp?.statement;
  if (statement === undefined) return null;
  return statement.sid ?? `#${statement.index}`;
}
