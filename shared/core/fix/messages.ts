/**
 * Human-facing texts of the fix engine in English and Japanese. Placeholders are `{name}`; policy
 * JSON, ARNs, action names and CLI commands are inserted verbatim and never translated.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/cross-region-inference.html
 */
import type { Language } from '../types.js';

const en = {
  'allowProfileOnly.title': 'Allow this inference profile only',
  'allowProfileOnly.summary':
    'Let {actions} reach every destination Region of {profile} from {source} ({regions}), and only through this profile: take the actions out of the Region deny and add Deny statements for them outside the approved Regions unless bedrock:InferenceProfileArn is this profile, and outside the approved and destination Regions altogether.',
  'allowProfileOnly.summaryExistingGuard':
    'Add this profile to the inference-profile exception of the existing Bedrock statement {statement}, so {actions} reach the destination Regions of {profile} from {source} ({regions}) only through it.',
  'allowProfileOnly.tradeoffs':
    'Most secure: direct calls and every other service stay blocked outside the approved Regions, and only this profile may route. Upkeep: each new model or profile needs an entry, and the destination list must follow AWS changes.',
  'exemptBedrock.title': 'Exempt Bedrock inference from the Region deny, guarded',
  'exemptBedrock.summary':
    'Take {actions} out of the Region deny, and add a Deny statement that still blocks them outside the approved Regions when the call does not go through an inference profile (Null bedrock:InferenceProfileArn).',
  'exemptBedrock.tradeoffs':
    'Simple and covers every model and profile at once, but any inference profile, global ones included, may then route wherever it is defined to: data can be processed in Regions you did not approve.',
  'widenRegions.title': 'Add the destination Regions to the approved Regions',
  'widenRegions.summary': 'Add {regions} to the aws:RequestedRegion list of the Region deny.',
  'widenRegions.summaryControlTower':
    'Add {regions} to the Regions Control Tower governs (landing-zone Region deny) or to AllowedRegions of CT.MULTISERVICE.PV.1.',
  'widenRegions.tradeoffs':
    'Quick, but it opens those Regions to every service and every principal, not only Bedrock, which defeats much of the guardrail. For a global profile it means allowing "unspecified".',
  'widenRegions.tradeoffsControlTower':
    'Quick, but it opens those Regions to every service in the OU. Control Tower cannot allow "unspecified", so this does not work for global profiles.',
  'inRegionModel.title': 'Use a model that runs in {source} without cross-Region inference',
  'inRegionModel.summarySame':
    '{model} itself runs in {source} without cross-Region inference: call it by its model ID {model} instead of through {profile}. Other models there: {models}. (AWS data of {date}; confirm with `aws bedrock list-foundation-models --region {source} --by-inference-type ON_DEMAND`.)',
  'inRegionModel.summarySameOnly':
    '{model} itself runs in {source} without cross-Region inference: call it by its model ID {model} instead of through {profile}. (AWS data of {date}; confirm with `aws bedrock list-foundation-models --region {source} --by-inference-type ON_DEMAND`.)',
  'inRegionModel.summaryKnown':
    '{model} needs an inference profile in {source}, but these models run there without cross-Region inference, closest first: {models}. Call one by its model ID, not through an inference profile. (AWS data of {date}; confirm with `aws bedrock list-foundation-models --region {source} --by-inference-type ON_DEMAND`.)',
  'inRegionModel.summaryNone':
    'No model of this kind is known to run in {source} without cross-Region inference (AWS data of {date}): there, it needs an inference profile. Check the current list with `aws bedrock list-foundation-models --region {source} --by-inference-type ON_DEMAND`.',
  'inRegionModel.summaryUnknownRegion':
    'The bundled catalog has no data for {source}. List the models it serves without an inference profile with `aws bedrock list-foundation-models --region {source} --by-inference-type ON_DEMAND`.',
  'inRegionModel.tradeoffs':
    'No policy change, but few (often older) models run in-Region, newer ones need a profile, and in-Region throughput is lower.',
  'leaveGovernance.title': 'Take the account out of the Region governance',
  'leaveGovernance.summary':
    'Move the account to an OU the Region deny does not apply to, or exclude it from the control.',
  'leaveGovernance.tradeoffs':
    'Fastest, but a security hole: the account can then use every service in every Region, and the organization loses its guardrail there. Last resort only, time-boxed and approved.',
  'ctParameters.title': 'Control Tower: exempt the inference actions with CT.MULTISERVICE.PV.1',
  'ctParameters.summaryLandingZone':
    'The denying SCP is Control Tower\'s landing-zone Region deny ({name}); do not edit it. Turn the landing-zone Region deny off in Landing zone settings, enable CT.MULTISERVICE.PV.1 on the OU with AllowedRegions {approved}, ExemptedActions {actions} (plus your ExemptedPrincipalArns), and attach the custom SCP of the next option, which lets the actions through only via {profile}.',
  'ctParameters.summaryOu':
    'The denying SCP is Control Tower\'s OU Region deny (CT.MULTISERVICE.PV.1, {name}); do not edit it. Add {actions} to the control\'s ExemptedActions (AllowedRegions stay {approved}), and attach the custom SCP of the next option, which lets the actions through only via {profile}.',
  'ctParameters.tradeoffs':
    'Stays within Control Tower, no drift. ExemptedActions alone would let the actions run in any Region; the custom SCP is what keeps them on this profile. `bedrock:Invoke*` is shorter but also exempts agents and flows.',
  'ctCustomScp.title': 'Control Tower: a separate custom SCP for Bedrock inference',
  'ctCustomScp.summary':
    'Attach this SCP next to the Control Tower control (deploy it with Customizations for Control Tower or AWS Organizations). It denies {actions} outside the approved Regions unless they go through {profile}, and outside the approved Regions and {regions} altogether.',
  'ctCustomScp.tradeoffs':
    'Needed together with the exemption: a custom SCP cannot undo a Control Tower deny on its own. Keep it in your CfCT pipeline so it is reviewed and versioned.',
  'identityPolicy.title': 'Allow the model in every destination Region in the identity policy',
  'identityPolicy.summary':
    'The role {principal} needs the profile ARN in {source} and the foundation-model ARN in every destination Region ({regions}), conditioned on bedrock:InferenceProfileArn so the model is reachable only through the profile.',
  'identityPolicy.summaryGlobal':
    'The role {principal} needs the profile ARN in {source}, the foundation-model ARN in {source}, and the Region-less foundation-model ARN with aws:RequestedRegion "unspecified", each model statement conditioned on bedrock:InferenceProfileArn.',
  'identityPolicy.tradeoffs':
    'Least privilege; each new model or profile needs its statements. If an SCP also restricts Regions, check it too.',
  'nextStep.title.scp': 'Find the SCP statement that denies {action}',
  'nextStep.summary.scp':
    'An SCP{policy} denies the call itself, not a cross-Region route. Review the SCPs attached from the root down to account {account}; Bedrock model allow-lists are a common cause.',
  'nextStep.summary.scp.regionUnknown':
    'An SCP{policy} denies {action}, and the message names no resource, so the Region where it was denied is unknown. Review the SCPs attached from the root down to account {account}: a Region deny that does not let every destination Region of the profile through, or a Bedrock model allow-list.',
  'nextStep.title.cross-region-scp': 'Find the Region deny that blocks {action}',
  'nextStep.summary.cross-region-scp':
    'An SCP{policy} denies {action} on {resource}, in a Region other than the source Region, but the request names no inference profile, so no patch can be written. Find the Region deny in the SCPs attached from the root down to account {account} and let the destination Regions of the profile in use through (`aws bedrock get-inference-profile` lists them).',
  'nextStep.title.identity': 'Fix the identity-based policy',
  'nextStep.summary.identity':
    'An identity-based policy{policy} of {principal} denies {action} or does not allow it. Allow the action on {resource} (for a profile: the profile ARN and the model ARN of every destination Region).',
  'nextStep.summary.identity.passRole':
    'Allow iam:PassRole on {resource} for {principal}, with the condition iam:PassedToService = bedrock.amazonaws.com, so that it can hand this service role to Bedrock.',
  'nextStep.summary.identity.action':
    'An identity-based policy{policy} of {principal} denies {action} or does not allow it. Allow {action} on {resource}.',
  'nextStep.title.permissions-boundary': 'Widen the permissions boundary',
  'nextStep.summary.permissions-boundary':
    'The permissions boundary of {principal} does not allow {action} on {resource}. Add the action and resource to the boundary; the identity policy alone is not enough.',
  'nextStep.title.session-policy': 'Pass a session policy that allows the call',
  'nextStep.summary.session-policy':
    'The session policy passed when the role was assumed does not allow {action} on {resource}. Change the policy given to AssumeRole (or the tool that assumes the role).',
  'nextStep.title.vpc-endpoint-policy': 'Update the VPC endpoint policy',
  'nextStep.summary.vpc-endpoint-policy':
    'The policy of the bedrock-runtime VPC endpoint does not allow {action} on {resource}. Add it (for a profile: the profile ARN and the destination-Region model ARNs).',
  'nextStep.title.resource-control-policy': 'Review the resource control policy',
  'nextStep.summary.resource-control-policy':
    'A resource control policy (RCP){policy} in AWS Organizations denies {action} on {resource}. Review the RCPs attached from the root down to account {account}.',
  'nextStep.title.resource-based-policy': 'Review the resource-based policy',
  'nextStep.summary.resource-based-policy':
    'A resource-based policy on {resource} denies or does not allow {action} for {principal}.',
  'nextStep.title.model-access': 'Enable access to the model',
  'nextStep.summary.model-access':
    'The account has no access to {model} yet. Enable it in the Bedrock console (Model access) or, for Marketplace models, invoke it once with a principal allowed to subscribe.',
  'nextStep.summary.model-access.marketplace':
    'The caller lacks the AWS Marketplace permissions the first use of {model} needs (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe). Grant them to the principal that enables the model, or have an administrator enable it once.',
  'nextStep.title.bedrock-service-role': 'Fix the permissions of the Bedrock service role',
  'nextStep.summary.bedrock-service-role':
    'Bedrock was denied while acting with the service role of the agent, knowledge base or job, not with the caller\'s identity. Open that resource in the Bedrock console, find its service role, and allow bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on its model or inference profile (and the foundation model in every destination Region), plus bedrock:Retrieve on its knowledge bases; then check model access for {model}.',
  'nextStep.summary.bedrock-service-role.profile':
    'The agent\'s service role must be allowed to use the inference profile: bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream and bedrock:GetInferenceProfile on the profile ARN, and bedrock:InvokeModel on the foundation model in every destination Region of the profile.',
  'nextStep.title.unknown': 'Read the error message and CloudTrail record',
  'nextStep.summary.unknown':
    'The denial could not be classified. Look up event {event} in CloudTrail; the error message names the policy type that denied the call.',
  'nextStep.tradeoffs': 'No policy text can be suggested without knowing the policy; the step above finds it.',
  'note.regionsGeography':
    'The destination list is approximate (every Region the {scope} geography is known to use): {regions}. Confirm with `aws bedrock get-inference-profile --inference-profile-identifier {profile} --region {source}`.',
  'note.regionsInferred':
    'The destinations of the application profile were inferred from the system profile {system}: {regions}. Confirm with `aws bedrock get-inference-profile --inference-profile-identifier {profile} --region {source}`.',
  'note.regionsUnknown':
    'The destination Regions of the profile are unknown; only {regions} is covered. Run `aws bedrock get-inference-profile --inference-profile-identifier {profile} --region {source}` and add every Region in models[].modelArn, or the next call may be routed elsewhere and fail.',
  'note.global':
    'A global profile routes to any commercial Region and IAM and SCPs see aws:RequestedRegion "unspecified", so "unspecified" is allowed for this profile only.',
  'note.unverified':
    'The SCPs in force are unknown (no --scp files, no AWS Organizations access), so the fix is not verified. Replace the placeholders with your approved Regions.',
  'note.originalAllows':
    'The SCPs supplied do not deny this request, so the denying policy is elsewhere (another level, or a policy not supplied). No patch is offered.',
  'note.fallback': 'The "{from}" option failed verification ({failed}); "{to}" is recommended instead.',
  'note.noneVerified': 'No option passed verification ({failed}); review the SCPs by hand.',
  'note.minify':
    'The patched policy is {size} characters as formatted; save it minified ({minified} characters) to stay within the {limit}-character SCP limit.',
  'note.tooLarge':
    'The patched policy is {minified} characters even minified, over the {limit}-character SCP limit: move the new statements into a separate SCP.',
  'note.controlTower':
    'The denying SCP {name} is managed by AWS Control Tower; editing it causes drift, so no edit is proposed.',
  'note.controlTowerUnknown':
    'If the denying SCP is Control Tower\'s (GRREGIONDENY or an aws-guardrails- policy), do not edit it: exempt the actions with CT.MULTISERVICE.PV.1 and add a custom SCP.',
  'note.implicitDeny':
    'A level of the organization has no SCP that allows the call (allow-list strategy); a Region deny is not the cause.',
  'note.unpatchable':
    'Statement {statement} of {policy} denies the call but is not a Region restriction this engine can patch.',
  'note.denyingStatement': 'Denied by statement {statement} of {policy}.',
  'note.controlTowerGlobal':
    'Control Tower cannot allow the Region value "unspecified" that global profiles produce; the custom SCP (deployed with Customizations for Control Tower) is where it is allowed, for this profile only.',
  'render.recommended': 'Recommended',
  'render.none': 'No option passed verification; none is recommended.',
  'render.verification': 'Verification',
  'render.status.verified': 'verified against the SCPs in force',
  'render.status.failed': 'failed',
  'render.status.unverified': 'not verified (SCPs in force unknown)',
  'render.patch': 'Patched policy {name} (denying statement {statement})',
  'render.newPolicy': 'New SCP to attach next to {name} (denying statement {statement})',
  'render.size': 'Size: {size} characters as formatted, {minified} minified (SCP limit {limit})',
  'render.options': 'All options',
  'render.tradeoffs': 'Trade-offs',
  'render.notes': 'Notes',
  'render.check': '[{result}] {name}: expected {expected}, got {actual}',
  'render.checkPassed': 'pass',
  'render.checkFailed': 'FAIL',
  'guarantee.this-profile-only':
    'Guarantees: {profile} only, in every Region it routes to from {source} ({regions}); direct model calls, other services and other profiles stay denied where they were, and every existing exemption keeps working.',
  'guarantee.any-profile':
    'Guarantees: every inference profile (global ones included) in every Region it routes to; direct model calls and other services stay denied where they were, and every existing exemption keeps working. Other profiles are NOT kept out.',
  'guarantee.regions-opened':
    'Guarantees only that {profile} gets through and existing exemptions keep working: {regions} are opened to every service and every principal.',
  'guarantee.compliant-alternative':
    'Guarantees: no policy change; the SCPs in force already allow {profile} from {source} in every Region it routes to ({regions}).',
  'guarantee.none': 'Guarantees nothing: not evaluated.',
  'note.invalidPolicy': 'Policy {policy} is not a valid SCP and was ignored: {reason}.',
  'render.generated': 'Verified against the SCP Control Tower will generate for {name} from these parameters (not to paste: Control Tower writes it).',
  'outcome.verified': 'verified against the SCPs in force, whatever the keys the auditor cannot know (tags, …) are',
  'outcome.verified-assuming': 'verified against the SCPs in force, assuming {assumptions}',
  'outcome.not-verified': 'not verified',
  'assumption.notValue': 'the request does not carry {key} = "{value}"',
  'useAllowedProfile.title': 'Call {profile} instead: the profile your guardrail allows',
  'useAllowedProfile.summary':
    'Your SCPs keep inference to certain profiles on purpose. {profile} serves the same model from {source} and the SCPs in force already allow it in every Region it routes to ({regions}): call it instead, no policy change.',
  'useAllowedProfile.tradeoffs': 'No policy change and the guardrail stays intact; the other profile may have different quotas or pricing.',
  'note.deliberate':
    'Statement {statement} of {policy} is a deliberate restriction ({why}): the denial is the guardrail working. It is not undone here; use a profile it allows or an in-Region model.',
  'note.deliberateWhy.profile-keyed': 'a Bedrock control keyed on bedrock:InferenceProfileArn',
  'note.deliberateWhy.unspecified': 'it denies aws:RequestedRegion "unspecified", i.e. global profiles',
  'note.deliberateWhy.bedrock-geography': 'a Bedrock-only Region allow-list',
  'note.deliberateNoAlternative':
    'No profile of the same model that the SCPs in force allow from {source} is known to the catalog; an in-Region model is the compliant way out.',
  'note.split':
    'The patched {name} would be {minified} characters minified, over the {limit}-character limit: the new statements go into a separate SCP attached to the same target, and {name} gets only the minimal edit. Both were verified together.',
  'note.quota':
    'Splitting {name} needs one more SCP on its target, which already holds {count} (AWS Organizations allows 5 per target, FullAWSAccess included): free a slot or merge policies first.',
  'note.ctParametersInForce':
    'The parameters shown are the full set: Control Tower replaces the control\'s parameters with what you supply, so the ones in force ({source}) are kept and {actions} added.',
  'note.ctParametersFromText':
    'The parameters in force were read from the SCP text; confirm them with `aws controltower get-enabled-control --enabled-control-identifier <ARN>` before updating.',
  'nextStep.title.identityExplicitDeny': 'Change the Deny statement in the identity-based policy',
  'nextStep.summary.identityExplicitDeny':
    'An explicit Deny in the identity-based policy{policy} of {principal} blocks {action} on {resource}. An Allow can never override an explicit Deny, so adding Allow statements will not help: edit that Deny statement (exempt this call, e.g. add ArnNotLike bedrock:InferenceProfileArn for the profile to its Condition, or take the Region out of its list) or remove it.',
} as const;

