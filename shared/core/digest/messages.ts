import type { Language, Verdict } from '../types.js';

/**
 * Every fixed text of the digest, per language. Values that come from events are never part of
 * these strings: renderers insert them (escaped) next to the labels.
 */
export interface DigestMessages {
  /** Email subject; plain text, one line. */
  subject(input: { date: string; count: number; newFingerprints: number }): string;
  emptySubject(input: { date: string }): string;
  /** The one line of an empty day's mail. */
  emptyLine(input: { from: string; to: string; timeZone: string }): string;
  title: string;
  windowLine(input: { from: string; to: string; timeZone: string }): string;
  summaryHeading: string;
  denials: string;
  distinctProblems: string;
  newProblems: string;
  recurringProblems: string;
  previousDay: string;
  change: string;
  byVerdictHeading: string;
  verdict: string;
  count: string;
  topHeading: string;
  topAccounts: string;
  topRoles: string;
  topProfiles: string;
  topDeniedRegions: string;
  none: string;
  groupsHeading: string;
  groupsIntro: string;
  groupsNone: string;
  groupsMore(input: { shown: number; total: number }): string;
  account: string;
  role: string;
  profile: string;
  route: string;
  firstSeen: string;
  lastSeen: string;
  newBadge: string;
  /** Label of the IAM Access Troubleshooter link of the latest denial of a group. */
  authorizationDetails: string;
  reason: string;
  recommendedFix: string;
  noFix: string;
  sameSnippetAs(input: { group: number }): string;
  tradeoffs: string;
  footer: string;
  verdictLabels: Record<Verdict, string>;
  /** Heading of the failure-rate section, naming the UTC day its counts are of. */
  intermittencyHeading(input: { day: string }): string;
  intermittencyIntro: string;
  intermittencyHealthy(input: { count: number }): string;
  intermittencyMore(input: { shown: number; total: number }): string;
  /** Heading of the "will break" section. */
  readinessHeading: string;
  readinessIntro(input: { takenAt: string; pairs: number; targets: number }): string;
  /** The one line said when readiness could not be computed, and why. */
  readinessNotComputed(input: { reason: 'no-snapshot' | 'snapshot-unreadable' | 'not-configured'; detail: string | null }): string;
  readinessBlockedIn: string;
  readinessDeniedIn: string;
  readinessSourceCall: string;
  readinessDeniedBy: string;
  readinessImplicitDeny(input: { level: number }): string;
  readinessLevel: string;
  readinessMoreTargets(input: { count: number }): string;
  readinessNoFix: string;
  readinessMore(input: { shown: number; total: number }): string;
  /** Points back to the blocked group (`R1`, `R2`, …) that printed the same snippet. */
  readinessSameSnippet(input: { label: string }): string;
}

