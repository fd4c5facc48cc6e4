import { explainFinding } from '../classify/explain.js';
import type { ReplayReport } from '../replay/report.js';
import { chatLabels, verificationText } from '../render/chat-text.js';
import { profileOrModel } from '../render/alert-text.js';
import { neutralizeText, truncateText } from '../text-safety.js';
import type { Finding, Language } from '../types.js';

/**
 * The actions behind the Amazon Q Developer buttons on an alert. Q Developer runs a custom action
 * as a CLI-like command in the channel (`lambda invoke --function-name … --payload {…}`) with the
 * notification's values substituted, so the payload is tiny and every value is checked here again:
 * the substitution is text, and nothing else stands between a chat click and the function.
 * @see https://docs.aws.amazon.com/chatbot/latest/APIReference/API_CustomActionDefinition.html
 */

/** One action, validated. */
export type ChatAction =
  /** "Replay 24 h for this account": `{"r": "<12-digit account ID>"}`. */
  | { kind: 'replay-account'; accountId: string }
  /** "Explain again with the SCPs in force": `{"e": "<fingerprint>"}`. */
  | { kind: 'explain'; fingerprint: string };

/** The payload keys, one letter each: the whole command must fit Q Developer's 100-character `CommandText`. */
export const CHAT_ACTION_KEYS = { replayAccount: 'r', explain: 'e' } as const;

/** Reads the payload of a chat action; bad input is a reason a person can act on, never a crash. */
export function parseChatAction(payload: unknown): { ok: true; value: ChatAction } | { ok: false; reason: string } {
  const value = typeof payload === 'string' ? safeJson(payload) : payload;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'payload must be a JSON object such as {"r":"111122223333"} or {"e":"<fingerprint>"}' };
  const fields = value as Record<string, unknown>;
  const keys = Object.keys(fields);
  if (keys.length !== 1) return { ok: false, reason: `payload must have exactly one of "r" (account) or "e" (fingerprint), got ${keys.length} fields` };
  const account = fields[CHAT_ACTION_KEYS.replayAccount];
  if (account !== undefined) {
    return typeof account === 'string' && /^\d{12}$/.test(account)
      ? { ok: true, value: { kind: 'replay-account', accountId: account } }
      : { ok: false, reason: '"r" must be a 12-digit account ID' };
  }
  const fingerprint = fields[CHAT_ACTION_KEYS.explain];
  if (fingerprint !== undefined) {
    return typeof fingerprint === 'string' && /^[0-9a-f]{32}$/.test(fingerprint)
      ? { ok: true, value: { kind: 'explain', fingerprint } }
      : { ok: false, reason: '"e" must be an alert fingerprint (32 hexadecimal characters)' };
  }
  return { ok: false, reason: `unknown field ${JSON.stringify(keys[0]?.slice(0, 40))}; use "r" (account) or "e" (fingerprint)` };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** What the function answers; Q Developer shows it in the channel. */
export interface ChatAnswer {
  ok: boolean;
  /** Lines a person reads, in the stack's language; record values made inert. */
  lines: string[];
}

const line = (text: string): string => truncateText(neutralizeText(text).replace(/:\/\//g, ':\u2215\u2215'), 400);

/** The answer to "Replay 24 h for this account": counts, then each cross-Region SCP problem with its fix. */
export function replayAnswer(accountId: string, report: ReplayReport, lang: Language): ChatAnswer {
  const ja = lang === 'ja';
  const lines = [
    ja
      ? `アカウント ${accountId} の ${report.window.from} 〜 ${report.window.to}: レコード ${report.recordsScanned} 件、拒否 ${report.denials} 件、クロスリージョン SCP の問題 ${report.crossRegionScpGroupsTotal} 件`
      : `Account ${accountId}, ${report.window.from} to ${report.window.to}: ${report.recordsScanned} records, ${report.denials} denials, ${report.crossRegionScpGroupsTotal} cross-Region SCP problems`,
  ];
  for (const group of report.crossRegionScpGroups.slice(0, 10)) {
    const fix = group.recommendedFix === null ? '' : ` → ${group.recommendedFix.title}${group.recommendedFix.verification === undefined ? '' : ` [${group.recommendedFix.verification}]`}`;
    lines.push(line(`${group.count}× ${group.profileId ?? group.modelId ?? '-'} ${group.sourceRegions.join(',')} → ${group.deniedRegion ?? '-'}${fix}`));
  }
  for (const error of report.errors) lines.push(line(`${ja ? '読み取れなかったストリーム' : 'stream not read'}: ${error.region} ${error.message}`));
  if (!report.complete) lines.push(ja ? '時間内に読み終わりませんでした: 残りは replay 関数に resume で続けてください' : 'Not complete in time: continue with the replay function and the resume token');
  return { ok: report.errors.length === 0, lines };
}

/** The answer to "Explain again with the SCPs in force": the reason and the fix as computed now. */
export function explainAnswer(finding: Finding, lang: Language, scpsRead: { ok: true } | { ok: false; reason: string }): ChatAnswer {
  const labels = chatLabels(lang);
  const recommended = finding.fix?.recommended ?? null;
  const lines = [
    line(`${finding.verdict}: ${profileOrModel(finding) ?? '-'} ${finding.sourceRegion ?? '-'} → ${finding.deniedRegion ?? '-'} (${finding.accountId ?? '-'})`),
    line(explainFinding(finding, lang)),
  ];
  if (recommended === null) lines.push(lang === 'ja' ? '修正案はありません' : 'No fix computed');
  else {
    lines.push(line(`${recommended.title} — ${verificationText(finding, lang) ?? labels.verification.unverified}`));
    lines.push(line(recommended.summary));
  }
  if (!scpsRead.ok) lines.push(line(`${lang === 'ja' ? 'SCP を読み取れませんでした' : 'SCPs not read'}: ${scpsRead.reason}`));
  return { ok: true, lines };
}
