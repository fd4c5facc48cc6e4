/**
 * The fix engine: for every finding, ranked ways out, ready to paste; for SCP blocks with the SCPs
 * in force known, a minimal patch that was evaluated before anyone sees it.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 * @see https://aws.amazon.com/blogs/machine-learning/enable-amazon-bedrock-cross-region-inference-in-multi-account-environments/
 */
import { LANGUAGES, VERDICTS } from '../constants.js';
import type { InRegionCatalog } from '../classify/in-region-catalog.js';
import type { ProfileCatalog } from '../classify/profile-catalog.js';
import type { StatementRef } from '../scp/types.js';
import type { Finding, Fix, FixOption, FixOptionId, Language, ScpDocument, ScpPatch, VerificationCheck } from '../types.js';
import { detectControlTower, type ControlTowerMatch } from './control-tower.js';
import { buildFixContext, buildVerificationRequests, type FixContext, type VerificationRequests } from './fix-context.js';
import { message, type MessageKey } from './messages.js';
import { allowProfileOnlyOption } from './options/allow-profile-only.js';
import { jsonSnippet } from './options/common.js';
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
import { asList, isObject, profileCondition, regionCondition, statementsOf } from './policy-edit.js';
import { editPatch, newPolicyPatch } from './scp-patch.js';
import {
  evaluateWith,
  loadScps,
  originalCheck,
  patchScps,
  verificationChecks,
  type LoadedScp,
} from './verify.js';

/** Options of {@link suggestFix}. */
export interface SuggestFixOptions {
  catalog: ProfileCatalog;
  lang: Language;
  /** The SCPs in force, levels root → account; `undefined` when unknown. */
  scps?: ScpDocument[][];
  /** Models served in-Region per Region (approach 2); the bundled snapshot when omitted. */
  inRegionCatalog?: InRegionCatalog;
}

/** One strategy's attempt against the SCPs in force. */
interface Attempt {
  strategy: PatchStrategy;
  patches: ScpPatch[];
  checks: VerificationCheck[];
  passed: boolean;
  failure: string | null;
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
  if (patch === null) return [];
  const minified = patch.minifiedSize ?? patch.size;
  const params = { size: String(patch.size), minified: String(minified), limit: '5120' };
  if (!patch.fitsLimit) return [message(lang, 'note.tooLarge', params)];
  if (patch.size > 5120) return [message(lang, 'note.minify', params)];
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

function attemptStrategy(
  scps: LoadedScp[],
  context: FixContext,
  requests: VerificationRequests,
  strategy: PatchStrategy,
  controlTower: (scp: LoadedScp) => ControlTowerMatch | null,
): Attempt {
  const outcome = patchScps(scps, context, [requests.denied, ...requests.routes], strategy);
  if (!outcome.ok) {
    const checks: VerificationCheck[] = [
      originalCheck(scps, requests),
      { name: requests.denied.name, expected: 'allow', actual: 'deny', passed: false },
    ];
    const where = outcome.statement;
    return { strategy, patches: [], checks, passed: false, failure: where === null ? outcome.reason : `${outcome.reason} ${where.policyId} ${statementLabel(where)}` };
  }
  const patches: ScpPatch[] = [];
  for (const [key, document] of outcome.documents) {
    const scp = scps.find((s) => s.key === key);
    const ref = outcome.patched.find((p) => p.policyId === key);
    if (scp === undefined || ref === undefined) continue;
    const patch = controlTower(scp) !== null ? newPolicyPatch(scp, document, ref) : editPatch(scp, document, ref);
    if (patch !== null) patches.push(patch);
  }
  const checks = verificationChecks(scps, outcome.documents, requests);
  const fits = patches.every((p) => p.fitsLimit);
  return { strategy, patches, checks, passed: patches.length > 0 && fits && checks.every((c) => c.passed), failure: fits ? null : 'size' };
}

function patchSnippet(attempt: Attempt | undefined): FixOption['snippet'] {
  const first = attempt?.patches[0];
  return first === undefined ? null : { language: 'json', content: first.patchedPolicy };
}

function templateSnippet(context: FixContext, strategy: PatchStrategy): FixOption['snippet'] {
  const document = addedStatementsDocument(context, strategy);
  return document === null ? null : jsonSnippet(document);
}

function statusOf(attempt: Attempt): FixOption['verification'] {
  return attempt.passed ? 'verified' : 'failed';
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
    allowProfileOnlyOption({ lang, rank: 1, context, snippet: templateSnippet(context, 'allow-profile-only'), verification: 'unverified' }),
    exemptBedrockOption({ lang, rank: 2, context, snippet: templateSnippet(context, 'exempt-bedrock'), verification: 'unverified' }),
    widenRegionsOption({ lang, rank: 3, context, controlTower: false }),
    ...tailOptions(context, lang, options),
  ];
  return {
    lang,
    recommended: list[0] ?? null,
    options: list,
    scp: null,
    verification: { status: 'unverified', checks: [] },
    notes: [...notes, message(lang, 'note.unverified'), message(lang, 'note.controlTowerUnknown')],
  };
}

