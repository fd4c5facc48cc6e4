/**
 * Shapes of the identifiers a replay accepts from users (payloads, CLI flags, resume tokens).
 * @see https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 */

/**
 * An AWS Region code: `ap-northeast-1`, `us-gov-west-1`, `eu-isoe-west-1`, `mx-central-1`. Checks
 * the shape only, so Regions AWS opens later are accepted without a code change.
 */
export const REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)?-[a-z]+-\d{1,2}$/;

/** A 12-digit AWS account ID. */
export const ACCOUNT_PATTERN = /^\d{12}$/;

/** How far back CloudTrail `LookupEvents` can see: 90 days of management events. */
export const LOOKUP_EVENTS_HISTORY_DAYS = 90;

/** Whether a string has the shape of a Region code. */
export function isRegionCode(value: string): boolean {
  return REGION_PATTERN.test(value);
}
