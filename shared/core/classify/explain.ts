/**
 * The finding's `reason` in the reader's language. The classifier writes `reason` in English (the
 * stable JSON contract); alerts, digests and the CLI show it in `LOCALE` through this function.
 * Japanese follows the terms of AWS's Japanese documentation (docs/ja-glossary.md): 送信元リージョン,
 * 送信先リージョン, 推論プロファイル, the policy-type names of IAM, full-width brackets in prose.
 * Built only when a channel shows it, never on the classify path.
 * @see https://docs.aws.amazon.com/ja_jp/bedrock/latest/userguide/cross-region-inference.html
 */
import { parseDenialMessage, type ParsedDenialMessage } from './access-denied-message.js';
import { BEDROCK_SERVICE_ROLE, isInferenceAction, resourceKind } from './classify.js';
import { policyTypeName } from './policy-types.js';
import { UNSPECIFIED_REGION, VERDICTS } from '../constants.js';
import type { Finding, Language } from '../types.js';

const MODEL_ACCESS_JA = {
  'model-not-enabled': 'このモデルへのアクセスがアカウント（またはこのリージョン）で許可されていない',
  'account-not-authorized': 'アカウントがこのリージョンでこの Bedrock 操作を呼び出す権限を持っていない（モデルアクセス、または AWS サポートへの依頼が必要なアカウント単位の制限）',
  marketplace: 'モデルアクセスに必要な AWS Marketplace のアクセス許可が呼び出し元にない',
  'payment-instrument': 'モデルに必要な AWS Marketplace のサブスクリプションについて、アカウントに有効な支払い方法がない',
} as const;

const SERVICE_ROLE_JA = {
  'request-permissions':
    'Bedrock が独自の文言（"Access denied when calling Bedrock"）で呼び出しを拒否しました。エージェント、ナレッジベース、またはジョブのために Bedrock が使うサービスロールに必要なアクセス許可（通常はそのモデルまたは推論プロファイルに対する bedrock:InvokeModel、bedrock:InvokeModelWithResponseStream）がないか、モデルアクセスが許可されていません。呼び出し元のポリシーより先に、そのロールを確認してください。',
  'agent-inference-profile':
    'Bedrock がエージェントの推論プロファイルを使えませんでした。エージェントのサービスロールに、推論プロファイル ARN に対する bedrock:InvokeModel、bedrock:InvokeModelWithResponseStream、bedrock:GetInferenceProfile と、すべての送信先リージョンの基盤モデルに対するアクセス許可が必要です。',
} as const;

const RESOURCE_WORDS_JA: Readonly<Record<string, string>> = {
  'knowledge-base': 'ナレッジベース',
  agent: 'エージェント',
  'agent-alias': 'エージェントエイリアス',
  role: 'ロール',
  'foundation-model': 'モデル',
  'inference-profile': '推論プロファイル',
  'application-inference-profile': 'アプリケーション推論プロファイル',
  'model-invocation-job': 'バッチ推論ジョブ',
  'custom-model': 'カスタムモデル',
  'provisioned-model': 'プロビジョニングされたモデル',
  guardrail: 'ガードレール',
  flow: 'フロー',
  prompt: 'プロンプト',
};

function resourceJa(resource: string | null): string | null {
  if (resource === null) return null;
  const kind = resourceKind(resource);
  const word = kind === null ? undefined : RESOURCE_WORDS_JA[kind.type];
  return kind === null || word === undefined ? resource : `${word} ${kind.name}`;
}

function subjectJa(finding: Finding): string | null {
  if (finding.profile !== null) return `推論プロファイル ${finding.profile.id}`;
  if (finding.modelId !== null) return `モデル ${finding.modelId}`;
  return finding.foundationModel === null ? null : `モデル ${finding.foundationModel}`;
}

/** Where it was denied, as a phrase ending in 「で」; a global profile's Region-less request is no Region. */
function whereJa(region: string | null): string {
  if (region === null) return '';
  return region === UNSPECIFIED_REGION
    ? '特定のリージョンに限定されないリクエスト（グローバル推論プロファイル、aws:RequestedRegion は "unspecified"）で'
    : `${region} で`;
}

function destinationsJa(finding: Finding): string {
  if (finding.destinations === null) return '';
  if (finding.deniedRegion === UNSPECIFIED_REGION) {
    return `このプロファイルはすべての商用リージョン（${finding.destinations.length} か所）のどこへでもルーティングされ、IAM からは aws:RequestedRegion が "unspecified" に見えるため、このプロファイルについてその値を許可する必要があります。`;
  }
  const approximate = finding.destinationsSource === 'geography' ? '（地域全体からの推定）' : '';
  return `このプロファイルの送信先リージョンは ${finding.destinations.length} か所${approximate}あり、すべてを許可する必要があります。`;
}

