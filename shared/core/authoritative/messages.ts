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

/** The human label of a reason code. */
export function authoritativeReasonText(reason: AuthoritativeReason, lang: Language): string {
  return REASONS[lang][reason];
}

function where(lookup: Extract<AuthoritativeLookup, { status: 'used' }>, lang: Language): string {
  const labels = lookup.policies.flatMap((policy) =>
    policy.attachedTo.map((a) => {
      const id = a.arn.split('/').pop() ?? a.arn;
      if (lang === 'ja') return a.kind === 'root' ? `ルート ${id}` : a.kind === 'ou' ? `OU ${id}` : a.kind === 'account' ? `アカウント ${id}` : a.arn;
      return a.kind === 'root' ? `root ${id}` : a.kind === 'ou' ? `OU ${id}` : a.kind === 'account' ? `account ${id}` : a.arn;
    }),
  );
  const unique = [...new Set(labels)];
  if (unique.length === 0) return lang === 'ja' ? '不明' : 'not recorded';
  return unique.join(lang === 'ja' ? '、' : ', ');
}

function statements(lookup: Extract<AuthoritativeLookup, { status: 'used' }>, lang: Language): string {
  return lookup.policies
    .map((policy) => {
      const sids = policy.deniedBy.map((sid) => `"${sid}"`).join(lang === 'ja' ? '、' : ', ');
      if (lang === 'ja') return sids === '' ? policy.uri : `${policy.uri} のステートメント ${sids}`;
      return sids === '' ? policy.uri : `statement ${sids} of ${policy.uri}`;
    })
    .join(lang === 'ja' ? '、' : '; ');
}

/**
 * The note that says where the fix's SCPs came from: used (authorization ID, Region, denying
 * statements, attachments, and the caveat AWS documents about the recorded copies), or why not
 * and what was used instead. Null when there is nothing worth a line (no ID in the message).
 */
export function authoritativeNote(lookup: AuthoritativeLookup, lang: Language, fallback: AuthoritativeFallback): string | null {
  if (lookup.status === 'used') {
    if (lang === 'ja') {
      return `リクエスト時点の SCP を IAM Access Troubleshooter（認可 ID ${lookup.authorizationId}、${lookup.region}）から取得して検証しました。拒否したのは ${statements(lookup, lang)} で、アタッチ先は ${where(lookup, lang)} です。記録されたコピーには他のサービスのアクションが含まれない場合があるため、ポリシー全体を貼り付けず、現在のポリシーに差分を適用してください。`;
    }
    return `Verified against the SCPs as they were at request time, from IAM Access Troubleshooter (authorization ID ${lookup.authorizationId}, ${lookup.region}): denied by ${statements(lookup, lang)}, attached to ${where(lookup, lang)}. AWS may leave other services' actions out of these recorded copies: apply the diff to the policy in force rather than pasting the whole document.`;
  }
  if (lookup.reason === 'no-authorization-id') return null;
  const reason = authoritativeReasonText(lookup.reason, lang);
  if (lang === 'ja') return `IAM Access Troubleshooter は使用していません（${reason}）。${FALLBACKS.ja[fallback]}`;
  return `IAM Access Troubleshooter was not used (${reason}). ${FALLBACKS.en[fallback]}`;
}

/** A copy of `fix` with the authoritative note appended (unchanged when there is no note). */
export function withAuthoritativeNote(fix: Fix, lookup: AuthoritativeLookup, fallback: AuthoritativeFallback): Fix {
  const note = authoritativeNote(lookup, fix.lang, fallback);
  return note === null ? fix : { ...fix, notes: [...(fix.notes ?? []), note] };
}
