/**
 * Recognises statements that exist to keep Bedrock inference in a geography or off global
 * profiles. When such a statement denies a cross-Region call, the denial is the guardrail working:
 * the fix engine never proposes undoing it and recommends what complies instead.
 * @see https://aws.amazon.com/blogs/machine-learning/securing-amazon-bedrock-cross-region-inference-geographic-and-global/
 * @see https://github.com/aws-samples/service-control-policy-examples (Region-controls, …-with-Bedrock-CRIS)
 */
import { UNSPECIFIED_REGION } from '../constants.js';
import { asList, baseOperator, isObject, regionCondition, type JsonObject } from './policy-edit.js';

/** Why a statement is a deliberate restriction. */
export type DeliberateReason = 'profile-keyed' | 'unspecified' | 'bedrock-geography';

const POSITIVE = /^(stringequals|stringequalsignorecase|stringlike)$/;

/**
 * A negated condition listing exact profiles (no wildcard after `inference-profile/`): a per-profile
 * allow-list such as this engine writes, which grows one profile at a time by design. A geography
 * pattern (`apac.*`) or any-profile pattern is a policy about where inference may go.
 */
function exactProfileList(operator: string, values: unknown): boolean {
  if (!/not/i.test(baseOperator(operator))) return false;
  const list = asList(values);
  return list.length > 0 && list.every((v) => /inference-profile\/[^*?]+$/.test(v));
}

/** Sid of the statement this engine writes to hold the Regions of the profiles it allowed. */
const OWN_REGION_LIST_SID = /^DenyBedrockInferenceOutsideProfileRegions\d*$/;

/**
 * Whether a Deny statement, denying a request for `requestedRegion`, is a deliberate Bedrock
 * restriction: it is keyed on `bedrock:InferenceProfileArn` with a geography or any-profile pattern,
 * or denies `aws:RequestedRegion` = `unspecified` by name, or is a Region allow-list for Bedrock
 * actions only that keeps global profiles (`unspecified`) out. Per-profile lists (exact profile
 * ARNs, as this engine writes them) grow one profile at a time by design and are not.
 * Contract: total.
 */
export function deliberateReason(statement: JsonObject, requestedRegion: string): DeliberateReason | null {
  if (statement.Effect !== 'Deny') return null;
  const condition = isObject(statement.Condition) ? statement.Condition : {};
  for (const [operator, block] of Object.entries(condition)) {
    if (!isObject(block)) continue;
    for (const [key, values] of Object.entries(block)) {
      const lower = key.toLowerCase();
      if (lower === 'bedrock:inferenceprofilearn' && !exactProfileList(operator, values)) return 'profile-keyed';
      if (lower === 'aws:requestedregion' && POSITIVE.test(baseOperator(operator).toLowerCase()) && asList(values).includes(UNSPECIFIED_REGION)) {
        return 'unspecified';
      }
    }
  }
  const actions = asList(statement.Action);
  const own = typeof statement.Sid === 'string' && OWN_REGION_LIST_SID.test(statement.Sid);
  const bedrockOnly = statement.Action !== undefined && actions.length > 0 && actions.every((a) => a.toLowerCase().startsWith('bedrock:'));
  if (!own && bedrockOnly && requestedRegion === UNSPECIFIED_REGION && regionCondition(statement) !== null) {
    return 'bedrock-geography';
  }
  return null;
}
