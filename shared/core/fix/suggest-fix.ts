/**
 * The fix engine: for every finding, ranked ways out, ready to paste; for SCP blocks with the SCPs
 * in force known, minimal patches that were evaluated before anyone sees them, each option carrying
 * every document it patched, what its verification guarantees, and the outcome (verified, verified
 * assuming …, not verified).
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 * @see https://aws.amazon.com/blogs/machine-learning/enable-amazon-bedrock-cross-region-inference-in-multi-account-environments/
 */
import { LANGUAGES, PROFILE_SCOPES, SCP_MAX_CHARACTERS, UNSPECIFIED_REGION, VERDICTS } from '../constants.js';
import type { InRegionCatalog } from '../classify/in-region-catalog.js';
import type { ProfileCatalog } from '../classify/profile-catalog.js';
import type { RequestContext, StatementRef } from '../scp/types.js';
import type {
  Finding,
  Fix,
  FixOption,
  FixOptionId,
  GuaranteeCode,
  Language,
  ScpDocument,
  ScpPatch,
  VerificationCheck,
  VerificationOutcome,
} from '../types.js';
import { detectControlTower, mergeParameters, parametersInForce, type ControlTowerMatch } from './control-tower.js';
import {
  buildFixContext,
  buildVerificationRequests,
  callerContext,
  foundationModelArn,
  type FixContext,
  type ProbeFamily,
  type VerificationRequests,
} from './fix-context.js';
import { deliberateReason, type DeliberateReason } from './intent.js';
import { message, type MessageKey } from './messages.js';
import { allowProfileOnlyOption } from './options/allow-profile-only.js';
import { buildOption, jsonSnippet, listText } from './options/common.js';
import { controlTowerCustomScpOption, controlTowerParametersOption } from './options/control-tower.js';
import { exemptBedrockOption } from './options/exempt-bedrock.js';
import { identityPolicyOption } from './options/identity-policy.js';
import { inRegionModelOption } from './options/in-region-model.js';
import { leaveGovernanceOption } from './options/leave-governance.js';
import { nextStepOption } from './options/next-step.js';
import { contextParams } from './options/params.js';
import { addedStatementsDocument } from './options/templates.js';
import { widenRegionsOption } from './options/widen-regions.js';
import type { PatchStrategy } from './patch-scp.js';
import { principalExemptionPatterns, profileCondition, regionCondition, statementsOf } from './policy-edit.js';
import { controlTowerGeneratedPatch, editPatch, newPolicyPatch, splitPatch } from './scp-patch.js';
import { evaluateWith, loadScps, originalCheck, patchScps, verificationOutcome, type LoadedScp } from './verify.js';

/** Options of {@link suggestFix}. */
export interface SuggestFixOptions {
  catalog: ProfileCatalog;
  lang: Language;
  /** The SCPs in force, levels root → account; `undefined` when unknown. */
  scps?: ScpDocument[][];
  /** Models served in-Region per Region (approach 2); the bundled snapshot when omitted. */
  inRegionCatalog?: InRegionCatalog;
}

/** SCPs AWS Organizations allows attached to one root, OU or account (FullAWSAccess included). */
const SCPS_PER_TARGET = 5;

/** What each strategy's verification guarantees, and which probe families that covers. */
const GUARANTEE_OF_STRATEGY: Record<PatchStrategy, { code: GuaranteeCode; families: ProbeFamily[] }> = {
  'allow-profile-only': { code: 'this-profile-only', families: ['direct', 'service', 'other-profile', 'exemption'] },
  'exempt-bedrock': { code: 'any-profile', families: ['direct', 'service', 'exemption'] },
  'widen-regions': { code: 'regions-opened', families: ['exemption'] },
};

/** One strategy's attempt against the SCPs in force. */
interface Attempt {
  strategy: PatchStrategy;
  patches: ScpPatch[];
  checks: VerificationCheck[];
  outcome: VerificationOutcome;
  assumptions: string[];
  passed: boolean;
  failure: string | null;
  notes: string[];
}

