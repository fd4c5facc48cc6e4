/**
 * The cache key of a fix: two findings with the same key get the same {@link suggestFix} result (for
 * the same options), so a reader of thousands of denials computes each distinct fix once.
 *
 * Only the cross-Region fixes (a cross-Region SCP or identity denial through a known profile: nearly
 * every finding of an organization trail, and the costly ones, verified by evaluation) are keyed;
 * any other fix may name the event itself and is computed for each finding (the key is null). A
 * cross-Region fix reads exactly the finding fields in {@link FIX_INPUTS} (a test records the
 * engine's reads and fails on one missing here), each keyed as the engine uses it:
 * - `principalArn`, when the role behind a session is known (`principalRoleArn`): the engine takes
 *   the role for the principal and only the partition, account and `assumed-role` form from the
 *   session ARN, so the session name is left out: a session per call (the usual case) no longer
 *   makes every fix distinct;
 * - `errorMessage`: only whether it states an explicit deny in an identity-based policy.
 */
import { VERDICTS } from '../constants.js';
import type { Finding } from '../types.js';
import { explicitIdentityDeny } from './suggest-fix.js';

/** The finding fields a cross-Region fix reads. */
export const FIX_INPUTS = [
  'verdict',
  'accountId',
  'principalArn',
  'principalRoleArn',
  'principalType',
  'sourceRegion',
  'action',
  'eventName',
  'modelId',
  'profile',
  'foundationModel',
  'deniedResource',
  'deniedRegion',
  'policyType',
  'policyArn',
  'destinations',
  'destinationsSource',
  'errorMessage',
] as const satisfies ReadonlyArray<keyof Finding>;

/** `arn:…:sts::ACCOUNT:assumed-role/ROLE/SESSION` without its SESSION. */
const SESSION = /^(arn:[a-z-]+:sts::\d{12}:assumed-role\/[^/]+\/).+$/;

/** Whether {@link suggestFix} takes the cross-Region path for `finding`. */
export function isCrossRegionFix(finding: Finding): boolean {
  return (finding.verdict === VERDICTS.crossRegionScp || finding.verdict === VERDICTS.crossRegionIdentity) && finding.profile !== null;
}

/** See the module comment; null: do not cache this finding's fix. */
export function fixCacheKey(finding: Finding): string | null {
  if (!isCrossRegionFix(finding)) return null;
  return JSON.stringify(
    FIX_INPUTS.map((field) => {
      if (field === 'errorMessage') return explicitIdentityDeny(finding);
      if (field === 'principalArn' && typeof finding.principalRoleArn === 'string' && finding.principalArn !== null) return finding.principalArn.replace(SESSION, '$1');
      return finding[field] ?? null;
    }),
  );
}