const en: DigestMessages = {
  subject: ({ date, count, newFingerprints }) =>
    `[cris-auditor] Bedrock denials digest ${date}: ${count} denial${count === 1 ? '' : 's'}, ${newFingerprints} new problem${newFingerprints === 1 ? '' : 's'}`,
  emptySubject: ({ date }) => `[cris-auditor] Bedrock denials digest ${date}: no denials`,
  emptyLine: ({ from, to, timeZone }) => `No denied Amazon Bedrock calls from ${from} to ${to} (${timeZone}).`,
  title: 'Amazon Bedrock denials: daily digest',
  windowLine: ({ from, to, timeZone }) => `From ${from} to ${to} (${timeZone})`,
  summaryHeading: 'Summary',
  denials: 'Denials',
  distinctProblems: 'Distinct problems',
  newProblems: 'New problems',
  recurringProblems: 'Recurring problems',
  previousDay: 'Previous period',
  change: 'Change',
  byVerdictHeading: 'By verdict',
  verdict: 'Verdict',
  count: 'Denials',
  topHeading: 'Most affected',
  topAccounts: 'Accounts',
  topRoles: 'Roles',
  topProfiles: 'Profiles and models',
  topDeniedRegions: 'Denied Regions',
  none: 'none',
  groupsHeading: 'Cross-Region inference blocked by an SCP',
  groupsIntro: 'Each group is one account, role, profile and denied Region. Apply the recommended fix once per group.',
  groupsNone: 'No cross-Region inference call was blocked by a service control policy.',
  groupsMore: ({ shown, total }) => `${total - shown} more group${total - shown === 1 ? '' : 's'} not shown (${total} in all).`,
  account: 'Account',
  role: 'Role',
  profile: 'Profile / model',
  route: 'Source → denied Region',
  firstSeen: 'First seen',
  lastSeen: 'Last seen',
  newBadge: 'NEW',
  authorizationDetails: 'Authorization details (latest denial, kept at least 24 hours)',
  reason: 'Why',
  recommendedFix: 'Recommended fix',
  noFix: 'No fix computed yet: run `cris-audit analyze` with the SCP to get one.',
  sameSnippetAs: ({ group }) => `Same snippet as group ${group}.`,
  tradeoffs: 'Trade-offs',
  footer: 'Sent by cris-auditor. Values from CloudTrail events are shown as recorded.',
  intermittencyHeading: ({ day }) => `How often calls fail (UTC day ${day})`,
  intermittencyIntro: 'Counted by replays run with store. A cross-Region profile fails only when routing picks a denied Region, so partly denied profiles look flaky.',
  intermittencyHealthy: ({ count }) => `${count} other account/profile/Region combination${count === 1 ? '' : 's'} had no failed call.`,
  intermittencyMore: ({ shown, total }) => `${total - shown} more failing combination${total - shown === 1 ? '' : 's'} not shown (${total} in all).`,
  readinessHeading: 'Will break: profiles in use that the SCPs block',
  readinessIntro: ({ takenAt, pairs, targets }) => `${pairs} profile/source Region pair${pairs === 1 ? '' : 's'} in use checked against ${targets} account${targets === 1 ? '' : 's'} and OUs of the organization snapshot of ${takenAt}. A call fails whenever routing picks a denied Region.`,
  readinessNotComputed: ({ reason, detail }) =>
    reason === 'not-configured'
      ? 'Readiness ("will break") was not computed: this stack keeps no organization snapshot (deploy it with the organization read role so it refreshes one daily).'
      : reason === 'no-snapshot'
        ? 'Readiness ("will break") was not computed: no organization snapshot is stored (the daily organization refresh stores one; it needs the organization read role, and may not have run yet).'
        : `Readiness ("will break") was not computed: the stored organization snapshot could not be read${detail === null ? '' : ` (${detail})`}.`,
  readinessBlockedIn: 'Blocked in',
  readinessDeniedIn: 'Denied Regions',
  readinessSourceCall: 'the profile call in the source Region',
  readinessDeniedBy: 'Denied by',
  readinessImplicitDeny: ({ level }) => `no SCP at level ${level} allows it`,
  readinessLevel: 'level',
  readinessMoreTargets: ({ count }) => (count > 0 ? `and ${count} more` : ''),
  readinessNoFix: 'No fix option passed verification for this SCP chain.',
  readinessSameSnippet: ({ label }) => `Same snippet as ${label}.`,
  readinessMore: ({ shown, total }) => `${total - shown} more blocked group${total - shown === 1 ? '' : 's'} not shown (${total} in all); run cris-audit preflight --org for the whole matrix.`,
  verdictLabels: {
    'cross-region-scp': 'Cross-Region inference blocked by an SCP',
    scp: 'Blocked by an SCP',
    'cross-region-identity': 'Identity policy misses a destination Region',
    identity: 'Identity policy',
    'permissions-boundary': 'Permissions boundary',
    'session-policy': 'Session policy',
    'vpc-endpoint-policy': 'VPC endpoint policy',
    'resource-control-policy': 'Resource control policy',
    'resource-based-policy': 'Resource-based policy',
    'model-access': 'Model access',
    'bedrock-service-role': 'Bedrock service role',
    unknown: 'Unknown',
  },
};