const OPTION_OF_STRATEGY: Record<PatchStrategy, FixOptionId> = {
  'allow-profile-only': 'allow-profile-only',
  'exempt-bedrock': 'exempt-bedrock',
  'widen-regions': 'widen-regions',
};

function languageOf(lang: unknown): Language {
  return (LANGUAGES as readonly unknown[]).includes(lang) ? (lang as Language) : 'en';
}

function statementLabel(ref: { sid: string | null; index: number }): string {
  return ref.sid !== null ? `"${ref.sid}"` : `#${ref.index}`;
}

function regionNotes(context: FixContext, lang: Language): string[] {
  const params = contextParams(context);
  switch (context.regionsBasis) {
    case 'global':
      return [message(lang, 'note.global', params)];
    case 'geography':
      return [message(lang, 'note.regionsGeography', params)];
    case 'inferred':
      return [message(lang, 'note.regionsInferred', { ...params, system: context.inferredFrom ?? '-' })];
    case 'denied-region-only':
      return [message(lang, 'note.regionsUnknown', params)];
    default:
      return [];
  }
}

function sizeNotes(patch: ScpPatch | null, lang: Language): string[] {
  if (patch === null || patch.mode === 'new-policy') return [];
  const minified = patch.minifiedSize ?? patch.size;
  const params = { size: String(patch.size), minified: String(minified), limit: String(SCP_MAX_CHARACTERS) };
  if (!patch.fitsLimit) return [message(lang, 'note.tooLarge', params)];
  if (patch.size > SCP_MAX_CHARACTERS) return [message(lang, 'note.minify', params)];
  return [];
}

function ranked(options: FixOption[], recommended: FixOptionId | null): FixOption[] {
  const sorted = [...options].sort((a, b) => a.rank - b.rank);
  const first = sorted.findIndex((o) => o.id === recommended);
  if (first > 0) sorted.unshift(...sorted.splice(first, 1));
  return sorted.map((option, i) => ({ ...option, rank: i + 1 }));
}

function failedNames(checks: readonly VerificationCheck[]): string {
  return checks.filter((c) => !c.passed).map((c) => c.name).join(', ') || '-';
}

function exemptedPrincipals(scps: readonly LoadedScp[]): string[] {
  return [...new Set(scps.flatMap((scp) => statementsOf(scp.document).flatMap(principalExemptionPatterns)))];
}

function assumptionTexts(values: readonly { key: string; value: string }[], lang: Language): string[] {
  return values.map((v) => message(lang, 'assumption.notValue', { key: v.key, value: v.value }));
}

/** Patches of one patched document, split when too big, with the quota of its target checked. */
function patchesOf(
  scps: readonly LoadedScp[],
  scp: LoadedScp,
  document: Parameters<typeof editPatch>[1],
  ref: StatementRef,
  controlTower: boolean,
  lang: Language,
): { patches: ScpPatch[]; failure: string | null; notes: string[] } {
  const atTarget = scps.filter((s) => s.level === scp.level).length;
  const name = scp.source.name ?? scp.source.id;
  const quota = (): { failure: string; notes: string[] } => ({
    failure: 'quota',
    notes: [message(lang, 'note.quota', { name, count: String(atTarget) })],
  });
  if (controlTower) {
    const generated = controlTowerGeneratedPatch(scp, document, ref);
    const guard = newPolicyPatch(scp, document, ref);
    if (guard !== null && atTarget + 1 > SCPS_PER_TARGET) return { patches: [generated, guard], ...quota() };
    return { patches: guard === null ? [generated] : [generated, guard], failure: null, notes: [] };
  }
  const edit = editPatch(scp, document, ref);
  if (edit.fitsLimit) return { patches: [edit], failure: null, notes: [] };
  const split = splitPatch(scp, document, ref);
  if (split === null || !split[0].fitsLimit || !split[1].fitsLimit) return { patches: [edit], failure: 'size', notes: [] };
  const minified = String(edit.minifiedSize ?? edit.size);
  const notes = [message(lang, 'note.split', { name, minified, limit: String(SCP_MAX_CHARACTERS) })];
  if (atTarget + 1 > SCPS_PER_TARGET) return { patches: split, failure: 'quota', notes: [...notes, ...quota().notes] };
  return { patches: split, failure: null, notes };
}

