/**
 * The fixed texts of the CLI's own output (table headers, block lines, verification tags, summary
 * lines), per language. Verdict codes, IDs, ARNs, Regions and commands are inserted verbatim.
 * Japanese follows docs/ja-glossary.md.
 */
import type { Language } from '../shared/core/types.js';

/** The CLI texts of one language. */
export interface CliMessages {
  columns: { time: string; account: string; verdict: string; route: string; profile: string; policy: string };
  noDenials: string;
  blocksHeading: (v: { count: number }) => string;
  profileSubject: (v: { id: string }) => string;
  modelSubject: (v: { id: string }) => string;
  unnamedModel: string;
  deniedIn: (v: { region: string }) => string;
  deniedGlobal: string;
  policyScp: (v: { arn: string }) => string;
  policyScpUnknown: string;
  times: (v: { count: number }) => string;
  routesAll: (v: { count: number; regions: string; approximate: boolean }) => string;
  routesGlobal: (v: { count: number }) => string;
  blockLine: (v: { subject: string; source: string; denied: string; policy: string; times: string; routes: string }) => string;
  fix: string;
  details: string;
  authorizationId: (v: { id: string }) => string;
  tags: { verified: string; failed: string; unverified: string; notVerified: string; verifiedAssuming: (v: { assumptions: string }) => string };
  summaryRecords: (v: { records: number; findings: number; other: number; duplicates: number }) => string;
  summaryVerdicts: (v: { verdicts: string }) => string;
  summaryFiles: (v: { read: number; failed: number; skipped: number; problems: number }) => string;
  noneVerdict: string;
  digestSummary: (v: { records: number; denials: number; inWindow: number; previous: number; outside: number; duplicates: number; problems: number; out: string }) => string;
  approvedSources: (v: { regions: string }) => string;
  wrote: (v: { file: string }) => string;
  policyTypeUnknown: string;
}

const en: CliMessages = {
  columns: { time: 'TIME', account: 'ACCOUNT', verdict: 'VERDICT', route: 'SOURCE → DENIED', profile: 'PROFILE / MODEL', policy: 'POLICY' },
  noDenials: 'No denied Bedrock calls found.',
  blocksHeading: ({ count }) => (count > 0 ? `Cross-Region SCP blocks (${count}):` : 'No cross-Region SCP blocks.'),
  profileSubject: ({ id }) => `profile ${id}`,
  modelSubject: ({ id }) => `model ${id}`,
  unnamedModel: 'model (unnamed)',
  deniedIn: ({ region }) => `in ${region}`,
  deniedGlobal: 'Region-less (global, aws:RequestedRegion "unspecified")',
  policyScp: ({ arn }) => `SCP ${arn}`,
  policyScpUnknown: 'an SCP (ARN not in the message)',
  times: ({ count }) => (count > 1 ? ` ×${count}` : ''),
  routesAll: ({ count, regions, approximate }) => `; allow all ${count} destinations${approximate ? ' (approximate)' : ''}: ${regions}`,
  routesGlobal: ({ count }) => `; it can route to ${count} commercial Regions: allow "unspecified" for this profile`,
  blockLine: ({ subject, source, denied, policy, times, routes }) => `${subject} from ${source} was denied ${denied} by ${policy}${times}${routes}`,
  fix: 'fix:',
  details: 'details:',
  authorizationId: ({ id }) => `authorization id ${id}`,
  tags: {
    verified: 'verified',
    failed: 'failed',
    unverified: 'unverified',
    notVerified: 'not verified',
    verifiedAssuming: ({ assumptions }) => (assumptions === '' ? 'verified' : `verified assuming ${assumptions}`),
  },
  summaryRecords: ({ records, findings, other, duplicates }) =>
    `records read: ${records} · Bedrock denials: ${findings} · other records: ${other}${duplicates > 0 ? ` · repeated event IDs skipped: ${duplicates}` : ''}`,
  summaryVerdicts: ({ verdicts }) => `denials by verdict: ${verdicts || 'none'}`,
  summaryFiles: ({ read, failed, skipped, problems }) => `files: ${read} read, ${failed} failed, ${skipped} skipped${problems > 0 ? ` · problems: ${problems}` : ''}`,
  noneVerdict: 'none',
  digestSummary: ({ records, denials, inWindow, previous, outside, duplicates, problems, out }) =>
    `records read: ${records} · Bedrock denials: ${denials} · in the window: ${inWindow} · in the comparison window: ${previous} · outside both: ${outside}${duplicates > 0 ? ` · repeated event IDs skipped: ${duplicates}` : ''}${problems > 0 ? ` · problems: ${problems}` : ''}${out === '' ? '' : ` · HTML written to ${out}`}`,
  approvedSources: ({ regions }) => `source Regions (approved by the SCPs): ${regions || 'none'}`,
  wrote: ({ file }) => `wrote ${file}`,
  policyTypeUnknown: 'policy',
};

