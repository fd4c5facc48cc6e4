/**
 * Parser of the access-denied message grammar IAM writes into CloudTrail `errorMessage`:
 *
 *   User: <principal> is not authorized to perform: <action>[ on resource: <arn>]
 *     ( with an explicit deny in (a|an) <policy type>[ transitively through a <policy type>][: <policy arn>]
 *     | because no <policy type> allows the <action> action )[. <trailing sentences>]
 *
 * and of the Bedrock model-access messages, which follow no grammar. The trailing sentences are
 * whatever AWS appends after the denying policy: since 2026 IAM's Access Troubleshooter (preview)
 * writes `. Go to <console link> for complete details, or call the GetRequestAuthorizationDetails
 * API with the following authorization id: <ID>`; later additions are tolerated and ignored.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied-authorization-id.html
 */
import { isCompletePolicyArn } from './arn.js';
import { completePolicyType, findAuthorizationSentence, findBedrockDenialPhrase } from './denial-text.js';

/** Why Bedrock refused a call in its own words (model access, account, Marketplace, payment). */
export type ModelAccessDetail = 'model-not-enabled' | 'account-not-authorized' | 'marketplace' | 'payment-instrument';
/** Bedrock's wordings for a denial met by the service role of an agent, knowledge base or job. */
export type ServiceRoleDetail = 'request-permissions' | 'agent-inference-profile';

/** What an access-denied message says. */
export type ParsedDenialMessage =
  | {
      kind: 'authorization';
      principal: string;
      action: string;
      resource: string | null;
      /** Policy type as worded (`service control policy`, `VPC endpoint policy`, …); null when the message names none. */
      policyType: string | null;
      explicit: boolean;
      /** The second policy type of "transitively through a …", when present. */
      transitivePolicyType: string | null;
      /** The denying policy ARN when the message carries a complete one. */
      policyArn: string | null;
      /** True when the message carried a policy ARN that was cut off. */
      policyArnTruncated: boolean;
      /** Access Troubleshooter authorization ID (for `GetRequestAuthorizationDetails`), when present. */
      authorizationId: string | null;
      /** The console link to the authorization details, when present, complete and on an AWS console host. */
      authorizationDetailsUrl: string | null;
    }
  | { kind: 'model-access'; detail: ModelAccessDetail }
  | { kind: 'service-role'; detail: ServiceRoleDetail }
  | { kind: 'unreadable' };

const SDK_PREFIX = /^An error occurred \([^)]*\) when calling the [A-Za-z]+ operation: /;

// The common case: the clause ends the text (one expression, no backtracking into a policy ARN).
const AUTHORIZATION =
  /^User: (\S+) is not authorized to perform: ([A-Za-z0-9-]+:[A-Za-z0-9*]+)(?: on resource: (\S+))?(?: with an explicit deny in an? ([A-Za-z -]+?)(?: transitively through an? ([A-Za-z -]+?))?(?:: (\S*))?| because no ([A-Za-z -]+?) allows the \S+ action)[.\s]*$/;

// The clause followed by a period and trailing sentences (Access Troubleshooter, later additions).
// The policy ARN is matched lazily so that the period ending its sentence is not taken into it.
const AUTHORIZATION_TRAILING =
  /^User: (\S+) is not authorized to perform: ([A-Za-z0-9-]+:[A-Za-z0-9*]+)(?: on resource: (\S+))?(?: with an explicit deny in an? ([A-Za-z -]+?)(?: transitively through an? ([A-Za-z -]+?))?(?:: (\S*?))?| because no ([A-Za-z -]+?) allows the \S+ action)\.\s+(\S[\s\S]*)$/;

