import type { Severity } from '../alert/severity.js';
import { neutralizeText } from '../text-safety.js';
import type { Finding, Language } from '../types.js';

/**
 * Text pieces shared by the chat channels that are not Slack (Microsoft Teams cards, Amazon Q
 * Developer custom notifications): the labels `alert-text.ts` does not have, the verification
 * outcome of a fix as a person reads it, and the one rule that makes record text inert.
 */

/** Labels of the chat channels, in one language. */
export interface ChatLabels {
  verification: Record<'verified' | 'failed' | 'unverified', string>;
  openCloudTrailEvent: string;
  openPolicy: string;
  snippetCut: (lines: number) => string;
  digestTitle: string;
  replayButton: string;
  explainButton: string;
  preflightButton: string;
}

const EN: ChatLabels = {
  verification: {
    verified: 'verified against the SCPs in force',
    failed: 'failed verification against the SCPs in force: do not apply as is',
    unverified: 'not verified: the SCPs in force were not read',
  },
  openCloudTrailEvent: 'Open the CloudTrail event',
  openPolicy: 'Open the SCP in AWS Organizations',
  snippetCut: (lines) => `… ${lines} more lines (the SNS alert and the CLI carry the whole fix)`,
  digestTitle: 'cris-auditor daily digest',
  replayButton: 'Replay 24 h for this account',
  explainButton: 'Explain again with the SCPs in force',
  preflightButton: 'Pre-flight this profile for this OU',
};

const JA: ChatLabels = {
  verification: {
    verified: '適用中の SCP で検証済み',
    failed: '適用中の SCP での検証に失敗: このまま適用しないでください',
    unverified: '未検証: 適用中の SCP を読み取っていません',
  },
  openCloudTrailEvent: 'CloudTrail イベントを開く',
  openPolicy: 'AWS Organizations で SCP を開く',
  snippetCut: (lines) => `… 残り ${lines} 行（SNS の通知と CLI に修正案の全文があります）`,
  digestTitle: 'cris-auditor 日次ダイジェスト',
  replayButton: 'このアカウントの 24 時間を再監査',
  explainButton: '適用中の SCP で再説明',
  preflightButton: 'この OU でプロファイルを事前確認',
};

/** The chat labels of a language (English when the language is not known). */
export function chatLabels(lang: Language): ChatLabels {
  return lang === 'ja' ? JA : EN;
}

/** Severity as a Unicode emoji: renders the same in Slack, Teams and Q Developer (no `:code:` shortcodes). */
export const SEVERITY_SYMBOL: Record<Severity, string> = { high: '🔴', medium: '🟠', low: '⚪' };

/**
 * The verification outcome of the recommended fix, in words; null when there is no fix, or when
 * the fix is not an SCP change (an identity-policy fix is never checked against SCPs, so "not
 * verified against the SCPs" would mislead).
 */
export function verificationText(finding: Finding, lang: Language): string | null {
  const fix = finding.fix ?? null;
  if (fix === null || fix.recommended === null) return null;
  const status = fix.recommended.verification ?? fix.verification.status;
  if (status === 'unverified' && fix.scp === null && finding.verdict !== 'cross-region-scp' && finding.verdict !== 'scp') return null;
  return chatLabels(lang).verification[status] ?? chatLabels(lang).verification.unverified;
}

/**
 * Record text made inert for a chat client that may turn text into links: control characters and
 * bidi overrides neutralised (see `text-safety.ts`), line breaks kept only with `multiline`, and
 * `scheme://` broken with U+2215 so no client links an attacker URL. No real identifier (ARN,
 * account, Region, model ID, event ID) contains `://`, so identifiers stay exactly copyable.
 */
export function inertText(value: string, options: { multiline?: boolean } = {}): string {
  return neutralizeText(value, options).replace(/:\/\//g, ':\u2215\u2215');
}