function firstDeny(scps: LoadedScp[], requests: VerificationRequests): { ref: StatementRef; scp: LoadedScp } | null {
  const evaluation = evaluateWith(scps, new Map(), requests.denied.request);
  const ref = evaluation.denies[0];
  const scp = ref === undefined ? undefined : scps.find((s) => s.key === ref.policyId);
  return ref === undefined || scp === undefined ? null : { ref, scp };
}

function noPatchFix(
  context: FixContext,
  options: SuggestFixOptions,
  lang: Language,
  notes: string[],
  check: VerificationCheck,
): Fix {
  const list = [
    allowProfileOnlyOption({ lang, rank: 1, context, snippet: templateSnippet(context, 'allow-profile-only'), verification: 'failed' }),
    exemptBedrockOption({ lang, rank: 2, context, snippet: templateSnippet(context, 'exempt-bedrock'), verification: 'failed' }),
    widenRegionsOption({ lang, rank: 3, context, controlTower: false }),
    ...tailOptions(context, lang, options),
  ];
  return { lang, recommended: null, options: list, scp: null, verification: { status: 'failed', checks: [check] }, notes };
}

function controlTowerParameters(scp: LoadedScp, ref: StatementRef): { allowed: string[]; principals: string[] } {
  const statement = statementsOf(scp.document)[ref.index] ?? {};
  const allowed = regionCondition(statement)?.values ?? [];
  const condition = isObject(statement.Condition) ? statement.Condition : {};
  const principals: string[] = [];
  for (const block of Object.values(condition)) {
    if (!isObject(block)) continue;
    for (const [key, values] of Object.entries(block)) {
      if (key.toLowerCase() !== 'aws:principalarn') continue;
      principals.push(...asList(values).filter((v) => /^arn:(aws|aws-us-gov):(iam|sts)::.+:.+$/.test(v)));
    }
  }
  return { allowed, principals };
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
  const attempt = attemptStrategy(scps, context, requests, 'allow-profile-only', detect);
  const guard = attempt.patches.find((p) => p.controlTowerManaged) ?? null;
  const { allowed, principals } = controlTowerParameters(denier.scp, denier.ref);
  const policyName = denier.scp.source.name ?? denier.scp.source.id;
  const status = statusOf(attempt);
  const list = [
    controlTowerParametersOption({
      lang,
      rank: 1,
      context,
      kind: denier.match.kind,
      policyName,
      parameters: { allowedRegions: allowed, exemptedActions: [...context.actions], exemptedPrincipalArns: principals },
      verification: status,
    }),
    controlTowerCustomScpOption({
      lang,
      rank: 2,
      context,
      snippet: guard === null ? templateSnippet(context, 'allow-profile-only') : { language: 'json', content: guard.patchedPolicy },
      verification: status,
    }),
    widenRegionsOption({ lang, rank: 3, context, controlTower: true, approved: allowed }),
    ...tailOptions(context, lang, options),
  ];
  const extra = [message(lang, 'note.controlTower', { name: policyName })];
  if (context.isGlobal) extra.push(message(lang, 'note.controlTowerGlobal'));
  if (!attempt.passed) extra.push(message(lang, 'note.noneVerified', { failed: attempt.failure ?? failedNames(attempt.checks) }));
  const result: Fix = {
    lang,
    recommended: attempt.passed ? (list[0] ?? null) : null,
    options: list,
    scp: guard ?? attempt.patches[0] ?? null,
    verification: { status: attempt.passed ? 'verified' : 'failed', checks: attempt.checks },
    notes: [...notes, ...extra, ...sizeNotes(guard, lang)],
  };
  if (attempt.patches.length > 1) result.scpPatches = attempt.patches;
  return result;
}