const ja: CliMessages = {
  columns: { time: '時刻', account: 'アカウント', verdict: '判定', route: '送信元 → 拒否されたリージョン', profile: 'プロファイル / モデル', policy: 'ポリシー' },
  noDenials: '拒否された Bedrock の呼び出しはありません。',
  blocksHeading: ({ count }) => (count > 0 ? `SCP によるクロスリージョン推論のブロック（${count} 件）:` : 'SCP によるクロスリージョン推論のブロックはありません。'),
  profileSubject: ({ id }) => `推論プロファイル ${id}`,
  modelSubject: ({ id }) => `モデル ${id}`,
  unnamedModel: '名前のないモデル',
  deniedIn: ({ region }) => `送信先リージョン ${region} で`,
  deniedGlobal: '特定のリージョンに限定されないリクエスト（グローバル推論プロファイル、aws:RequestedRegion は "unspecified"）で',
  policyScp: ({ arn }) => `SCP ${arn}`,
  policyScpUnknown: 'ARN 不明の SCP',
  times: ({ count }) => (count > 1 ? ` ×${count}` : ''),
  routesAll: ({ count, regions, approximate }) => `。送信先リージョン ${count} か所${approximate ? '（概算）' : ''}をすべて許可してください: ${regions}`,
  routesGlobal: ({ count }) => `。すべての商用リージョン（${count} か所）にルーティングされるため、このプロファイルについて "unspecified" を許可してください`,
  blockLine: ({ subject, source, denied, policy, times, routes }) => `送信元リージョン ${source} から呼び出した${subject} が、${denied} ${policy} によって拒否されました${times}${routes}`,
  fix: '修正:',
  details: '詳細:',
  authorizationId: ({ id }) => `認可 ID ${id}`,
  tags: {
    verified: '検証済み',
    failed: '検証に失敗',
    unverified: '未検証',
    notVerified: '未検証',
    verifiedAssuming: ({ assumptions }) => (assumptions === '' ? '検証済み' : `次を前提として検証済み: ${assumptions}`),
  },
  summaryRecords: ({ records, findings, other, duplicates }) =>
    `読み取ったレコード: ${records} · Bedrock の拒否: ${findings} · その他のレコード: ${other}${duplicates > 0 ? ` · 重複してスキップしたイベント ID: ${duplicates}` : ''}`,
  summaryVerdicts: ({ verdicts }) => `判定別の拒否: ${verdicts || 'なし'}`,
  summaryFiles: ({ read, failed, skipped, problems }) =>
    `ファイル: 読み取り ${read}${failed > 0 ? `、失敗 ${failed}` : ''}${skipped > 0 ? `、スキップ ${skipped}` : ''}${problems > 0 ? ` · 問題: ${problems}` : ''}`,
  noneVerdict: 'なし',
  digestSummary: ({ records, denials, inWindow, previous, outside, duplicates, problems, out }) =>
    `読み取ったレコード: ${records} · Bedrock の拒否: ${denials} · 期間内: ${inWindow} · 比較期間内: ${previous} · どちらの期間にも入らない: ${outside}${duplicates > 0 ? ` · 重複してスキップしたイベント ID: ${duplicates}` : ''}${problems > 0 ? ` · 問題: ${problems}` : ''}${out === '' ? '' : ` · HTML の書き込み先: ${out}`}`,
  approvedSources: ({ regions }) => `送信元リージョン（SCP で承認されたリージョン）: ${regions || 'なし'}`,
  wrote: ({ file }) => `${file} に書き込みました`,
  policyTypeUnknown: 'ポリシー',
};

/** CLI texts by language. */
export const CLI_MESSAGES: Readonly<Record<Language, CliMessages>> = { en, ja };