const ja: DigestMessages = {
  subject: ({ date, count, newFingerprints }) =>
    count === 0
      ? `[cris-auditor] Bedrock 拒否の日次ダイジェスト ${date}: 拒否なし`
      : `[cris-auditor] Bedrock 拒否の日次ダイジェスト ${date}: 拒否 ${count} 件${newFingerprints > 0 ? `、新規の問題 ${newFingerprints} 件` : ''}`,
  emptySubject: ({ date }) => `[cris-auditor] Bedrock 拒否の日次ダイジェスト ${date}: 拒否なし`,
  emptyLine: ({ from, to, timeZone }) => `${from} から ${to} (${timeZone}) まで、拒否された Amazon Bedrock の呼び出しはありません。`,
  title: 'Amazon Bedrock 拒否の日次ダイジェスト',
  windowLine: ({ from, to, timeZone }) => `${from} 〜 ${to} (${timeZone})`,
  summaryHeading: '概要',
  denials: '拒否',
  distinctProblems: '問題の種類',
  newProblems: '新規の問題',
  recurringProblems: '継続中の問題',
  previousDay: '前の期間',
  change: '増減',
  byVerdictHeading: '判定別',
  verdict: '判定',
  count: '拒否',
  topHeading: '影響の大きい対象',
  topAccounts: 'アカウント',
  topRoles: 'ロール',
  topProfiles: 'プロファイル・モデル',
  topDeniedRegions: '拒否されたリージョン',
  none: 'なし',
  groupsHeading: 'SCP によりブロックされたクロスリージョン推論',
  groupsIntro: 'グループはアカウント・ロール・プロファイル・拒否されたリージョンの組です。推奨される修正はグループごとに一度適用してください。',
  groupsNone: 'SCP によりブロックされたクロスリージョン推論の呼び出しはありません。',
  groupsMore: ({ shown, total }) => `ほか ${total - shown} グループは省略しました（全 ${total} グループ）。`,
  account: 'アカウント',
  role: 'ロール',
  profile: 'プロファイル / モデル',
  route: '送信元 → 拒否されたリージョン',
  firstSeen: '初回',
  lastSeen: '最終',
  newBadge: '新規',
  authorizationDetails: '認可の詳細（最新の拒否、24 時間以上保持）',
  reason: '理由',
  recommendedFix: '推奨される修正',
  noFix: '修正案はまだ計算されていません。SCP を指定して `cris-audit analyze` を実行してください。',
  sameSnippetAs: ({ group }) => `グループ ${group} と同じスニペットです。`,
  tradeoffs: 'トレードオフ',
  footer: 'cris-auditor が送信しました。CloudTrail イベントの値は記録されたとおりに表示しています。',
  intermittencyHeading: ({ day }) => `呼び出しの失敗率（UTC ${day}）`,
  intermittencyIntro: 'store を指定したリプレイで集計しています。クロスリージョン推論の呼び出しは、拒否された送信先リージョンにルーティングされたときだけ失敗するため、一部の送信先リージョンだけが拒否されていると不安定に見えます。',
  intermittencyHealthy: ({ count }) => (count > 0 ? `ほか ${count} 件のアカウント・プロファイル・リージョンの組では失敗はありません。` : 'ほかの組では失敗はありません。'),
  intermittencyMore: ({ shown, total }) => `失敗のある組をほか ${total - shown} 件省略しました（全 ${total} 件）。`,
  readinessHeading: '今後失敗する呼び出し: SCP がブロックしている使用中のプロファイル',
  readinessIntro: ({ takenAt, pairs, targets }) =>
    `${pairs > 0 ? `使用中の推論プロファイルと送信元リージョンの組 ${pairs} 件` : '使用中の推論プロファイル'}を、${takenAt} の組織スナップショットの${targets > 0 ? `アカウントと OU ${targets} 件` : 'アカウントと OU'}に対して確認しました。拒否されたリージョンにルーティングされるたびに呼び出しは失敗します。`,
  readinessNotComputed: ({ reason, detail }) =>
    reason === 'not-configured'
      ? '準備状況（今後失敗する呼び出し）は計算していません: このスタックは組織スナップショットを保持していません（組織の読み取りロールを指定してデプロイすると毎日更新されます）。'
      : reason === 'no-snapshot'
        ? '準備状況（今後失敗する呼び出し）は計算していません: 組織スナップショットが保存されていません（日次の組織情報の更新で保存されます。更新には組織の読み取りロールが必要で、まだ実行されていない可能性もあります）。'
        : `準備状況（今後失敗する呼び出し）は計算していません: 保存された組織スナップショットを読み取れませんでした${detail === null ? '' : `（${detail}）`}。`,
  readinessBlockedIn: 'ブロックされる対象',
  readinessDeniedIn: '拒否されるリージョン',
  readinessSourceCall: '送信元リージョンでの推論プロファイルの呼び出し',
  readinessDeniedBy: '拒否元',
  readinessImplicitDeny: ({ level }) => `レベル ${level} に許可する SCP がありません`,
  readinessLevel: 'レベル',
  readinessMoreTargets: ({ count }) => (count > 0 ? `ほか ${count} 件` : ''),
  readinessNoFix: 'この SCP チェーンでは検証に通った修正案はありません。',
  readinessSameSnippet: ({ label }) => `${label} と同じスニペットです。`,
  readinessMore: ({ shown, total }) => `ブロックされたグループをほか ${total - shown} 件省略しました（全 ${total} 件）。全体は cris-audit preflight --org で確認できます。`,
  verdictLabels: {
    'cross-region-scp': 'SCP によるクロスリージョン推論のブロック',
    scp: 'SCP によるブロック',
    'cross-region-identity': 'アイデンティティベースのポリシーに送信先リージョンがない',
    identity: 'アイデンティティベースのポリシー',
    'permissions-boundary': 'アクセス許可の境界',
    'session-policy': 'セッションポリシー',
    'vpc-endpoint-policy': 'VPC エンドポイントポリシー',
    'resource-control-policy': 'リソースコントロールポリシー',
    'resource-based-policy': 'リソースベースのポリシー',
    'model-access': 'モデルアクセス',
    'bedrock-service-role': 'Bedrock のサービスロール',
    unknown: '不明',
  },
};

/** Digest texts by language. */
export const DIGEST_MESSAGES: Readonly<Record<Language, DigestMessages>> = { en, ja };

/** A signed change as shown to people: `+3`, `-2`, `±0`. */
export function formatChange(change: number): string {
  if (change > 0) return `+${change}`;
  if (change < 0) return `${change}`;
  return '±0';
}
