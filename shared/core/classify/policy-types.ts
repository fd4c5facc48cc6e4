/**
 * The policy types an IAM access-denied message can name, and what each is called in every
 * language. Japanese names are those of AWS's Japanese documentation (see docs/ja-glossary.md).
 * @see https://docs.aws.amazon.com/ja_jp/IAM/latest/UserGuide/access_policies.html
 * @see https://docs.aws.amazon.com/ja_jp/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
 */
import type { Language } from '../types.js';

/** A policy type, by its stable key. */
export type PolicyTypeKey = 'scp' | 'identity' | 'permissionsBoundary' | 'session' | 'vpcEndpoint' | 'rcp' | 'resourceBased';

const PREFIXES: ReadonlyArray<readonly [string, PolicyTypeKey]> = [
  ['service control polic', 'scp'],
  ['identity-based polic', 'identity'],
  ['permissions boundar', 'permissionsBoundary'],
  ['session polic', 'session'],
  ['sessions polic', 'session'],
  ['vpc endpoint polic', 'vpcEndpoint'],
  ['resource control polic', 'rcp'],
  ['resource-based polic', 'resourceBased'],
];

/** The key of a policy type as worded in a denial message (`service control policy`, …); null when unknown. */
export function policyTypeKey(policyType: string | null): PolicyTypeKey | null {
  if (policyType === null) return null;
  const lower = policyType.toLowerCase();
  for (const [prefix, key] of PREFIXES) if (lower.startsWith(prefix)) return key;
  return null;
}

/** Every policy type's name, per language: the name used inside sentences. */
export const POLICY_TYPE_NAMES: Readonly<Record<Language, Readonly<Record<PolicyTypeKey, string>>>> = {
  en: {
    scp: 'service control policy (SCP)',
    identity: 'identity-based policy',
    permissionsBoundary: 'permissions boundary',
    session: 'session policy',
    vpcEndpoint: 'VPC endpoint policy',
    rcp: 'resource control policy (RCP)',
    resourceBased: 'resource-based policy',
  },
  ja: {
    scp: 'サービスコントロールポリシー (SCP)',
    identity: 'アイデンティティベースのポリシー',
    permissionsBoundary: 'アクセス許可の境界',
    session: 'セッションポリシー',
    vpcEndpoint: 'VPC エンドポイントポリシー',
    rcp: 'リソースコントロールポリシー (RCP)',
    resourceBased: 'リソースベースのポリシー',
  },
};

/**
 * The name of the policy type a message names, in `lang`. English keeps the message's own wording;
 * another language gets its documented name, or a generic word when the type is unknown (never an
 * English phrase inside a translated sentence).
 */
export function policyTypeName(policyType: string | null, lang: Language): string | null {
  if (policyType === null) return null;
  if (lang === 'en') return policyType;
  const key = policyTypeKey(policyType);
  return key === null ? (lang === 'ja' ? 'ポリシー' : policyType) : POLICY_TYPE_NAMES[lang][key];
}