/** A message key. */
export type MessageKey = keyof typeof en;

const ja: Record<MessageKey, string> = {
  'allowProfileOnly.title': 'この推論プロファイルだけを許可する',
  'allowProfileOnly.summary':
    '{source} から {profile} の全送信先リージョン（{regions}）への {actions} を、この推論プロファイル経由の場合に限り許可します。リージョン制限の Deny からこれらのアクションを外し、「承認リージョン外では bedrock:InferenceProfileArn がこのプロファイルでなければ拒否」「承認リージョンと送信先リージョン以外では常に拒否」の Deny ステートメントを追加します。',
  'allowProfileOnly.summaryExistingGuard':
    '既存の Bedrock 用ステートメント {statement} の推論プロファイル例外にこのプロファイルを追加し、{source} から {profile} の送信先リージョン（{regions}）への {actions} を、このプロファイル経由に限って通します。',
  'allowProfileOnly.tradeoffs':
    '最も安全な方法です。承認リージョン外での直接呼び出しや他のサービスは引き続きブロックされ、ルーティングできるのはこのプロファイルだけです。一方、モデルやプロファイルを追加するたびに SCP の更新が必要で、送信先リージョンの変更にも追従する必要があります。',
  'exemptBedrock.title': 'Bedrock 推論をリージョン制限の対象外にする（ガード付き）',
  'exemptBedrock.summary':
    '{actions} をリージョン制限の Deny から外し、推論プロファイルを経由しない呼び出し（bedrock:InferenceProfileArn が存在しない場合）は承認リージョン外で引き続き拒否する Deny ステートメントを追加します。',
  'exemptBedrock.tradeoffs':
    'シンプルで、すべてのモデル・プロファイルに一度で対応できます。ただし、グローバルを含むどの推論プロファイルも定義どおりのリージョンへルーティングされるため、承認していないリージョンでデータが処理される可能性があります。',
  'widenRegions.title': '送信先リージョンを承認リージョンに追加する',
  'widenRegions.summary': 'リージョン制限の aws:RequestedRegion のリストに {regions} を追加します。',
  'widenRegions.summaryControlTower':
    'Control Tower のガバナンス対象リージョン（ランディングゾーンのリージョン拒否）、または CT.MULTISERVICE.PV.1 の AllowedRegions に {regions} を追加します。',
  'widenRegions.tradeoffs':
    'すぐに対応できますが、Bedrock だけでなくすべてのサービス・すべてのプリンシパルに対してこれらのリージョンを開放することになり、ガードレールの意味が大きく薄れます。グローバルプロファイルの場合は "unspecified" を許可することになります。',
  'widenRegions.tradeoffsControlTower':
    'すぐに対応できますが、OU 内のすべてのサービスに対してこれらのリージョンを開放することになります。Control Tower では "unspecified" を許可できないため、グローバルプロファイルには使えません。',
  'inRegionModel.title': 'クロスリージョン推論を使わず {source} 内で動くモデルを使う',
  'inRegionModel.summarySame':
    '{model} 自体が {source} でクロスリージョン推論なしで動作します。{profile} ではなくモデル ID {model} で呼び出してください。同じリージョンで動作するほかのモデル: {models}（AWS のデータ、{date} 時点。`aws bedrock list-foundation-models --region {source} --by-inference-type ON_DEMAND` で確認してください）。',
  'inRegionModel.summarySameOnly':
    '{model} 自体が {source} でクロスリージョン推論なしで動作します。{profile} ではなくモデル ID {model} で呼び出してください（AWS のデータ、{date} 時点。`aws bedrock list-foundation-models --region {source} --by-inference-type ON_DEMAND` で確認してください）。',
  'inRegionModel.summaryKnown':
    '{model} は {source} では推論プロファイルが必要ですが、次のモデルはクロスリージョン推論なしで動作します（近いものから順に）: {models}。推論プロファイルではなくモデル ID で呼び出してください（AWS のデータ、{date} 時点。`aws bedrock list-foundation-models --region {source} --by-inference-type ON_DEMAND` で確認してください）。',
  'inRegionModel.summaryNone':
    '{source} でクロスリージョン推論なしで動作する同じ種類のモデルは見つかりません（AWS のデータ、{date} 時点）。このリージョンでは推論プロファイルが必要です。最新の一覧は `aws bedrock list-foundation-models --region {source} --by-inference-type ON_DEMAND` で確認してください。',
  'inRegionModel.summaryUnknownRegion':
    '同梱のカタログには {source} のデータがありません。推論プロファイルなしで使えるモデルは `aws bedrock list-foundation-models --region {source} --by-inference-type ON_DEMAND` で確認してください。',
  'inRegionModel.tradeoffs':
    'ポリシーの変更は不要ですが、リージョン内で動くモデルは少なく（古い世代が中心）、新しいモデルは推論プロファイルが前提です。スループットも低くなります。',
  'leaveGovernance.title': 'アカウントをリージョン制限の対象外にする',
  'leaveGovernance.summary':
    'リージョン制限が適用されていない OU にアカウントを移動するか、コントロールの適用対象から外します。',
  'leaveGovernance.tradeoffs':
    '最も手早い方法ですが、セキュリティ上の穴になります。そのアカウントではすべてのリージョンですべてのサービスが使えるようになり、組織のガードレールが効かなくなります。最後の手段とし、期間を区切って承認を得たうえで実施してください。',
  'ctParameters.title': 'Control Tower: CT.MULTISERVICE.PV.1 で推論アクションを除外する',
  'ctParameters.summaryLandingZone':
    '拒否しているのは Control Tower のランディングゾーン単位のリージョン拒否（{name}）です。この SCP は直接編集しないでください。ランディングゾーン設定でリージョン拒否をオフにし、OU に CT.MULTISERVICE.PV.1 を AllowedRegions {approved}、ExemptedActions {actions}（必要に応じて ExemptedPrincipalArns も）で有効化したうえで、次の選択肢のカスタム SCP をアタッチしてください。これにより推論アクションは {profile} 経由の場合だけ通ります。',
  'ctParameters.summaryOu':
    '拒否しているのは Control Tower の OU 単位のリージョン拒否（CT.MULTISERVICE.PV.1、{name}）です。この SCP は直接編集しないでください。コントロールの ExemptedActions に {actions} を追加し（AllowedRegions は {approved} のまま）、次の選択肢のカスタム SCP をアタッチしてください。これにより推論アクションは {profile} 経由の場合だけ通ります。',
  'ctParameters.tradeoffs':
    'Control Tower の管理下のまま対応でき、ドリフトも発生しません。ExemptedActions だけでは推論アクションがどのリージョンでも実行できてしまうため、このプロファイルに限定するのはカスタム SCP の役割です。`bedrock:Invoke*` と書けば短くなりますが、エージェントやフローの呼び出しまで除外されます。',
  'ctCustomScp.title': 'Control Tower: Bedrock 推論用に独立したカスタム SCP を追加する',
  'ctCustomScp.summary':
    'Control Tower のコントロールとは別に、この SCP をアタッチします(Customizations for Control Tower (CfCT) または AWS Organizations でデプロイ)。承認リージョン外では {profile} を経由しない {actions} を拒否し、承認リージョンと {regions} 以外では常に拒否します。',
  'ctCustomScp.tradeoffs':
    '除外設定とセットで使います。カスタム SCP だけでは Control Tower の Deny を打ち消せません。CfCT のパイプラインで管理し、レビューとバージョン管理の対象にしてください。',
  'identityPolicy.title': 'アイデンティティベースのポリシーで全送信先リージョンのモデルを許可する',
  'identityPolicy.summary':
    'ロール {principal} には、{source} の推論プロファイル ARN と、全送信先リージョン（{regions}）の基盤モデル ARN への許可が必要です。基盤モデル側には bedrock:InferenceProfileArn の条件を付け、プロファイル経由でしか呼び出せないようにします。',
  'identityPolicy.summaryGlobal':
    'ロール {principal} には、{source} の推論プロファイル ARN、{source} の基盤モデル ARN、そして aws:RequestedRegion が "unspecified" のリージョンを含まない基盤モデル ARN への許可が必要です。基盤モデルのステートメントには bedrock:InferenceProfileArn の条件を付けます。',
  'identityPolicy.tradeoffs':
    '最小権限の原則に沿った方法です。モデルやプロファイルを追加するたびにステートメントの追加が必要です。SCP でもリージョンを制限している場合は、そちらも確認してください。',
  'nextStep.title.scp': '{action} を拒否している SCP のステートメントを特定する',
  'nextStep.summary.scp':
    'SCP{policy}が呼び出しそのものを拒否しており、クロスリージョンのルーティングが原因ではありません。ルートからアカウント {account} までにアタッチされた SCP を確認してください。Bedrock のモデル許可リストが原因であることがよくあります。',
  'nextStep.summary.scp.regionUnknown':
    'SCP{policy}が {action} を拒否しています。メッセージにリソースが含まれていないため、どのリージョンで拒否されたかはわかりません。ルートからアカウント {account} までにアタッチされた SCP を確認してください。推論プロファイルの送信先リージョンをすべて許可していないリージョン制限か、Bedrock のモデル許可リストが考えられます。',
  'nextStep.title.cross-region-scp': '{action} を拒否しているリージョン制限を特定する',
  'nextStep.summary.cross-region-scp':
    'SCP{policy}が、送信元リージョン以外のリージョンで {resource} に対する {action} を拒否しています。リクエストに推論プロファイルが指定されていないため、修正案を作成できません。ルートからアカウント {account} までにアタッチされた SCP からリージョン制限を特定し、使用している推論プロファイルの送信先リージョンを許可してください（送信先リージョンは `aws bedrock get-inference-profile` で確認できます）。',
  'nextStep.title.identity': 'アイデンティティベースのポリシーを修正する',
  'nextStep.summary.identity':
    '{principal} のアイデンティティベースのポリシー{policy}が {action} を拒否している、または許可していません。{resource} に対するアクションを許可してください（推論プロファイルの場合は、プロファイル ARN と全送信先リージョンのモデル ARN）。',
  'nextStep.summary.identity.passRole':
    '{principal} に対し、{resource} への iam:PassRole を、条件 iam:PassedToService = bedrock.amazonaws.com 付きで許可してください。これで、このサービスロールを Bedrock に渡せるようになります。',
  'nextStep.summary.identity.action':
    '{principal} のアイデンティティベースのポリシー{policy}が {action} を拒否しているか、許可していません。{resource} に対する {action} を許可してください。',
  'nextStep.title.permissions-boundary': 'アクセス許可の境界を広げる',
  'nextStep.summary.permissions-boundary':
    '{principal} のアクセス許可の境界が {resource} に対する {action} を許可していません。アイデンティティベースのポリシーだけでは足りないため、境界にもアクションとリソースを追加してください。',
  'nextStep.title.session-policy': '呼び出しを許可するセッションポリシーを渡す',
  'nextStep.summary.session-policy':
    'ロールを引き受ける際に渡されたセッションポリシーが {resource} に対する {action} を許可していません。AssumeRole に渡すポリシー（またはロールを引き受けるツールの設定）を見直してください。',
  'nextStep.title.vpc-endpoint-policy': 'VPC エンドポイントポリシーを更新する',
  'nextStep.summary.vpc-endpoint-policy':
    'bedrock-runtime の VPC エンドポイントポリシーが {resource} に対する {action} を許可していません。許可を追加してください（推論プロファイルの場合は、プロファイル ARN と送信先リージョンのモデル ARN）。',
  'nextStep.title.resource-control-policy': 'リソースコントロールポリシーを確認する',
  'nextStep.summary.resource-control-policy':
    'AWS Organizations のリソースコントロールポリシー（RCP）{policy}が {resource} に対する {action} を拒否しています。ルートからアカウント {account} までにアタッチされた RCP を確認してください。',
  'nextStep.title.resource-based-policy': 'リソースベースのポリシーを確認する',
  'nextStep.summary.resource-based-policy':
    '{resource} のリソースベースのポリシーが {principal} の {action} を拒否している、または許可していません。',
  'nextStep.title.model-access': 'モデルへのアクセスを有効化する',
  'nextStep.summary.model-access':
    'このアカウントではまだ {model} にアクセスできません。Bedrock コンソールの「モデルアクセス」で有効化するか、Marketplace 経由のモデルであれば、サブスクライブ権限を持つプリンシパルで一度呼び出してください。',
  'nextStep.summary.model-access.marketplace':
    '{model} の初回利用に必要な AWS Marketplace のアクセス許可（aws-marketplace:ViewSubscriptions、aws-marketplace:Subscribe）が呼び出し元にありません。モデルを有効化するプリンシパルに付与するか、管理者に一度有効化してもらってください。',
  'nextStep.title.bedrock-service-role': 'Bedrock のサービスロールのアクセス許可を修正する',
  'nextStep.summary.bedrock-service-role':
    'Bedrock は、呼び出し元のアイデンティティではなく、エージェント、ナレッジベース、またはジョブのサービスロールで動作している際に拒否されました。Bedrock コンソールで該当するリソースを開いてサービスロールを確認し、そのモデルまたは推論プロファイル（およびすべての送信先リージョンの基盤モデル）に対する bedrock:InvokeModel と bedrock:InvokeModelWithResponseStream、ナレッジベースに対する bedrock:Retrieve を許可してください。そのうえで、{model} のモデルアクセスを確認してください。',
  'nextStep.summary.bedrock-service-role.profile':
    'エージェントのサービスロールに、推論プロファイルを使用する権限が必要です。プロファイル ARN に対する bedrock:InvokeModel、bedrock:InvokeModelWithResponseStream、bedrock:GetInferenceProfile と、プロファイルのすべての送信先リージョンの基盤モデルに対する bedrock:InvokeModel を許可してください。',
  'nextStep.title.unknown': 'エラーメッセージと CloudTrail のレコードを確認する',
  'nextStep.summary.unknown':
    'この拒否は分類できませんでした。CloudTrail でイベント {event} を確認してください。エラーメッセージに、拒否したポリシーの種類が記載されています。',
  'nextStep.tradeoffs': 'ポリシーの内容がわからないため、具体的な修正案は出せません。上記の手順でまず原因のポリシーを特定してください。',
  'note.regionsGeography':
    '送信先リージョンの一覧は概算です（{scope} の地域で使われることがわかっている全リージョン）: {regions}。`aws bedrock get-inference-profile --inference-profile-identifier {profile} --region {source}` で確認してください。',
  'note.regionsInferred':
    'アプリケーション推論プロファイルの送信先は、システム定義プロファイル {system} から推定しました: {regions}。`aws bedrock get-inference-profile --inference-profile-identifier {profile} --region {source}` で確認してください。',
  'note.regionsUnknown':
    'このプロファイルの送信先リージョンが不明なため、{regions} しか対象にしていません。`aws bedrock get-inference-profile --inference-profile-identifier {profile} --region {source}` を実行し、models[].modelArn に含まれる全リージョンを追加してください。追加しないと、次の呼び出しが別のリージョンにルーティングされて失敗する可能性があります。',
  'note.global':
    'グローバルプロファイルは任意の商用リージョンにルーティングされ、IAM と SCP からは aws:RequestedRegion が "unspecified" に見えます。そのため "unspecified" は、このプロファイル経由の場合に限って許可しています。',
  'note.unverified':
    '適用中の SCP が不明なため（--scp ファイルの指定も AWS Organizations へのアクセスもありません）、この修正案は検証されていません。プレースホルダーを承認リージョンに置き換えてください。',
  'note.originalAllows':
    '指定された SCP ではこのリクエストは拒否されません。拒否しているポリシーは別の場所（別の階層、または指定されていないポリシー）にあります。そのため修正案は提示しません。',
  'note.fallback': '「{from}」は検証に失敗したため（{failed}）、代わりに「{to}」を推奨します。',
  'note.noneVerified': '検証に合格した選択肢がありません（{failed}）。SCP を手動で確認してください。',
  'note.minify':
    '修正後のポリシーは整形した状態で {size} 文字あります。SCP の上限 {limit} 文字に収めるため、空白を除いた形（{minified} 文字）で保存してください。',
  'note.tooLarge':
    '修正後のポリシーは空白を除いても {minified} 文字あり、SCP の上限 {limit} 文字を超えます。追加するステートメントは別の SCP に分けてください。',
  'note.controlTower':
    '拒否している SCP {name} は AWS Control Tower の管理下にあります。直接編集するとドリフトが発生するため、編集案は提示しません。',
  'note.controlTowerUnknown':
    '拒否している SCP が Control Tower のもの（GRREGIONDENY や aws-guardrails- で始まるポリシー）であれば、直接編集せず、CT.MULTISERVICE.PV.1 の ExemptedActions とカスタム SCP で対応してください。',
  'note.implicitDeny':
    '組織のいずれかの階層で、この呼び出しを許可する SCP がありません（許可リスト方式）。リージョン制限が原因ではありません。',
  'note.unpatchable':
    '{policy} のステートメント {statement} がこの呼び出しを拒否していますが、このツールで修正できるリージョン制限の形ではありません。',
  'note.denyingStatement': '{policy} のステートメント {statement} によって拒否されています。',
  'note.controlTowerGlobal':
    'Control Tower では、グローバルプロファイルが使うリージョン値 "unspecified" を許可できません。Customizations for Control Tower (CfCT) でデプロイするカスタム SCP の中で、このプロファイルに限って許可します。',
  'render.recommended': '推奨',
  'render.none': '検証に合格した選択肢がないため、推奨はありません。',
  'render.verification': '検証',
  'render.status.verified': '適用中の SCP で検証済み',
  'render.status.failed': '失敗',
  'render.status.unverified': '未検証（適用中の SCP が不明）',
  'render.patch': '修正後のポリシー {name}（拒否しているステートメント {statement}）',
  'render.newPolicy': '{name} とは別にアタッチする新しい SCP（拒否しているステートメント {statement}）',
  'render.size': 'サイズ: 整形時 {size} 文字、空白除去後 {minified} 文字（SCP の上限 {limit} 文字）',
  'render.options': 'すべての選択肢',
  'render.tradeoffs': 'トレードオフ',
  'render.notes': '補足',
  'render.check': '[{result}] {name}: 期待 {expected}、結果 {actual}',
  'render.checkPassed': '合格',
  'render.checkFailed': '不合格',
  'guarantee.this-profile-only':
    '保証: {profile} のみを、{source} からのすべてのルーティング先リージョン（{regions}）で許可します。モデルの直接呼び出し・他のサービス・他のプロファイルは従来どおり拒否され、既存の例外はすべて有効なままです。',
  'guarantee.any-profile':
    '保証: すべての推論プロファイル（グローバルを含む）を、そのルーティング先のすべてのリージョンで許可します。モデルの直接呼び出しと他のサービスは従来どおり拒否され、既存の例外は有効なままです。他のプロファイルは締め出されません。',
  'guarantee.regions-opened':
    '保証されるのは {profile} が通ることと既存の例外が有効なことだけです。{regions} はすべてのサービス・すべてのプリンシパルに開放されます。',
  'guarantee.compliant-alternative':
    '保証: ポリシーの変更は不要です。現在の SCP は {source} からの {profile} を、そのすべてのルーティング先（{regions}）ですでに許可しています。',
  'guarantee.none': '保証なし: 評価していません。',
  'note.invalidPolicy': 'ポリシー {policy} は有効な SCP ではないため無視しました: {reason}。',
  'render.generated': 'これらのパラメータから Control Tower が {name} として生成する SCP に対して検証済みです（貼り付け用ではありません。Control Tower が書き込みます）。',
  'outcome.verified': '適用中の SCP に対して検証済み（監査ツールが知りえないキー（タグなど）の値にかかわらず成立）',
  'outcome.verified-assuming': '適用中の SCP に対して、次を前提として検証済み: {assumptions}',
  'outcome.not-verified': '未検証',
  'assumption.notValue': 'リクエストに {key} = "{value}" が含まれないこと',
  'useAllowedProfile.title': '代わりに {profile} を呼び出す（ガードレールが許可するプロファイル）',
  'useAllowedProfile.summary':
    'SCP は意図的に推論を特定のプロファイルに限っています。{profile} は {source} から同じモデルを提供し、現在の SCP はそのすべてのルーティング先（{regions}）ですでに許可しています。ポリシーを変えずにこちらを呼び出してください。',
  'useAllowedProfile.tradeoffs': 'ポリシー変更なしでガードレールも維持されます。別のプロファイルはクォータや料金が異なる場合があります。',
  'note.deliberate':
    '{policy} のステートメント {statement} は意図的な制限です（{why}）。この拒否はガードレールが正しく機能した結果です。ここでは解除しません。許可されたプロファイルかリージョン内モデルを使ってください。',
  'note.deliberateWhy.profile-keyed': 'bedrock:InferenceProfileArn をキーとする Bedrock 専用の制御',
  'note.deliberateWhy.unspecified': 'aws:RequestedRegion "unspecified"（グローバルプロファイル）を拒否',
  'note.deliberateWhy.bedrock-geography': 'Bedrock 専用のリージョン許可リスト',
  'note.deliberateNoAlternative':
    '現在の SCP が {source} から許可する同じモデルのプロファイルはカタログにありません。準拠した解決策はリージョン内モデルです。',
  'note.split':
    'パッチ後の {name} は空白除去後でも {minified} 文字となり上限 {limit} 文字を超えるため、新しいステートメントは同じターゲットにアタッチする別の SCP に分け、{name} には最小限の編集だけを加えます。両方を組み合わせて検証済みです。',
  'note.quota':
    '{name} を分割するにはターゲットに SCP をもう 1 つアタッチする必要がありますが、すでに {count} 個あります（AWS Organizations の上限はターゲットごとに 5 個、FullAWSAccess を含む）。先に枠を空けるかポリシーを統合してください。',
  'note.ctParametersInForce':
    '表示したパラメータは完全なセットです。Control Tower は指定したパラメータでコントロールのパラメータを置き換えるため、現在有効なもの（{source}）を維持したうえで {actions} を追加しています。',
  'note.ctParametersFromText':
    '現在有効なパラメータは SCP の本文から読み取りました。更新前に `aws controltower get-enabled-control --enabled-control-identifier <ARN>` で確認してください。',
  'nextStep.title.identityExplicitDeny': 'アイデンティティベースのポリシーの Deny ステートメントを変更する',
  'nextStep.summary.identityExplicitDeny':
    '{principal} のアイデンティティベースのポリシー{policy}の明示的な Deny が {resource} に対する {action} を拒否しています。Allow は明示的な Deny を上書きできないため、Allow ステートメントを追加しても解決しません。その Deny ステートメントを編集する（この呼び出しを除外する。例: Condition にプロファイルの ArnNotLike bedrock:InferenceProfileArn を追加する、リージョンをリストから外す）か、削除してください。',
};

/** Every text, per language. The `ja` table is typed against the `en` keys, so none is missing. */
export const MESSAGES: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = { en, ja };

/** Whether a string is a message key. */
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(en, key);
}

/**
 * The text of `key` in `lang` with `{name}` placeholders filled. Unknown languages fall back to
 * English; a placeholder without a value is left as written.
 */
export function message(lang: Language, key: MessageKey, params: Readonly<Record<string, string>> = {}): string {
  const table = MESSAGES[lang] ?? MESSAGES.en;
  const template = table[key] ?? en[key];
  return template.replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return lang === 'ja' && name === 'regions' ? regionsJa(value) : value;
  });
}

/**
 * A Region list in Japanese prose: the `unspecified` value of a global profile is not a Region, so
 * it is named as what it is, a request not tied to a specific Region (the value stays copyable).
 * @see https://docs.aws.amazon.com/ja_jp/bedrock/latest/userguide/global-cross-region-inference.html
 */
function regionsJa(list: string): string {
  return list
    .split(', ')
    .map((region) => (region === 'unspecified' ? '"unspecified"（特定のリージョンに限定されないリクエスト）' : region))
    .join(', ');
}