function attemptStrategy(
  scps: LoadedScp[],
  context: FixContext,
  requests: VerificationRequests,
  strategy: PatchStrategy,
  controlTower: (scp: LoadedScp) => ControlTowerMatch | null,
  lang: Language,
): Attempt {
  const outcome = patchScps(scps, context, [requests.denied, ...requests.routes], strategy);
  if (!outcome.ok) {
    const checks: VerificationCheck[] = [
      originalCheck(scps, requests),
      { name: requests.denied.name, expected: 'allow', actual: 'deny', passed: false },
    ];
    const where = outcome.statement;
    const failure = where === null ? outcome.reason : `${outcome.reason} ${where.policyId} ${statementLabel(where)}`;
    return { strategy, patches: [], checks, outcome: 'not-verified', assumptions: [], passed: false, failure, notes: [] };
  }
  const patches: ScpPatch[] = [];
  const notes: string[] = [];
  let failure: string | null = null;
  for (const [key, document] of outcome.documents) {
    const scp = scps.find((s) => s.key === key);
    const ref = outcome.patched.find((p) => p.policyId === key);
    if (scp === undefined || ref === undefined) continue;
    const result = patchesOf(scps, scp, document, ref, controlTower(scp) !== null, lang);
    patches.push(...result.patches);
    notes.push(...result.notes);
    failure ??= result.failure;
  }
  const report = verificationOutcome(scps, outcome.documents, requests, GUARANTEE_OF_STRATEGY[strategy].families);
  const passed = patches.length > 0 && failure === null && report.outcome !== 'not-verified';
  return {
    strategy,
    patches,
    checks: report.checks,
    outcome: passed ? report.outcome : 'not-verified',
    assumptions: passed ? assumptionTexts(report.failingValues, lang) : [],
    passed,
    failure,
    notes,
  };
}

function templateSnippet(context: FixContext, strategy: PatchStrategy): FixOption['snippet'] {
  const document = addedStatementsDocument(context, strategy);
  return document === null ? null : jsonSnippet(document);
}

function patchSnippet(attempt: Attempt | undefined): FixOption['snippet'] {
  const first = attempt?.patches.find((p) => p.mode !== 'control-tower-generated') ?? attempt?.patches[0];
  return first === undefined ? null : { language: 'json', content: first.patchedPolicy };
}

function guaranteeOf(code: GuaranteeCode, context: FixContext, lang: Language): NonNullable<FixOption['guarantee']> {
  return { code, text: message(lang, `guarantee.${code}` as MessageKey, contextParams(context)) };
}

/** An option with its verification: legacy status, outcome, assumptions, guarantee and every patched document. */
function withAttempt(option: FixOption, attempt: Attempt | undefined, code: GuaranteeCode, context: FixContext, lang: Language): FixOption {
  const result: FixOption = { ...option, guarantee: guaranteeOf(code, context, lang) };
  if (attempt === undefined) return result;
  result.verification = attempt.passed ? 'verified' : 'failed';
  result.outcome = attempt.outcome;
  if (attempt.assumptions.length > 0) result.assumptions = attempt.assumptions;
  if (attempt.patches.length > 0) result.patches = attempt.patches;
  return result;
}

function unverified(option: FixOption, code: GuaranteeCode, context: FixContext, lang: Language, status: 'unverified' | 'failed'): FixOption {
  return { ...option, verification: status, outcome: 'not-verified', guarantee: guaranteeOf(code, context, lang) };
}

/** Options shared by every cross-Region SCP fix: the in-Region model and leaving governance. */
function tailOptions(context: FixContext, lang: Language, options: SuggestFixOptions): FixOption[] {
  return [
    inRegionModelOption({ lang, rank: 4, context, ...(options.inRegionCatalog === undefined ? {} : { inRegion: options.inRegionCatalog }) }),
    leaveGovernanceOption({ lang, rank: 5, context }),
  ];
}

