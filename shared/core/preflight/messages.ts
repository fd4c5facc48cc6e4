import type { Language } from '../types.js';

/** Fixed texts of the preflight matrix, per language. Identifiers and Regions are never translated. */
export interface PreflightMessages {
  title: string;
  profile: string;
  source: string;
  columns: string;
  accounts: string;
  ous: string;
  supplied: string;
  deniedBy: string;
  implicitDeny: string;
  level: string;
  fix: string;
  noFix: string;
  sourceDenied: string;
  /** The fix engine's verification status, as a person reads it. */
  verificationLabels: Record<'verified' | 'failed' | 'unverified', string>;
  summary: (values: { rows: number; ready: number; blocked: number; targets: number; chains: number; profiles: number; regions: number; evaluations: number; fixes: number }) => string;
  nothing: string;
  unknownRoutes: (count: number, list: string) => string;
}

export const PREFLIGHT_MESSAGES: Record<Language, PreflightMessages> = {
  en: {
    title: 'Pre-flight: cross-Region inference readiness',
    profile: 'PROFILE',
    source: 'FROM',
    columns: 'Columns (targets sharing one SCP chain answer the same)',
    accounts: 'accounts',
    ous: 'OUs',
    supplied: 'the supplied SCPs',
    deniedBy: 'denied by',
    implicitDeny: 'no SCP at this level allows it',
    level: 'level',
    fix: 'fix',
    noFix: 'no option passed verification',
    sourceDenied: 'source',
    verificationLabels: { verified: 'verified', failed: 'failed', unverified: 'unverified' },
    summary: (v) =>
      `${v.rows} checks: ${v.ready} ready, ${v.blocked} blocked · ${v.targets} targets in ${v.chains} distinct SCP chains × ${v.profiles} profiles × ${v.regions} source Regions · ${v.evaluations} evaluations, ${v.fixes} fix-engine runs`,
    nothing: 'Nothing to check: no profile is available from the source Regions given.',
    unknownRoutes: (count, list) => (count > 0 ? `${count} profile/Region pairs unknown to the catalog, skipped: ${list}` : ''),
  },
  ja: {
    title: 'プリフライト: クロスリージョン推論の準備状況',
    profile: 'プロファイル',
    source: '送信元リージョン',
    columns: '列（同じ SCP チェーンのターゲットは同じ結果になります）',
    accounts: 'アカウント',
    ous: 'OU',
    supplied: '指定された SCP',
    deniedBy: '拒否元',
    implicitDeny: 'このレベルに許可する SCP がありません',
    level: 'レベル',
    fix: '修正',
    noFix: '検証に通った選択肢はありません',
    sourceDenied: '送信元',
    verificationLabels: { verified: '検証済み', failed: '検証に失敗', unverified: '未検証' },
    summary: (v) =>
      `${v.rows > 0 ? `チェック ${v.rows} 件` : 'チェックなし'}: 準備完了 ${v.ready}、ブロック ${v.blocked} · ターゲット ${v.targets}（SCP チェーン ${v.chains} 種類）× プロファイル ${v.profiles} × 送信元リージョン ${v.regions} · 評価 ${v.evaluations} 回、修正エンジン ${v.fixes} 回`,
    nothing: '確認対象がありません: 指定された送信元リージョンで使えるプロファイルがありません。',
    unknownRoutes: (count, list) => (count > 0 ? `カタログにないプロファイルと送信元リージョンの組 ${count} 件をスキップしました: ${list}` : ''),
  },
};