/** Bedrock's wordings as CloudTrail records them (message alone): read without the full search. */
const MODEL_ACCESS: ReadonlyArray<[RegExp, ModelAccessDetail]> = [
  [/^You don[’']t have access to the model with the specified model ID/i, 'model-not-enabled'],
  [/^Your account is not authorized to invoke this API operation/i, 'account-not-authorized'],
  [/^Model access is denied due to .*AWS Marketplace/i, 'marketplace'],
];

/** Cheap test for Bedrock's own wordings before the full search (most unreadable texts have none). */
const BEDROCK_WORDING_HINT = /access|authorized/i;

/** `… authorization id: <ID>`; the API documents the ID as `[0-9a-z]+` (its own example is mixed case). */
const AUTHORIZATION_ID = /\bauthorization id: ([A-Za-z0-9]+)(?![A-Za-z0-9])/i;
/** The console link, only on an AWS console host (the text may come from anyone: never link elsewhere). */
const DETAILS_URL =
  /\bGo to\s+(https:\/\/(?:[a-z0-9-]+\.)?console\.(?:aws\.amazon\.com|amazonaws-us-gov\.com|amazonaws\.cn)\/iam\/home(?:\?region=[a-z0-9-]+)?#\/authorization-details\/([A-Za-z0-9]+))\s+for complete details/;

/** The Access Troubleshooter references in the sentences after the clause. */
function authorizationReferences(trailing: string | undefined): { authorizationId: string | null; authorizationDetailsUrl: string | null } {
  if (trailing === undefined) return { authorizationId: null, authorizationDetailsUrl: null };
  const url = DETAILS_URL.exec(trailing);
  const linked = url?.[2] ?? null;
  let id = AUTHORIZATION_ID.exec(trailing)?.[1] ?? linked;
  // A copy cut short inside the final ID leaves a prefix of the ID the (complete) link carries.
  if (id !== null && linked !== null && linked.length > id.length && linked.startsWith(id)) id = linked;
  // A link whose ID differs from the stated one is not shown: one of the two is wrong.
  return { authorizationId: id, authorizationDetailsUrl: url !== null && linked === id ? (url[1] ?? null) : null };
}


const NO_REFERENCES = { authorizationId: null, authorizationDetailsUrl: null } as const;

function authorizationOf(fields: {
  principal: string;
  action: string;
  resource: string | null;
  policyType: string | null;
  explicit: boolean;
  transitivePolicyType: string | null;
  arnText: string | null;
  trailing: string | undefined;
}): ParsedDenialMessage {
  const rawArn = fields.arnText === null || fields.arnText === '' ? null : fields.arnText.replace(/[.,;]+$/, '');
  const complete = rawArn !== null && isCompletePolicyArn(rawArn);
  const references = fields.trailing === undefined ? NO_REFERENCES : authorizationReferences(fields.trailing);
  return {
    kind: 'authorization',
    principal: fields.principal,
    action: fields.action,
    resource: fields.resource,
    policyType: fields.policyType === null ? null : completePolicyType(fields.policyType),
    explicit: fields.explicit,
    transitivePolicyType: fields.transitivePolicyType,
    policyArn: complete ? rawArn : null,
    policyArnTruncated: rawArn !== null && !complete,
    authorizationId: references.authorizationId,
    authorizationDetailsUrl: references.authorizationDetailsUrl,
  };
}

/**
 * Reads an access-denied message; never throws, whatever the input. A CloudTrail `errorMessage` is
 * read by one expression (the hot path); any other text (a pasted SDK error, a JSON log line, a
 * re-wrapped or cut-off copy) is searched for the IAM sentence, then for Bedrock's own wordings.
 */
export function parseDenialMessage(message: unknown): ParsedDenialMessage {
  if (typeof message !== 'string' || message.length === 0) return { kind: 'unreadable' };
  const trimmed = message.trim();
  const text = trimmed.startsWith('An error occurred (') ? trimmed.replace(SDK_PREFIX, '') : trimmed;
  const match = AUTHORIZATION.exec(text) ?? (text.includes('. ') ? AUTHORIZATION_TRAILING.exec(text) : null);
  if (match !== null) {
    const [, principal = '', action = '', resource, explicitType, transitive, arnText, implicitType, trailing] = match;
    return authorizationOf({
      principal,
      action,
      resource: resource ?? null,
      policyType: explicitType ?? implicitType ?? '',
      explicit: explicitType !== undefined,
      transitivePolicyType: transitive ?? null,
      arnText: arnText ?? null,
      trailing,
    });
  }
  for (const [pattern, detail] of MODEL_ACCESS) {
    if (pattern.test(text)) return { kind: 'model-access', detail };
  }
  const sentence = message.includes('authorized') ? findAuthorizationSentence(message) : null;
  if (sentence !== null) {
    return authorizationOf({
      principal: sentence.principal,
      action: sentence.action,
      resource: sentence.resource,
      policyType: sentence.policyType,
      explicit: sentence.explicit,
      transitivePolicyType: sentence.transitivePolicyType,
      arnText: sentence.policyArnText,
      trailing: sentence.trailing ?? undefined,
    });
  }
  const phrase = BEDROCK_WORDING_HINT.test(message) ? findBedrockDenialPhrase(message) : null;
  if (phrase === null) return { kind: 'unreadable' };
  return phrase.kind === 'model-access' ? { kind: 'model-access', detail: phrase.detail } : { kind: 'service-role', detail: phrase.detail };
}