function crossRegionScpFix(finding: Finding, context: FixContext, options: SuggestFixOptions, lang: Language): Fix {
  const notes = regionNotes(context, lang);
  const requests = buildVerificationRequests(finding, context);
  if (options.scps === undefined || !Array.isArray(options.scps) || requests === null || context.profileId === null) {
    return unverifiedCrossRegionFix(context, options, lang, notes);
  }
  const scps = loadScps(options.scps);
  const original = evaluateWith(scps, new Map(), requests.denied.request);
  const origin = originalCheck(scps, requests);
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
    const match = detectControlTower(denier.scp.source);
    if (match !== null) return controlTowerFix(context, options, lang, notes, scps, requests, { ...denier, match });
  }

  const noControlTower = (): null => null;
  const attempts = (['allow-profile-only', 'exempt-bedrock', 'widen-regions'] as const).map((strategy) =>
    attemptStrategy(scps, context, requests, strategy, noControlTower),
  );
  const [profileOnly, exempt, widen] = attempts;
  const existingGuard =
    denier !== null && profileCondition(statementsOf(denier.scp.document)[denier.ref.index] ?? {}) !== null
      ? statementLabel(denier.ref)
      : null;
  const list = [
    allowProfileOnlyOption({
      lang,
      rank: 1,
      context,
      snippet: patchSnippet(profileOnly) ?? templateSnippet(context, 'allow-profile-only'),
      existingGuard,
      verification: profileOnly === undefined ? 'unverified' : statusOf(profileOnly),
    }),
    exemptBedrockOption({
      lang,
      rank: 2,
      context,
      snippet: patchSnippet(exempt) ?? templateSnippet(context, 'exempt-bedrock'),
      verification: exempt === undefined ? 'unverified' : statusOf(exempt),
    }),
    widenRegionsOption({
      lang,
      rank: 3,
      context,
      controlTower: false,
      approved: denier === null ? [] : (regionCondition(statementsOf(denier.scp.document)[denier.ref.index] ?? {})?.values ?? []),
      ...(patchSnippet(widen) !== null ? { snippet: patchSnippet(widen) } : {}),
      verification: widen === undefined ? 'unverified' : statusOf(widen),
    }),
    ...tailOptions(context, lang, options),
  ];
  const chosen = attempts.find((a) => a.passed) ?? null;
  const shown = chosen ?? profileOnly ?? null;
  const chosenId = chosen === null ? null : OPTION_OF_STRATEGY[chosen.strategy];
  if (chosen !== null && profileOnly !== undefined && chosen !== profileOnly) {
    notes.push(
      message(lang, 'note.fallback', {
        from: message(lang, 'allowProfileOnly.title'),
        to: message(lang, `${chosen.strategy === 'exempt-bedrock' ? 'exemptBedrock' : 'widenRegions'}.title` as MessageKey),
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
    verification: { status: chosen !== null ? 'verified' : 'failed', checks: shown?.checks ?? [origin] },
    notes: [...notes, ...sizeNotes(scp, lang)],
  };
  if (shown !== null && shown.patches.length > 1) result.scpPatches = shown.patches;
  return result;
}

function crossRegionIdentityFix(finding: Finding, context: FixContext, lang: Language): Fix {
  const option = identityPolicyOption({ lang, rank: 1, context, finding });
  return {
    lang,
    recommended: option,
    options: [option],
    scp: null,
    verification: { status: 'unverified', checks: [] },
    notes: regionNotes(context, lang),
  };
}

function nextStepFix(finding: Finding, options: SuggestFixOptions, lang: Language): Fix {
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
  return { lang, recommended: option, options: [option], scp: null, verification: { status: 'unverified', checks: [] }, notes };
}

/**
 * Suggests the fix for a finding: ranked options in `lang`, and for a cross-Region SCP denial with
 * the SCPs known, the patched policy verified by the SCP evaluator (`verification.status`
 * `verified`), or the reason no option passed (`failed`). Without the SCPs the fix is `unverified`.
 * Contract: pure and total; never throws for any finding.
 */
export function suggestFix(finding: Finding, options: SuggestFixOptions): Fix {
  const lang = languageOf(options.lang);
  const context = buildFixContext(finding, options.catalog);
  if (finding.verdict === VERDICTS.crossRegionScp && context.profileId !== null) {
    return crossRegionScpFix(finding, context, options, lang);
  }
  if (finding.verdict === VERDICTS.crossRegionIdentity && context.profileId !== null) {
    return crossRegionIdentityFix(finding, context, lang);
  }
  return nextStepFix(finding, options, lang);
}
