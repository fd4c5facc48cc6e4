/**
 * Patches SCP statements so a cross-Region inference call gets through, each strategy a minimal
 * change: existing statements keep their order and Sids, new statements go at the end.
 *
 * - `allow-profile-only`: the AWS-documented pattern. The inference actions leave the Region deny
 *   (`NotAction`), and new statements deny them outside the approved Regions unless the call goes
 *   through this profile, and outside the profile's destination Regions altogether.
 * - `exempt-bedrock`: the same, but any inference profile is accepted (`Null` guard).
 * - `widen-regions`: the profile's destination Regions join the approved list.
 * @see https://github.com/aws-samples/service-control-policy-examples (Region-controls, …-with-Bedrock-CRIS)
 * @see https://aws.amazon.com/blogs/machine-learning/enable-amazon-bedrock-cross-region-inference-in-multi-account-environments/
 */
import type { FixContext } from './fix-context.js';
import {
  actionMatches,
  addConditionValues,
  asList,
  baseOperator,
  cloneJson,
  isObject,
  mergeValues,
  profileCondition,
  regionCondition,
  renameKey,
  setConditionValues,
  statementsOf,
  uniqueSid,
  withStatements,
  insertKeepingOrder,
  regionDenyList,
  type ConditionRef,
  type JsonObject,
} from './policy-edit.js';

/** A way of patching, matching the fix option it backs. */
export type PatchStrategy = 'allow-profile-only' | 'exempt-bedrock' | 'widen-regions';

/** Outcome of patching one statement. */
export type StatementPatch =
  | { ok: true; document: JsonObject; kind: 'region-deny' | 'profile-guard' }
  | { ok: false; reason: 'not-a-region-deny' | 'not-a-deny' | 'no-profile' | 'unsupported-operator' };

/** Sids of the statements this module adds. */
export const ADDED_SIDS = {
  outsideApproved: 'DenyBedrockInferenceOutsideApprovedRegions',
  outsideProfileRegions: 'DenyBedrockInferenceOutsideProfileRegions',
} as const;

const PROFILE_ARN_KEY = 'bedrock:InferenceProfileArn';

/** Condition of a new statement: the original's, with the Region list replaced when asked. */
function derivedCondition(statement: JsonObject, regions: readonly string[] | null): JsonObject {
  let copy: JsonObject = { Condition: cloneJson(isObject(statement.Condition) ? statement.Condition : {}) };
  const region = regionCondition(copy);
  if (regions !== null && region !== null) copy = setConditionValues(copy, region, regions);
  return isObject(copy.Condition) ? copy.Condition : {};
}

function resourceOf(statement: JsonObject): JsonObject {
  if (statement.NotResource !== undefined) return { NotResource: cloneJson(statement.NotResource) };
  return { Resource: statement.Resource === undefined ? '*' : cloneJson(statement.Resource) };
}

/** Lets the inference actions out of a Region deny; how depends on Action/NotAction. */
function exemptActions(
  statement: JsonObject,
  context: FixContext,
  guard: 'profile' | 'any-profile',
): { statement: JsonObject; guardedInPlace: boolean } {
  if (statement.NotAction !== undefined) {
    const list = asList(statement.NotAction);
    const missing = context.actions.filter((action) => !list.some((pattern) => actionMatches(pattern, action)));
    if (missing.length === 0) return { statement, guardedInPlace: false };
    const merged = insertKeepingOrder(list, missing);
    return { statement: { ...statement, NotAction: merged }, guardedInPlace: false };
  }
  const actions = asList(statement.Action);
  if (actions.length === 1 && actions[0] === '*') {
    return { statement: renameKey(statement, 'Action', 'NotAction', [...context.actions]), guardedInPlace: false };
  }
  // A list that cannot be split (e.g. `bedrock:*`): keep it and let the profile through in place.
  const guarded =
    guard === 'profile' && context.profilePattern !== null
      ? addConditionValues(statement, 'ArnNotLike', PROFILE_ARN_KEY, [context.profilePattern])
      : addConditionValues(statement, 'Null', PROFILE_ARN_KEY, ['true']);
  return { statement: guarded, guardedInPlace: true };
}

function guardStatements(
  all: readonly JsonObject[],
  original: JsonObject,
  context: FixContext,
  strategy: 'allow-profile-only' | 'exempt-bedrock',
  guardedInPlace: boolean,
): JsonObject[] {
  const added: JsonObject[] = [];
  const approved = regionCondition(original)?.values ?? [];
  const base = { Effect: 'Deny', Action: [...context.actions], ...resourceOf(original) };
  if (!guardedInPlace) {
    const condition = derivedCondition(original, null);
    const guarded =
      strategy === 'allow-profile-only' && context.profilePattern !== null
        ? addConditionValues({ Condition: condition }, 'ArnNotLike', PROFILE_ARN_KEY, [context.profilePattern])
        : addConditionValues({ Condition: condition }, 'Null', PROFILE_ARN_KEY, ['true']);
    added.push({ Sid: uniqueSid([...all, ...added], ADDED_SIDS.outsideApproved), ...base, Condition: guarded.Condition });
  }
  if (strategy === 'allow-profile-only') {
    const regions = insertKeepingOrder(approved, context.scpRegions.filter((r) => !approved.includes(r)));
    added.push({
      Sid: uniqueSid([...all, ...added], ADDED_SIDS.outsideProfileRegions),
      ...base,
      Condition: derivedCondition(original, regions),
    });
  }
  return added;
}

