/**
 * ARN parsing.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 */

/** The segments of an ARN. `region` and `account` are empty strings when the ARN has none. */
export interface Arn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

const ARN_PATTERN = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):([a-z0-9-]*):(.+)$/;

/** Splits an ARN into its segments; null when the text is not an ARN. */
export function parseArn(text: string): Arn | null {
  const match = ARN_PATTERN.exec(text);
  if (match === null) return null;
  const [, partition = '', service = '', region = '', account = '', resource = ''] = match;
  return { partition, service, region, account, resource };
}

const ORGANIZATIONS_POLICY_PATTERN =
  /^arn:aws[a-z-]*:organizations::(\d{12}|aws):policy\/(o-[a-z0-9]{10,32}\/)?[a-z_]+\/p-[A-Za-z0-9_]{8,128}$/;

/**
 * Whether a policy ARN named in an error message is complete. Log pipelines truncate long
 * messages; a cut-off Organizations policy ARN must not be shown as if it were real.
 */
export function isCompletePolicyArn(text: string): boolean {
  // The common case first, with one expression instead of two.
  if (text.startsWith('arn:aws:organizations::') || text.startsWith('arn:aws-us-gov:organizations::')) {
    return ORGANIZATIONS_POLICY_PATTERN.test(text);
  }
  const arn = parseArn(text);
  if (arn === null) return false;
  if (arn.service === 'organizations') return ORGANIZATIONS_POLICY_PATTERN.test(text);
  if (arn.service === 'iam') return /^policy\/[\w+=,.@/-]+$/.test(arn.resource) && !arn.resource.endsWith('/');
  return true;
}