function unverifiedCrossRegionFix(context: FixContext, options: SuggestFixOptions, lang: Language, notes: string[]): Fix {
  const list = [
    unverified(allowProfileOnlyOption({ lang, rank: 1, context, snippet: templateSnippet(context, 'allow-profile-only'), verification: 'unverified' }), 'this-profile-only', context, lang, 'unverified'),
    unverified(exemptBedrockOption({ lang, rank: 2, context, snippet: templateSnippet(context, 'exempt-bedrock'), verification: 'unverified' }), 'any-profile', context, lang, 'unverified'),
    widenRegionsOption({ lang, rank: 3, context, controlTower: false }),
    ...tailOptions(context, lang, options),
  ];
  return {
    lang,
    recommended: list[0] ?? null,
    options: list,
    scp: null,
    verification: { status: 'unverified', checks: [], outcome: 'not-verified' },
    notes: [...notes, message(lang, 'note.unverified'), message(lang, 'note.controlTowerUnknown')],
  };
}

function firstDeny(scps: LoadedScp[], requests: VerificationRequests): { ref: StatementRef; scp: LoadedScp } | null {
  const evaluation = evaluateWith(scps, new Map(), requests.denied.request);
  const ref = evaluation.denies[0];
  const scp = ref === undefined ? undefined : scps.find((s) => s.key === ref.policyId);
  return ref === undefined || scp === undefined ? null : { ref, scp };
}

function noPatchFix(context: FixContext, options: SuggestFixOptions, lang: Language, notes: string[], check: VerificationCheck): Fix {
  const list = [
    unverified(allowProfileOnlyOption({ lang, rank: 1, context, snippet: templateSnippet(context, 'allow-profile-only'), verification: 'failed' }), 'this-profile-only', context, lang, 'failed'),
    unverified(exemptBedrockOption({ lang, rank: 2, context, snippet: templateSnippet(context, 'exempt-bedrock'), verification: 'failed' }), 'any-profile', context, lang, 'failed'),
    widenRegionsOption({ lang, rank: 3, context, controlTower: false }),
    ...tailOptions(context, lang, options),
  ];
  return { lang, recommended: null, options: list, scp: null, verification: { status: 'failed', checks: [check], outcome: 'not-verified' }, notes };
}

/** The first statement denying a leg of the routing that is a deliberate Bedrock restriction. */
function deliberateDenier(
  scps: LoadedScp[],
  requests: VerificationRequests,
): { ref: StatementRef; scp: LoadedScp; reason: DeliberateReason } | null {
  for (const named of [requests.denied, ...requests.routes]) {
    for (const ref of evaluateWith(scps, new Map(), named.request).denies) {
      const scp = scps.find((s) => s.key === ref.policyId);
      const statement = statementsOf(scp?.document)[ref.index];
      const region = named.request.context['aws:RequestedRegion'];
      const reason = statement === undefined ? null : deliberateReason(statement, typeof region === 'string' ? region : '');
      if (scp !== undefined && reason !== null) return { ref, scp, reason };
    }
  }
  return null;
}

/**
 * Another profile of the same model, callable from the source Region, that the SCPs in force already
 * allow on every leg (the compliant way out of a deliberate restriction). Null when none is known.
 */
