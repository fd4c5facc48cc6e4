/**
 * Parser of the access-denied message grammar IAM writes into CloudTrail `errorMessage`:
 *
 *   User: <principal> is not authorized to perform: <action>[ on resource: <arn>]
 *     ( with an explicit deny in (a|an) <policy type>[ transitively through a <policy type>][: <policy arn>]
 *     | because no <policy type> allows the <action> action )
 *
 * and of the Bedrock model-access messages, which follow no grammar.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 */
import { isCompletePolicyArn } from './arn.js';

/** What an access-denied message says. */
export type ParsedDenialMessage =
  | {
      kind: 'authorization';
      principal: string;
      action: string;
      resource: string | null;
      /** Policy type as worded (`service control policy`, `VPC endpoint policy`, …). */
      policyType: string;
      explicit: boolean;
      /** The second policy type of "transitively through a …", when present. */
      transitivePolicyType: string | null;
      /** The denying policy ARN when the message carries a complete one. */
      policyArn: string | null;
      /** True when the message carried a policy ARN that was cut off. */
      policyArnTruncated: boolean;
    }
  | { kind: 'model-access'; detail: 'model-not-enabled' | 'account-not-authorized' | 'marketplace' }
  | { kind: 'unreadable' };

const SDK_PREFIX = /^An error occurred \([^)]*\) when calling the [A-Za-z]+ operation: /;

const AUTHORIZATION =
  /^User: (\S+) is not authorized to perform: ([A-Za-z0-9-]+:[A-Za-z0-9*]+)(?: on resource: (\S+))?(?: with an explicit deny in an? ([A-Za-z -]+?)(?: transitively through an? ([A-Za-z -]+?))?(?:: (\S*))?| because no ([A-Za-z -]+?) allows the \S+ action)[.\s]*$/;

const MODEL_ACCESS: ReadonlyArray<[RegExp, 'model-not-enabled' | 'account-not-authorized' | 'marketplace']> = [
  [/^You don[’']t have access to the model with the specified model ID/i, 'model-not-enabled'],
  [/^Your account is not authorized to invoke this API operation/i, 'account-not-authorized'],
  [/^Model access is denied due to .*AWS Marketplace/i, 'marketplace'],
];

/** Reads an access-denied message; never throws, whatever the input. */
export function parseDenialMessage(message: unknown): ParsedDenialMessage {
  if (typeof message !== 'string' || message.length === 0) return { kind: 'unreadable' };
  const trimmed = message.trim();
  const text = trimmed.startsWith('An error occurred (') ? trimmed.replace(SDK_PREFIX, '') : trimmed;
  const match = AUTHORIZATION.exec(text);
  if (match !== null) {
    const [, principal = '', action = '', resource, explicitType, transitive, arnText, implicitType] = match;
    const rawArn = arnText === undefined || arnText === '' ? null : arnText.replace(/[.,;]+$/, '');
    const complete = rawArn !== null && isCompletePolicyArn(rawArn);
    return {
      kind: 'authorization',
      principal,
      action,
      resource: resource ?? null,
      policyType: explicitType ?? implicitType ?? '',
      explicit: explicitType !== undefined,
      transitivePolicyType: transitive ?? null,
      policyArn: complete ? rawArn : null,
      policyArnTruncated: rawArn !== null && !complete,
    };
  }
  for (const [pattern, detail] of MODEL_ACCESS) {
    if (pattern.test(text)) return { kind: 'model-access', detail };
  }
  return { kind: 'unreadable' };
}