function nonInferenceJa(parsed: Extract<ParsedDenialMessage, { kind: 'authorization' }>, finding: Finding, policy: string): string {
  const target = resourceJa(parsed.resource);
  const on = target === null ? '' : `${target} に対する `;
  let sentence = parsed.explicit ? `${policy}の明示的な Deny により、${on}${parsed.action} が拒否されました。` : `${on}${parsed.action} を許可する${policy}がありません。`;
  if (parsed.action === 'iam:PassRole') {
    sentence += 'Bedrock のエージェント、ナレッジベース、バッチジョブ、モデルのカスタマイズを作成するとサービスロールが Bedrock に渡されるため、呼び出し元にはそのロールに対する iam:PassRole（iam:PassedToService が bedrock.amazonaws.com）の許可が必要です。';
  } else if (/^bedrock:(?:List|Get)/.test(parsed.action)) {
    sentence += 'これはモデルの呼び出しではなく、読み取り専用の Bedrock の呼び出しです（ツールやコンソールが推論の前に行います）。このアクション自体を許可してください。';
  } else if (/^bedrock:(?:Retrieve|RetrieveAndGenerate)$/.test(parsed.action)) {
    sentence += 'ナレッジベースを照会する側に許可が必要です。エージェントが照会する場合は、エージェントのサービスロールです。';
  }
  if (finding.principalArn !== null && BEDROCK_SERVICE_ROLE.test(finding.principalArn)) {
    sentence += '呼び出し元は、エージェントまたはナレッジベースのために Bedrock が引き受けるサービスロールです。そのロールのポリシーを変更してください。';
  }
  return sentence;
}

/** A half-width space between Japanese and Latin text, as AWS's Japanese documentation writes it. */
function spaced(text: string): string {
  return text
    .replace(/([A-Za-z0-9_)\]"'`])([\u3040-\u30ff\u4e00-\u9fff])/g, '$1 $2')
    .replace(/([\u3040-\u30ff\u4e00-\u9fff])([A-Za-z0-9_(\["'`])/g, '$1 $2');
}

function explainJa(finding: Finding): string {
  const parsed = parseDenialMessage(finding.errorMessage);
  const action = finding.action ?? '呼び出し';
  const subject = subjectJa(finding);
  const where = whereJa(finding.deniedRegion);
  const source = finding.sourceRegion ?? '?';
  switch (finding.verdict) {
    case VERDICTS.crossRegionScp:
      if (finding.profile === null) {
        return `送信元リージョン ${source} 以外の${where}、サービスコントロールポリシー (SCP) が ${action} を拒否しました${subject === null ? '' : `（${subject} を呼び出したリクエスト）`}。リクエストが推論プロファイルを指定していないため、ほかの送信先リージョンはわかりません。`;
      }
      if (finding.deniedRegion === UNSPECIFIED_REGION) {
        return `${source} から呼び出した${subject}のリクエストは特定のリージョンに限定されない（グローバル推論プロファイル、aws:RequestedRegion は "unspecified"）ため、サービスコントロールポリシー (SCP) が ${action} を拒否しました。${destinationsJa(finding)}`;
      }
      return `${source} から呼び出した${subject}の送信先である${where}、サービスコントロールポリシー (SCP) が ${action} を拒否しました。${destinationsJa(finding)}`;
    case VERDICTS.crossRegionIdentity:
      return finding.profile === null
        ? `送信元リージョン ${source} 以外の${where}基盤モデルを呼び出すことを許可するアイデンティティベースのポリシーがありません。`
        : `${source} から呼び出した${subject}の送信先である${where}基盤モデルを呼び出すことを許可するアイデンティティベースのポリシーがありません。`;
    case VERDICTS.modelAccess: {
      const why = parsed.kind === 'model-access' ? MODEL_ACCESS_JA[parsed.detail] : MODEL_ACCESS_JA['model-not-enabled'];
      return `${why}ため、Bedrock が呼び出しを拒否しました。`;
    }
    case VERDICTS.serviceRole:
      return parsed.kind === 'service-role' ? SERVICE_ROLE_JA[parsed.detail] : SERVICE_ROLE_JA['request-permissions'];
    case VERDICTS.unknown: {
      if (finding.errorMessage === null) return 'レコードにエラーメッセージがないため、拒否したポリシーを特定できません。';
      if (parsed.kind !== 'authorization') return 'エラーメッセージが IAM のアクセス拒否の書式に従っていないため、拒否したポリシーを特定できません。';
      if (parsed.policyType === null) {
        const target = resourceJa(parsed.resource);
        return `IAM が${target === null ? '' : ` ${target} に対する`} ${parsed.action} を拒否しましたが、メッセージにポリシーの種類が含まれていない（短い形式か、途中で切れたコピー）ため、拒否したポリシーを特定できません。`;
      }
      return 'メッセージに未知のポリシーの種類が含まれているため、修正案を示せません。';
    }
    default: {
      const policy = policyTypeName(parsed.kind === 'authorization' ? parsed.policyType : finding.policyType, 'ja') ?? 'ポリシー';
      if (parsed.kind === 'authorization' && !isInferenceAction(finding.action)) return nonInferenceJa(parsed, finding, policy);
      const scope = `${subject === null ? '' : `${subject}の`}${where === '' ? '' : `${where}の`}${action}`;
      const sentence =
        parsed.kind === 'authorization' && !parsed.explicit
          ? `${scope}を許可する${policy}がありません。`
          : `${policy}の明示的な Deny により、${scope}が拒否されました。`;
      const regionUnknown =
        finding.verdict === VERDICTS.scp && finding.deniedResource === null && finding.profile !== null && finding.profile.scope !== 'application'
          ? `メッセージにリソースが含まれていないため、どのリージョンで拒否されたかは読み取れません。${subject}は複数のリージョンにルーティングされるため、すべての送信先リージョンを許可していないリージョン制限が原因の一つとして考えられます（モデルの許可リストも考えられます）。`
          : '';
      return `${sentence}${regionUnknown}`;
    }
  }
}

/**
 * One sentence saying why the call was denied, in `lang`. English is the classifier's own `reason`;
 * Japanese is written from the same facts. Never throws.
 */
export function explainFinding(finding: Finding, lang: Language): string {
  return lang === 'ja' ? spaced(explainJa(finding)) : finding.reason;
}
