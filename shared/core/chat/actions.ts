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
  const t = CHAT_ACTION_TEXT[lang];
  const lines = [t.replayHead({ accountId, from: report.window.from, to: report.window.to, records: report.recordsScanned, denials: report.denials, groups: report.crossRegionScpGroupsTotal })];
  for (const group of report.crossRegionScpGroups.slice(0, 10)) {
    const fix = group.recommendedFix === null ? '' : ` → ${group.recommendedFix.title}${group.recommendedFix.verification === undefined ? '' : ` [${group.recommendedFix.verification}]`}`;
    lines.push(line(`${group.count}× ${group.profileId ?? group.modelId ?? '-'} ${group.sourceRegions.join(',')} → ${group.deniedRegion ?? '-'}${fix}`));
  }
  for (const error of report.errors) lines.push(line(`${t.streamNotRead}: ${error.region} ${error.message}`));
  if (!report.complete) lines.push(t.incomplete);
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
  if (recommended === null) lines.push(CHAT_ACTION_TEXT[lang].noFix);
  else {
    lines.push(line(`${recommended.title} — ${verificationText(finding, lang) ?? labels.verification.unverified}`));
    lines.push(line(recommended.summary));
  }
  if (!scpsRead.ok) lines.push(line(`${CHAT_ACTION_TEXT[lang].scpsNotRead}: ${scpsRead.reason}`));
  return { ok: true, lines };
}

/** The fixed texts of the chat answers, per language; identifiers and counts are inserted verbatim. */
export const CHAT_ACTION_TEXT: Readonly<
  Record<
    Language,
    {
      replayHead: (v: { accountId: string; from: string; to: string; records: number; denials: number; groups: number }) => string;
      streamNotRead: string;
      incomplete: string;
      noFix: string;
      scpsNotRead: string;
      notStored: string;
    }
  >
> = {
  en: {
    replayHead: ({ accountId, from, to, records, denials, groups }) =>
      `Account ${accountId}, ${from} to ${to}: ${records} records, ${denials} denials, ${groups} cross-Region SCP problems`,
    streamNotRead: 'stream not read',
    incomplete: 'Not complete in time: continue with the replay function and the resume token',
    noFix: 'No fix computed',
    scpsNotRead: 'SCPs not read',
    notStored: 'No stored alert has this fingerprint (alerts are kept 35 days)',
  },
  ja: {
    replayHead: ({ accountId, from, to, records, denials, groups }) =>
      `アカウント ${accountId} の ${from} 〜 ${to}: ${records > 0 ? `レコード ${records} 件` : 'レコードなし'}${denials > 0 ? `、拒否 ${denials} 件` : '、拒否なし'}${groups > 0 ? `、クロスリージョン推論を止めている SCP の問題 ${groups} 件` : ''}`,
    streamNotRead: '読み取れなかったストリーム',
    incomplete: '時間内に読み終わりませんでした。残りは replay 関数に再開トークン（resume）を渡して続けてください',
    noFix: '修正案はありません',
    scpsNotRead: 'SCP を読み取れませんでした',
    notStored: 'このフィンガープリントの通知は保存されていません（通知は 35 日で削除されます）',
  },
};
