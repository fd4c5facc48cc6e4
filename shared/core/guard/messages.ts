import type { Language } from '../types.js';

/** Fixed texts of a guard alert, per language. Identifiers, Regions and policy text are never translated. */
export interface GuardMessages {
  /** Header; `breaks` and `repairs` count (profile, source Region, target) flips. */
  title: (values: { breaks: number; repairs: number }) => string;
  changedBy: string;
  change: string;
  at: string;
  unknownActor: string;
  /** What the change did, per event name; placeholders filled by the renderer. */
  what: Record<string, string>;
  breaksHeading: string;
  repairsHeading: string;
  from: string;
  accounts: (count: number) => string;
  andMore: (count: number) => string;
  deniedRegions: string;
  sourceDenied: string;
  deniedBy: string;
  implicitDeny: string;
  fix: string;
  noFix: string;
  verification: (status: string) => string;
  moreGroups: (count: number) => string;
  footer: (values: { eventId: string; takenAt: string; affected: number }) => string;
}

export const GUARD_MESSAGES: Record<Language, GuardMessages> = {
  en: {
    title: ({ breaks, repairs }) =>
      breaks > 0 && repairs > 0
        ? `SCP change: breaks ${breaks} and repairs ${repairs} cross-Region inference routes`
        : breaks > 0
          ? `SCP change breaks ${breaks} cross-Region inference routes in use`
          : `SCP change repairs ${repairs} cross-Region inference routes in use`,
    changedBy: 'Changed by',
    change: 'Change',
    at: 'at',
    unknownActor: 'unknown principal',
    what: {
      UpdatePolicy: 'updated the content of policy {policy}',
      AttachPolicy: 'attached policy {policy} to {target}',
      DetachPolicy: 'detached policy {policy} from {target}',
      MoveAccount: 'moved account {account} to {parent}',
      EnablePolicyType: 'enabled service control policies on {target}',
      DisablePolicyType: 'disabled service control policies on {target}',
      CreatePolicy: 'created policy {policy}',
      DeletePolicy: 'deleted policy {policy}',
    },
    breaksHeading: 'Now blocked',
    repairsHeading: 'Now ready again',
    from: 'from',
    accounts: (count) => (count === 0 ? 'OUs only' : `${count} account${count === 1 ? '' : 's'}`),
    andMore: (count) => `and ${count} more`,
    deniedRegions: 'Denied destination Regions',
    sourceDenied: 'the call in the source Region itself is denied',
    deniedBy: 'Denied by',
    implicitDeny: 'no SCP at this level allows it',
    fix: 'Fix',
    noFix: 'no option passed verification',
    verification: (status) => (status === 'verified' ? 'verified against the SCPs after the change' : `not verified (${status})`),
    moreGroups: (count) => `${count} more groups not shown: run \`cris-audit preflight\` for the full matrix`,
    footer: ({ eventId, takenAt, affected }) => `CloudTrail event ${eventId} · ${affected} targets re-checked · organization snapshot of ${takenAt}`,
  },
  ja: {
    title: ({ breaks, repairs }) =>
      breaks > 0 && repairs > 0
        ? `SCP 変更: 使用中のクロスリージョン推論ルート ${breaks} 件がブロック、${repairs} 件が復旧`
        : breaks > 0
          ? `SCP 変更により使用中のクロスリージョン推論ルート ${breaks} 件がブロックされます`
          : `SCP 変更により使用中のクロスリージョン推論ルート ${repairs} 件が復旧しました`,
    changedBy: '変更者',
    change: '変更',
    at: '日時',
    unknownActor: '不明なプリンシパル',
    what: {
      UpdatePolicy: 'ポリシー {policy} の内容を更新しました',
      AttachPolicy: 'ポリシー {policy} を {target} にアタッチしました',
      DetachPolicy: 'ポリシー {policy} を {target} からデタッチしました',
      MoveAccount: 'アカウント {account} を {parent} に移動しました',
      EnablePolicyType: '{target} でサービスコントロールポリシーを有効にしました',
      DisablePolicyType: '{target} でサービスコントロールポリシーを無効にしました',
      CreatePolicy: 'ポリシー {policy} を作成しました',
      DeletePolicy: 'ポリシー {policy} を削除しました',
    },
    breaksHeading: 'ブロックされるようになったもの',
    repairsHeading: '再び利用可能になったもの',
    from: '送信元',
    accounts: (count) => (count === 0 ? 'OU のみ' : `アカウント ${count} 件`),
    andMore: (count) => `ほか ${count} 件`,
    deniedRegions: '拒否される送信先リージョン',
    sourceDenied: '送信元リージョンでの呼び出し自体が拒否されます',
    deniedBy: '拒否元',
    implicitDeny: 'このレベルに許可する SCP がありません',
    fix: '修正',
    noFix: '検証に通った選択肢はありません',
    verification: (status) => (status === 'verified' ? '変更後の SCP で検証済み' : `未検証 (${status})`),
    moreGroups: (count) => `表示していないグループが ${count} 件あります: 全体は \`cris-audit preflight\` で確認してください`,
    footer: ({ eventId, takenAt, affected }) => `CloudTrail イベント ${eventId} · 再確認したターゲット ${affected} 件 · 組織スナップショット ${takenAt}`,
  },
};