/**
 * Patches statement `index` of `document` with `strategy`. Contract: pure; returns the whole patched
 * document, or why the statement cannot be patched that way.
 */
export function patchStatement(
  document: JsonObject,
  index: number,
  context: FixContext,
  strategy: PatchStrategy,
): StatementPatch {
  const statements = statementsOf(document);
  const statement = statements[index];
  if (statement === undefined || statement.Effect !== 'Deny') return { ok: false, reason: 'not-a-deny' };
  const region = regionCondition(statement);
  const profile = profileCondition(statement);
  const denyList = region === null && profile === null ? regionDenyList(statement) : null;
  if (denyList !== null) return patchDenyList(document, statements, index, denyList, context, strategy);

  if (strategy === 'widen-regions') {
    if (region === null) return { ok: false, reason: 'not-a-region-deny' };
    const regions = insertKeepingOrder(region.values, context.scpRegions.filter((r) => !region.values.includes(r)));
    const next = setConditionValues(statement, region, regions);
    return { ok: true, document: replaceAt(document, statements, index, next), kind: 'region-deny' };
  }

  if (profile !== null) {
    // Already a Bedrock guard (the aws-samples CRIS variant): accept this profile, or any profile.
    const wildcards = baseOperator(profile.operator).toLowerCase().endsWith('like');
    let value: string | null;
    if (strategy === 'allow-profile-only') value = wildcards ? context.profilePattern : context.profileArn;
    else value = wildcards ? `arn:${context.partition}:bedrock:*:*:*inference-profile/*` : null;
    if (value === null) return { ok: false, reason: strategy === 'allow-profile-only' ? 'no-profile' : 'unsupported-operator' };
    const condition = isObject(statement.Condition) ? statement.Condition : {};
    const rawBlock = condition[profile.operator];
    const block = isObject(rawBlock) ? rawBlock : {};
    const next = {
      ...statement,
      Condition: { ...condition, [profile.operator]: { ...block, [profile.key]: mergeValues(block[profile.key], [value]) } },
    };
    return { ok: true, document: replaceAt(document, statements, index, next), kind: 'profile-guard' };
  }

  if (region === null) return { ok: false, reason: 'not-a-region-deny' };
  if (strategy === 'allow-profile-only' && context.profilePattern === null) return { ok: false, reason: 'no-profile' };
  const exempted = exemptActions(statement, context, strategy === 'allow-profile-only' ? 'profile' : 'any-profile');
  const patched = statements.map((s, i) => (i === index ? exempted.statement : s));
  const added = guardStatements(patched, statement, context, strategy, exempted.guardedInPlace);
  return { ok: true, document: withStatements(document, [...patched, ...added]), kind: 'region-deny' };
}

/**
 * A deny-list (`StringEquals aws:RequestedRegion [forbidden Regions]`) is patched in place, the way
 * AWS's blog does it: an `ArnNotLike bedrock:InferenceProfileArn` for this profile (or a `Null` guard
 * for any profile) joins the statement's condition, so only calls through the profile escape it;
 * widening takes the profile's Regions off the list.
 */
function patchDenyList(
  document: JsonObject,
  statements: JsonObject[],
  index: number,
  denyList: ConditionRef,
  context: FixContext,
  strategy: PatchStrategy,
): StatementPatch {
  const statement = statements[index] ?? {};
  if (strategy === 'widen-regions') {
    const remaining = denyList.values.filter((r) => !context.scpRegions.includes(r));
    if (remaining.length === 0) return { ok: false, reason: 'unsupported-operator' };
    return { ok: true, document: replaceAt(document, statements, index, setConditionValues(statement, denyList, remaining)), kind: 'region-deny' };
  }
  if (strategy === 'allow-profile-only' && context.profilePattern === null) return { ok: false, reason: 'no-profile' };
  const next =
    strategy === 'allow-profile-only' && context.profilePattern !== null
      ? addConditionValues(statement, 'ArnNotLike', PROFILE_ARN_KEY, [context.profilePattern])
      : addConditionValues(statement, 'Null', PROFILE_ARN_KEY, ['true']);
  return { ok: true, document: replaceAt(document, statements, index, next), kind: 'region-deny' };
}

function replaceAt(document: JsonObject, statements: JsonObject[], index: number, next: JsonObject): JsonObject {
  return withStatements(
    document,
    statements.map((s, i) => (i === index ? next : s)),
  );
}
