import { cutToBudget } from '../text-safety.js';
import type { Finding } from '../types.js';

export { cutMarker, cutToBudget } from '../text-safety.js';

/**
 * Length budgets of a finding's caller-controlled fields, in characters (code points). A caller
 * chooses its user agent, session name, model ID and more, and a CloudTrail record carries them
 * whole: a 25 KB user agent must not make an alert too large for SNS (256 KiB) or DynamoDB (400 KB
 * per item). Identifiers get at least the longest value AWS accepts (ARNs and model IDs up to
 * 2,048 characters), so only values no real call can have are ever cut.
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_Policy.html
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html
 */
export const FIELD_BUDGETS = {
  eventId: 128,
  eventTime: 64,
  eventName: 128,
  accountId: 64,
  principalArn: 2048,
  sourceRegion: 64,
  action: 256,
  modelId: 2048,
  foundationModel: 2048,
  deniedResource: 2048,
  deniedRegion: 64,
  policyType: 256,
  policyArn: 2048,
  authorizationId: 256,
  authorizationDetailsUrl: 2048,
  reason: 4096,
  userAgent: 1024,
  sourceIpAddress: 256,
  errorCode: 256,
  errorMessage: 4096,
} as const satisfies Partial<Record<keyof Finding, number>>;

/** Budget of a profile ID (as a model ID) and of one destination Region; at most this many destinations. */
const PROFILE_ID_BUDGET = 2048;
const DESTINATION_BUDGET = 64;
const MAX_DESTINATIONS = 64;

function cutField(value: string | null, max: number): string | null {
  return value === null || typeof value !== 'string' ? value : cutToBudget(value, max);
}

/**
 * The finding with every caller-controlled field within {@link FIELD_BUDGETS} (a copy; the input
 * is not changed). Idempotent: a finding already within budget comes back equal. The fix is left
 * as the fix engine wrote it (its size is bounded by the budgeted fields and the SCP limit).
 */
export function budgetFinding(finding: Finding): Finding {
  const out: Finding = { ...finding };
  for (const [field, max] of Object.entries(FIELD_BUDGETS) as Array<[keyof typeof FIELD_BUDGETS, number]>) {
    const value = out[field];
    if (typeof value === 'string') (out as unknown as Record<string, unknown>)[field] = cutField(value, max);
  }
  if (out.profile !== null && out.profile !== undefined && typeof out.profile.id === 'string' && out.profile.id.length > PROFILE_ID_BUDGET) {
    out.profile = { ...out.profile, id: cutToBudget(out.profile.id, PROFILE_ID_BUDGET) };
  }
  if (Array.isArray(out.destinations)) {
    const destinations = out.destinations.slice(0, MAX_DESTINATIONS).map((region) => cutToBudget(String(region), DESTINATION_BUDGET));
    if (destinations.length !== out.destinations.length || destinations.some((region, index) => region !== out.destinations?.[index])) {
      out.destinations = destinations;
    }
  }
  return out;
}
