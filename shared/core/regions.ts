/**
 * AWS Region facts the classifier and fix engine need.
 * @see https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 */

const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** Whether a string is shaped like an AWS Region code (`ap-northeast-1`, `us-gov-west-1`). */
export function isRegionCode(value: string): boolean {
  return REGION_PATTERN.test(value);
}

/**
 * Every geographic prefix of system-defined inference profiles, mapped to the partition it lives in.
 * `global` profiles route to any commercial Region and IAM sees `aws:RequestedRegion = unspecified`.
 */
export const PROFILE_SCOPE_PARTITION: Readonly<Record<string, string>> = {
  us: 'aws',
  eu: 'aws',
  apac: 'aws',
  jp: 'aws',
  au: 'aws',
  ca: 'aws',
  amer: 'aws',
  global: 'aws',
  'us-gov': 'aws-us-gov',
};
