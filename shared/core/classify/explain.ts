/**
 * The finding's `reason` in the reader's language. The classifier writes `reason` in English (the
 * stable JSON contract); alerts, digests and the CLI show it in `LOCALE` through this function.
 */
import { parseDenialMessage } from './access-denied-message.js';
import { UNSPECIFIED_REGION, VERDICTS } from '../constants.js';
import type { Finding, Language } from '../types.js';

const MODEL_ACCESS_JA = {
  'model-not-enabled': 'このモデルへのアクセスがアカウントで有効化されていない',
  'account-not-authorized': 'アカウントにこの Bedrock 操作を呼び出す権限がない',
  marketplace: 'モデルアクセスに必要な AWS Marketplace の権限が呼び出し元にない',
  'payment-instrument': 'モデルに必要な AWS Marketplace のサブスクリプションについて、アカウントに有効な支払い方法がない',
} as const;

function subjectJa(finding: Finding): string {
  if (finding.profile !== null) return `プロファイル ${finding.profile.id}`;
  return finding.modelId === null ? '名前のないモデル' : `モデル ${finding.modelId}`;
}

function whereJa(region: string | null): string {
  if (region === null) return '';
  return region === UNSPECIFIED_REGION ? 'リージョン指定なし(グローバルプロファイル、aws:RequestedRegion は "unspecified")で ' : `${region} で `;
}

function destinationsJa(finding: Finding): string {
  if (finding.destinations === null) return '';
  if (finding.deniedRegion === UNSPECIFIED_REGION) {
    return `このプロファイルは商用リージョン ${finding.destinations.length} か所のどこへでもルーティングされ、IAM からはすべて "unspecified" に見えるため、このプロファイルについてその値を許可する必要があります。`;
  }
  const approximate = finding.destinationsSource === 'geography' ? '(地域全体からの推定)' : '';
  return `このプロファイルは ${finding.destinations.length} リージョン${approximate}にルーティングされるため、すべてを許可する必要があります。`;
}

function explainJa(finding: Finding): string {
  const action = finding.action ?? '呼び出し';
  const subject = subjectJa(finding);
  const where = whereJa(finding.deniedRegion);
  switch (finding.verdict) {
    case VERDICTS.crossRegionScp:
      return `サービスコントロールポリシー (SCP) が ${where}${action} を拒否しました。これは ${finding.sourceRegion ?? '?'} から呼び出した ${subject} の推論先リージョンです。${destinationsJa(finding)}`;
    case VERDICTS.crossRegionIdentity:
      return `ID ベースのポリシーが、${finding.sourceRegion ?? '?'} から呼び出した ${subject} の推論先 (${where.replace(/で $/, '').trim() || '?'}) の基盤モデルを許可していません。`;
    case VERDICTS.modelAccess: {
      const parsed = parseDenialMessage(finding.errorMessage);
      const why = parsed.kind === 'model-access' ? MODEL_ACCESS_JA[parsed.detail] : 'モデルアクセスが許可されていない';
      return `${why}ため、Bedrock が呼び出しを拒否しました。`;
    }
    case VERDICTS.unknown: {
      if (finding.errorMessage === null) return 'レコードにエラーメッセージがないため、拒否したポリシーを特定できません。';
      return parseDenialMessage(finding.errorMessage).kind === 'authorization'
        ? 'メッセージに未知のポリシー種別が含まれているため、修正案を示せません。'
        : 'エラーメッセージが IAM のアクセス拒否の書式に従っていないため、拒否したポリシーを特定できません。';
    }
    default: {
      const parsed = parseDenialMessage(finding.errorMessage);
      const policy = finding.policyType ?? 'ポリシー';
      const sentence =
        parsed.kind === 'authorization' && !parsed.explicit
          ? `${policy} が ${subject} に対する ${where}${action} を許可していません。`
          : `${policy} の明示的な Deny により、${subject} に対する ${where}${action} が拒否されました。`;
      const likely =
        finding.verdict === VERDICTS.scp && finding.deniedResource === null && finding.profile !== null
          ? `メッセージにリソースがないため拒否されたリージョンは不明ですが、${subject} はクロスリージョンのため、リージョン制限による拒否の可能性が高いです。`
          : '';
      return `${sentence}${likely}`;
    }
  }
}

/**
 * One sentence saying why the call was denied, in `lang`. English is the classifier's own `reason`;
 * Japanese is written from the same facts. Never throws.
 */
export function explainFinding(finding: Finding, lang: Language): string {
  return lang === 'ja' ? explainJa(finding) : finding.reason;
}