function allowedAlternative(
  finding: Finding,
  context: FixContext,
  scps: LoadedScp[],
  catalog: ProfileCatalog,
): { profileId: string; regions: string[] } | null {
  const source = context.sourceRegion;
  const model = context.foundationModel;
  if (source === null || model === null) return null;
  const caller = callerContext(finding);
  const account = context.accountId ?? caller.principalAccount ?? '111122223333';
  for (const scope of PROFILE_SCOPES) {
    if (scope === context.scope) continue;
    const profileId = `${scope}.${model}`;
    const known = catalog.destinations(profileId, source);
    if (known === null || known.source !== 'catalog') continue;
    const legs = scope === 'global' ? [source, UNSPECIFIED_REGION] : known.regions;
    const profileArn = `arn:${context.partition}:bedrock:${source}:${account}:inference-profile/${profileId}`;
    const request = (region: string, resource: string): RequestContext => {
      const keys: Record<string, string> = { 'aws:RequestedRegion': region, 'bedrock:InferenceProfileArn': profileArn };
      if (caller.principalArn !== null) keys['aws:PrincipalArn'] = caller.principalArn;
      if (caller.principalAccount !== null) keys['aws:PrincipalAccount'] = caller.principalAccount;
      if (caller.principalType !== null) keys['aws:PrincipalType'] = caller.principalType;
      return { action: finding.action ?? 'bedrock:InvokeModel', resource, context: keys };
    };
    const all = [request(source, profileArn), ...legs.map((region) => request(region, foundationModelArn(context, region, model)))];
    if (all.every((r) => evaluateWith(scps, new Map(), r).decision === 'allow')) return { profileId, regions: legs };
  }
  return null;
}

function deliberateFix(
  finding: Finding,
  context: FixContext,
  options: SuggestFixOptions,
  lang: Language,
  notes: string[],
  scps: LoadedScp[],
  requests: VerificationRequests,
  denier: { ref: StatementRef; scp: LoadedScp; reason: DeliberateReason },
): Fix {
  const alternative = allowedAlternative(finding, context, scps, options.catalog);
  const policy = denier.scp.source.name ?? denier.scp.source.id;
  const extra = [
    message(lang, 'note.deliberate', {
      statement: statementLabel(denier.ref),
      policy,
      why: message(lang, `note.deliberateWhy.${denier.reason}` as MessageKey),
    }),
  ];
  const list: FixOption[] = [];
  if (alternative !== null) {
    const altContext: FixContext = { ...context, profileId: alternative.profileId, scpRegions: alternative.regions };
    const params = { ...contextParams(altContext) };
    list.push({
      ...buildOption({
        id: 'use-allowed-profile',
        rank: 0,
        lang,
        title: 'useAllowedProfile.title',
        summary: 'useAllowedProfile.summary',
        tradeoffs: 'useAllowedProfile.tradeoffs',
        params,
        snippet: { language: 'text', content: `${alternative.profileId}\n` },
        verification: 'verified',
      }),
      outcome: 'verified',
      guarantee: guaranteeOf('compliant-alternative', altContext, lang),
      // Nothing to patch: the SCPs in force already allow it.
      patches: [],
      alternative,
    });
  } else {
    extra.push(message(lang, 'note.deliberateNoAlternative', contextParams(context)));
  }
  const inRegion = inRegionModelOption({ lang, rank: 1, context, ...(options.inRegionCatalog === undefined ? {} : { inRegion: options.inRegionCatalog }) });
  list.push(
    inRegion,
    unverified(allowProfileOnlyOption({ lang, rank: 2, context, snippet: null, verification: 'failed' }), 'this-profile-only', context, lang, 'failed'),
    unverified(exemptBedrockOption({ lang, rank: 3, context, snippet: null, verification: 'failed' }), 'any-profile', context, lang, 'failed'),
    widenRegionsOption({ lang, rank: 4, context, controlTower: false }),
    leaveGovernanceOption({ lang, rank: 5, context }),
  );
  const options_ = list.map((option, i) => ({ ...option, rank: i + 1 }));
  const recommended = options_[0] ?? null;
  return {
    lang,
    recommended,
    options: options_,
    scp: null,
    verification: {
      status: alternative !== null ? 'verified' : 'unverified',
      checks: [originalCheck(scps, requests)],
      outcome: alternative !== null ? 'verified' : 'not-verified',
    },
    notes: [...notes, ...extra],
  };
}

