/**
 * The sentences the authoritative path adds to a fix's notes, in English and Japanese. Policy
 * ARNs, Sids and authorization IDs are identifiers: never translated.
 */
import type { AuthoritativeLookup, AuthoritativeReason, Fix, Language } from '../types.js';

/** What the fix was computed from when IAM Access Troubleshooter was not used. */
export type AuthoritativeFallback = 'organizations' | 'scp-files' | 'none';

const REASONS: Record<Language, Record<AuthoritativeReason, string>> = {
  en: {
    'no-authorization-id': 'the denial message carries no authorization ID',
    'expired-or-unknown': 'the authorization ID is unknown or its details have expired (AWS keeps them at least 24 hours)',
    'access-denied': 'reading the authorization details was denied (iam:GetRequestAuthorizationDetails, iam:GetRequestAuthorizationPolicy)',
    'preview-unavailable': 'IAM Toolbox (preview) could not be reached',
    'invalid-response': 'the IAM Toolbox answer could not be read',
    'no-matching-scp': 'the authorization details name no SCP statement that denied this request',
  },
  ja: {
    'no-authorization-id': '拒否メッセージに認可 ID がありません',
    'expired-or-unknown': '認可 ID が見つからないか、認可の詳細の保持期間（24 時間以上）が過ぎています',
    'access-denied': '認可の詳細を読み取る権限がありません（iam:GetRequestAuthorizationDetails、iam:GetRequestAuthorizationPolicy）',
    'preview-unavailable': 'IAM Toolbox（プレビュー）に接続できません',
    'invalid-response': 'IAM Toolbox の応答を読み取れません',
    'no-matching-scp': '認可の詳細に、このリクエストを拒否した SCP のステートメントがありません',
  },
};

const FALLBACKS: Record<Language, Record<AuthoritativeFallback, string>> = {
  en: {
    organizations: 'The fix uses the SCPs read from AWS Organizations instead.',
    'scp-files': 'The fix uses the SCP files you supplied instead.',
    none: 'Without the SCPs in force the fix is not verified.',
  },
  ja: {
    organizations: '代わりに AWS Organizations から読み取った SCP で修正案を作成しました。',
    'scp-files': '代わりに指定された SCP ファイルで修正案を作成しました。',
    none: '適用中の SCP が不明なため、修正案は検証されていません。',
  },
};

/** The fixed texts of the authoritative path in one language; identifiers are inserted verbatim. */
export interface AuthoritativeMessages {
  reasons: Record<AuthoritativeReason, string>;
  fallbacks: Record<AuthoritativeFallback, string>;
  root: (id: string) => string;
  ou: (id: string) => string;
  account: (id: string) => string;
  notRecorded: string;
  separator: string;
  statementsSeparator: string;
  statementOf: (values: { sids: string; uri: string }) => string;
  used: (values: { authorizationId: string; region: string; statements: string; where: string }) => string;
  notUsed: (values: { reason: string; fallback: string }) => string;
}

/** Every text of the authoritative path, per language. */
export const AUTHORITATIVE_MESSAGES: Readonly<Record<Language, AuthoritativeMessages>> = {
  en: {
    reasons: REASONS.en,
    fallbacks: FALLBACKS.en,
    root: (id) => `root ${id}`,
    ou: (id) => `OU ${id}`,
    account: (id) => `account ${id}`,
    notRecorded: 'not recorded',
    separator: ', ',
    statementsSeparator: '; ',
    statementOf: ({ sids, uri }) => `statement ${sids} of ${uri}`,
    used: ({ authorizationId, region, statements, where }) =>
      `Verified against the SCPs as they were at request time, from IAM Access Troubleshooter (authorization ID ${authorizationId}, ${region}): denied by ${statements}, attached to ${where}. AWS may leave other services' actions out of these recorded copies: apply the diff to the policy in force rather than pasting the whole document.`,
    notUsed: ({ reason, fallback }) => `IAM Access Troubleshooter was not used (${reason}). ${fallback}`,
  },
  ja: {
    reasons: REASONS.ja,
    fallbacks: FALLBACKS.ja,
    root: (id) => `ルート ${id}`,
    ou: (id) => `OU ${id}`,
    account: (id) => `アカウント ${id}`,
    notRecorded: '記録なし',
    separator: '、',
    statementsSeparator: '、',
    statementOf: ({ sids, uri }) => `${uri} のステートメント ${sids}`,
    used: ({ authorizationId, region, statements, where }) =>
      `リクエスト時点の SCP を IAM Access Troubleshooter（認可 ID ${authorizationId}、${region}）から取得して検証しました。拒否したのは ${statements} で、アタッチ先は ${where} です。記録されたコピーには他のサービスのアクションが含まれない場合があるため、ポリシー全体を貼り付けず、現在のポリシーに差分を適用してください。`,
    notUsed: ({ reason, fallback }) => `IAM Access Troubleshooter は使用していません（${reason}）。${fallback}`,
  },
};

/** The human label of a reason code. */
export function authoritativeReasonText(reason: AuthoritativeReason, lang: Language): string {
  return AUTHORITATIVE_MESSAGES[lang].reasons[reason];
}

function where(lookup: Extract<AuthoritativeLookup, { status: 'used' }>, lang: Language): string {
  const m = AUTHORITATIVE_MESSAGES[lang];
  const labels = lookup.policies.flatMap((policy) =>
    policy.attachedTo.map((a) => {
      const id = a.arn.split('/').pop() ?? a.arn;
      return a.kind === 'root' ? m.root(id) : a.kind === 'ou' ? m.ou(id) : a.kind === 'account' ? m.account(id) : a.arn;
    }),
  );
  const unique = [...new Set(labels)];
  return unique.length === 0 ? m.notRecorded : unique.join(m.separator);
}

function statements(lookup: Extract<AuthoritativeLookup, { status: 'used' }>, lang: Language): string {
  const m = AUTHORITATIVE_MESSAGES[lang];
  return lookup.policies
    .map((policy) => {
      const sids = policy.deniedBy.map((sid) => `"${sid}"`).join(m.separator);
      return sids === '' ? policy.uri : m.statementOf({ sids, uri: policy.uri });
    })
    .join(m.statementsSeparator);
}

/**
 * The note that says where the fix's SCPs came from: used (authorization ID, Region, denying
 * statements, attachments, and the caveat AWS documents about the recorded copies), or why not
 * and what was used instead. Null when there is nothing worth a line (no ID in the message).
 */
export function authoritativeNote(lookup: AuthoritativeLookup, lang: Language, fallback: AuthoritativeFallback): string | null {
  const m = AUTHORITATIVE_MESSAGES[lang];
  if (lookup.status === 'used') {
    return m.used({ authorizationId: lookup.authorizationId, region: lookup.region, statements: statements(lookup, lang), where: where(lookup, lang) });
  }
  if (lookup.reason === 'no-authorization-id') return null;
  return m.notUsed({ reason: m.reasons[lookup.reason], fallback: m.fallbacks[fallback] });
}

/** A copy of `fix` with the authoritative note appended (unchanged when there is no note). */
export function withAuthoritativeNote(fix: Fix, lookup: AuthoritativeLookup, fallback: AuthoritativeFallback): Fix {
  const note = authoritativeNote(lookup, fix.lang, fallback);
  return note === null ? fix : { ...fix, notes: [...(fix.notes ?? []), note] };
}