function controlTowerFix(
  context: FixContext,
  options: SuggestFixOptions,
  lang: Language,
  notes: string[],
  scps: LoadedScp[],
  requests: VerificationRequests,
  denier: { ref: StatementRef; scp: LoadedScp; match: ControlTowerMatch },
): Fix {
  const detect = (scp: LoadedScp): ControlTowerMatch | null => detectControlTower(scp.source);
  const attempt = attemptStrategy(scps, context, requests, 'allow-profile-only', detect, lang);
  const guard = attempt.patches.find((p) => p.mode === 'new-policy') ?? null;
  const inForce = parametersInForce(denier.scp.source, denier.ref.index);
  const merged = mergeParameters(inForce.parameters, { ExemptedActions: [...context.actions] });
  const policyName = denier.scp.source.name ?? denier.scp.source.id;
  const parametersOption = controlTowerParametersOption({
    lang,
    rank: 1,
    context,
    kind: denier.match.kind,
    policyName,
    parameters: {
      allowedRegions: merged.AllowedRegions,
      exemptedActions: merged.ExemptedActions,
      exemptedPrincipalArns: merged.ExemptedPrincipalArns,
    },
  });
  const customOption = controlTowerCustomScpOption({
    lang,
    rank: 2,
    context,
    snippet: guard === null ? templateSnippet(context, 'allow-profile-only') : { language: 'json', content: guard.patchedPolicy },
  });
  const list = [
    withAttempt(parametersOption, attempt, 'this-profile-only', context, lang),
    withAttempt(customOption, attempt, 'this-profile-only', context, lang),
    widenRegionsOption({ lang, rank: 3, context, controlTower: true, approved: merged.AllowedRegions }),
    ...tailOptions(context, lang, options),
  ];
  const extra = [message(lang, 'note.controlTower', { name: policyName })];
  extra.push(message(lang, 'note.ctParametersInForce', { source: inForce.source === 'control-tower' ? 'Control Tower' : 'SCP', actions: listText(context.actions) }));
  if (inForce.source === 'scp-text') extra.push(message(lang, 'note.ctParametersFromText'));
  if (context.isGlobal) extra.push(message(lang, 'note.controlTowerGlobal'));
  extra.push(...attempt.notes);
  if (!attempt.passed) extra.push(message(lang, 'note.noneVerified', { failed: attempt.failure ?? failedNames(attempt.checks) }));
  const shown = attempt.patches.filter((p) => p.mode !== 'control-tower-generated');
  const result: Fix = {
    lang,
    recommended: attempt.passed ? (list[0] ?? null) : null,
    options: list,
    scp: guard ?? shown[0] ?? null,
    verification: {
      status: attempt.passed ? 'verified' : 'failed',
      checks: attempt.checks,
      outcome: attempt.outcome,
      ...(attempt.assumptions.length > 0 ? { assumptions: attempt.assumptions } : {}),
    },
    notes: [...notes, ...extra],
  };
  if (shown.length > 1) result.scpPatches = shown;
  return result;
}

function crossRegionScpFix(finding: Finding, context: FixContext, options: SuggestFixOptions, lang: Language): Fix {
  const notes = regionNotes(context, lang);
  const scps = Array.isArray(options.scps) ? loadScps(options.scps) : [];
  const requests = buildVerificationRequests(finding, context, { exemptedPrincipals: exemptedPrincipals(scps) });
  if (options.scps === undefined || !Array.isArray(options.scps) || requests === null || context.profileId === null) {
    return unverifiedCrossRegionFix(context, options, lang, notes);
  }
  const original = evaluateWith(scps, new Map(), requests.denied.request);
  const origin = originalCheck(scps, requests);
  // A policy AWS would reject (no Resource, misplaced variable, …) is ignored: say which and why.
  for (const invalid of original.invalidPolicies ?? []) {
    const scp = scps.find((s) => s.key === invalid.policyId);
    notes.push(message(lang, 'note.invalidPolicy', { policy: scp?.source.name ?? invalid.policyId, reason: invalid.reason }));
  }
  if (original.decision === 'allow') {
    return noPatchFix(context, options, lang, [...notes, message(lang, 'note.originalAllows')], origin);
  }
  if (original.basis === 'implicit-deny') {
    return noPatchFix(context, options, lang, [...notes, message(lang, 'note.implicitDeny')], origin);
  }
  const denier = firstDeny(scps, requests);
  if (denier !== null) {
    notes.push(
      message(lang, 'note.denyingStatement', {
        statement: statementLabel(denier.ref),
        policy: denier.scp.source.name ?? denier.scp.source.id,
      }),
    );
  }
  const deliberate = deliberateDenier(scps, requests);
  if (deliberate !== null) return deliberateFix(finding, context, options, lang, notes, scps, requests, deliberate);
  if (denier !== null) {
    const match = detectControlTower(denier.scp.source);
    if (match !== null) return controlTowerFix(context, options, lang, notes, scps, requests, { ...denier, match });
  }

  const noControlTower = (): null => null;
  const attempts = (['allow-profile-only', 'exempt-bedrock', 'widen-regions'] as const).map((strategy) =>
    attemptStrategy(scps, context, requests, strategy, noControlTower, lang),
  );
  const [profileOnly, exempt, widen] = attempts;
  const existingGuard =
    denier !== null && profileCondition(statementsOf(denier.scp.document)[denier.ref.index] ?? {}) !== null
      ? statementLabel(denier.ref)
      : null;
  const list = [
    withAttempt(
      allowProfileOnlyOption({
        lang,
        rank: 1,
        context,
        snippet: patchSnippet(profileOnly) ?? templateSnippet(context, 'allow-profile-only'),
        existingGuard,
      }),
      profileOnly,
      'this-profile-only',
      context,
      lang,
    ),
    withAttempt(
      exemptBedrockOption({ lang, rank: 2, context, snippet: patchSnippet(exempt) ?? templateSnippet(context, 'exempt-bedrock') }),
      exempt,
      'any-profile',
      context,
      lang,
    ),
    withAttempt(
      widenRegionsOption({
        lang,
        rank: 3,
        context,
        controlTower: false,
        approved: denier === null ? [] : (regionCondition(statementsOf(denier.scp.document)[denier.ref.index] ?? {})?.values ?? []),
        ...(patchSnippet(widen) !== null ? { snippet: patchSnippet(widen) } : {}),
      }),
      widen,
      'regions-opened',
      context,
      lang,
    ),
    ...tailOptions(context, lang, options),
  ];
  // Widening opens the Regions to everything: never recommended over a narrower option that passed.
  const chosen = attempts.find((a) => a.passed && a.strategy !== 'widen-regions') ?? null;
  const shown = chosen ?? profileOnly ?? null;
  const chosenId = chosen === null ? null : OPTION_OF_STRATEGY[chosen.strategy];
  if (chosen !== null && profileOnly !== undefined && chosen !== profileOnly) {
    notes.push(
      message(lang, 'note.fallback', {
        from: message(lang, 'allowProfileOnly.title'),
        to: message(lang, 'exemptBedrock.title'),
        failed: profileOnly.failure ?? failedNames(profileOnly.checks),
      }),
    );
  }
  if (chosen === null) {
    notes.push(message(lang, 'note.noneVerified', { failed: profileOnly?.failure ?? failedNames(profileOnly?.checks ?? []) }));
  }
  const options_ = ranked(list, chosenId);
  const scp = shown?.patches[0] ?? null;
  const result: Fix = {
    lang,
    recommended: chosenId === null ? null : (options_.find((o) => o.id === chosenId) ?? null),
    options: options_,
    scp,
    verification: {
      status: chosen !== null ? 'verified' : 'failed',
      checks: shown?.checks ?? [origin],
      outcome: chosen?.outcome ?? 'not-verified',
      ...(chosen !== null && chosen.assumptions.length > 0 ? { assumptions: chosen.assumptions } : {}),
    },
    notes: [...notes, ...(shown?.notes ?? []), ...sizeNotes(scp, lang)],
  };
  if (shown !== null && shown.patches.length > 1) result.scpPatches = shown.patches;
  return result;
}

/** Whether the message says an identity-based policy explicitly denied the call. */
/** Whether the message states an explicit deny in an identity-based policy (see fix-key.ts). */
export function explicitIdentityDeny(finding: Finding): boolean {
  return /with an explicit deny in an? identity-based policy/i.test(finding.errorMessage ?? '');
}

function identityExplicitDenyFix(finding: Finding, lang: Language, notes: string[]): Fix {
  const base = nextStepOption({ lang, rank: 1, finding });
  const option: FixOption = {
    ...base,
    ...buildOption({
      id: 'next-step',
      rank: 1,
      lang,
      title: 'nextStep.title.identityExplicitDeny',
      summary: 'nextStep.summary.identityExplicitDeny',
      tradeoffs: 'nextStep.tradeoffs',
      params: {
        policy: finding.policyArn !== null ? ` (${finding.policyArn})` : '',
        principal: finding.principalRoleArn ?? finding.principalArn ?? '-',
        action: finding.action ?? 'bedrock:InvokeModel',
        resource: finding.deniedResource ?? finding.modelId ?? '-',
      },
      snippet: null,
    }),
  };
  return { lang, recommended: option, options: [option], scp: null, verification: { status: 'unverified', checks: [], outcome: 'not-verified' }, notes };
}

function crossRegionIdentityFix(finding: Finding, context: FixContext, lang: Language): Fix {
  if (explicitIdentityDeny(finding)) return identityExplicitDenyFix(finding, lang, regionNotes(context, lang));
  const option = identityPolicyOption({ lang, rank: 1, context, finding });
  return {
    lang,
    recommended: option,
    options: [option],
    scp: null,
    verification: { status: 'unverified', checks: [], outcome: 'not-verified' },
    notes: regionNotes(context, lang),
  };
}

function nextStepFix(finding: Finding, options: SuggestFixOptions, lang: Language): Fix {
  if (finding.verdict === VERDICTS.identity && explicitIdentityDeny(finding)) return identityExplicitDenyFix(finding, lang, []);
  const option = nextStepOption({ lang, rank: 1, finding });
  const notes: string[] = [];
  if (finding.verdict === VERDICTS.scp && Array.isArray(options.scps)) {
    const scps = loadScps(options.scps);
    const region = finding.deniedRegion ?? finding.sourceRegion;
    if (region !== null) {
      const evaluation = evaluateWith(scps, new Map(), {
        action: finding.action ?? 'bedrock:InvokeModel',
        resource: finding.deniedResource ?? '*',
        context: { 'aws:RequestedRegion': region },
      });
      const ref = evaluation.denies[0];
      const scp = ref === undefined ? undefined : scps.find((s) => s.key === ref.policyId);
      if (ref !== undefined && scp !== undefined) {
        notes.push(message(lang, 'note.denyingStatement', { statement: statementLabel(ref), policy: scp.source.name ?? scp.source.id }));
      }
    }
  }
  return { lang, recommended: option, options: [option], scp: null, verification: { status: 'unverified', checks: [], outcome: 'not-verified' }, notes };
}

/**
 * Suggests the fix for a finding: ranked options in `lang`, and for a cross-Region SCP denial with
 * the SCPs known, the patched policies verified by the SCP evaluator (`verification.outcome`
 * `verified` or `verified-assuming`), or the reason no option passed (`not-verified`). Without the
 * SCPs the fix is `unverified`. Contract: pure and total; never throws for any finding.
 */
export function suggestFix(finding: Finding, options: SuggestFixOptions): Fix {
  const lang = languageOf(options.lang);
  const context = buildFixContext(finding, options.catalog);
  // context.profileId is finding.profile's: isCrossRegionFix (fix-key.ts) must follow this choice.
  if (finding.verdict === VERDICTS.crossRegionScp && context.profileId !== null) {
    return crossRegionScpFix(finding, context, options, lang);
  }
  if (finding.verdict === VERDICTS.crossRegionIdentity && context.profileId !== null) {
    return crossRegionIdentityFix(finding, context, lang);
  }
  return nextStepFix(finding, options, lang);
}
