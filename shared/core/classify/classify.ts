/**
 * The classifier: turns one CloudTrail record into a {@link Finding} that says who was denied
 * what, where, by which policy, and whether a region-deny SCP broke cross-Region inference.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 */
import { parseDenialMessage, type ParsedDenialMessage } from './access-denied-message.js';
import { parseArn } from './arn.js';
import { BEDROCK_EVENT_SOURCE, UNSPECIFIED_REGION, VERDICTS } from '../constants.js';
import { parseModelId } from './model-id.js';
import type { ProfileCatalog } from './profile-catalog.js';
import type { Finding, Verdict } from '../types.js';

/** What the classifier needs from outside. */
export interface ClassifyDependencies {
  catalog: ProfileCatalog;
}

/** IAM action checked for each Bedrock API, when the message does not name it. */
const ACTION_OF_EVENT: Readonly<Record<string, string>> = {
  Converse: 'bedrock:InvokeModel',
  ConverseStream: 'bedrock:InvokeModelWithResponseStream',
};

/** Policy types as IAM words them, mapped to their verdict (the SCP and identity ones are refined). */
const VERDICT_OF_POLICY_TYPE: ReadonlyArray<[string, Verdict]> = [
  ['service control polic', VERDICTS.scp],
  ['resource control polic', VERDICTS.resourceControlPolicy],
  ['identity-based polic', VERDICTS.identity],
  ['permissions boundar', VERDICTS.permissionsBoundary],
  ['session polic', VERDICTS.sessionPolicy],
  ['sessions polic', VERDICTS.sessionPolicy],
  ['vpc endpoint polic', VERDICTS.vpcEndpointPolicy],
  ['resource-based polic', VERDICTS.resourceBased],
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/** Whether a record is a denied Bedrock call (the only records that yield a finding). */
export function isBedrockDenial(record: unknown): boolean {
  if (!isRecord(record)) return false;
  const errorCode = record.errorCode;
  return (
    record.eventSource === BEDROCK_EVENT_SOURCE && typeof errorCode === 'string' && errorCode.startsWith('AccessDenied')
  );
}

function verdictOfPolicyType(policyType: string): Verdict {
  for (const [prefix, verdict] of VERDICT_OF_POLICY_TYPE) {
    if (policyType.startsWith(prefix)) return verdict;
  }
  return VERDICTS.unknown;
}

/** Region of a denied Bedrock resource: its ARN Region, `unspecified` when Region-less. */
function deniedRegionOf(resource: string | null): { region: string | null; bedrock: boolean } {
  // Hot path: reading the service and Region segments by position is several times cheaper than
  // the full ARN grammar (arn:partition:service:region:account:resource).
  if (resource === null || !resource.startsWith('arn:')) return { region: null, bedrock: false };
  const afterPartition = resource.indexOf(':', 4);
  const afterService = afterPartition < 0 ? -1 : resource.indexOf(':', afterPartition + 1);
  const afterRegion = afterService < 0 ? -1 : resource.indexOf(':', afterService + 1);
  if (afterRegion < 0 || resource.indexOf(':', afterRegion + 1) < 0) return { region: null, bedrock: false };
  const region = resource.slice(afterService + 1, afterRegion);
  return {
    region: region === '' ? UNSPECIFIED_REGION : region,
    bedrock: resource.slice(afterPartition + 1, afterService) === 'bedrock',
  };
}

function foundationModelOf(resource: string | null): string | null {
  if (resource === null) return null;
  const marker = resource.indexOf(':foundation-model/');
  return marker < 0 ? null : resource.slice(marker + ':foundation-model/'.length) || null;
}

interface Decision {
  verdict: Verdict;
  reason: string;
}

function article(noun: string): string {
  return /^[aeiou]/i.test(noun) ? 'an' : 'a';
}

function describeProfile(finding: Finding): string {
  if (finding.profile === null) return finding.modelId === null ? 'an unnamed model' : `model ${finding.modelId}`;
  return `profile ${finding.profile.id}`;
}

function describeDestinations(finding: Finding): string {
  if (finding.destinations === null) return '';
  if (finding.deniedRegion === UNSPECIFIED_REGION) {
    return `; it can route to any of ${finding.destinations.length} commercial Regions, which IAM sees as "unspecified", and that value must be allowed for this profile`;
  }
  const approximate = finding.destinationsSource === 'geography' ? ' (approximate: geography-wide)' : '';
  return `; it routes to ${finding.destinations.length} Regions${approximate}, and every one must be allowed`;
}

function decide(parsed: ParsedDenialMessage, finding: Finding, inferenceRegion: string | null): Decision {
  if (parsed.kind === 'unreadable') {
    return {
      verdict: VERDICTS.unknown,
      reason:
        finding.errorMessage === null
          ? 'The record has no error message, so the denying policy cannot be told.'
          : 'The error message does not follow the IAM access-denied grammar, so the denying policy cannot be told.',
    };
  }
  if (parsed.kind === 'model-access') {
    const why = {
      'model-not-enabled': 'model access for this model is not granted in the account',
      'account-not-authorized': 'the account is not authorized to invoke this Bedrock operation',
      marketplace: 'the caller lacks the AWS Marketplace permissions that model access needs',
    }[parsed.detail];
    return { verdict: VERDICTS.modelAccess, reason: `Bedrock refused the call because ${why}.` };
  }
  const base = verdictOfPolicyType(parsed.policyType.toLowerCase());
  const region = finding.deniedRegion ?? inferenceRegion;
  const crossRegion =
    region !== null && finding.sourceRegion !== null && (region === UNSPECIFIED_REGION || region !== finding.sourceRegion);
  const where = region === UNSPECIFIED_REGION ? 'Region-less (global profile, aws:RequestedRegion "unspecified")' : `in ${region}`;
  const what = describeProfile(finding);
  if (base === VERDICTS.scp && crossRegion) {
    return {
      verdict: VERDICTS.crossRegionScp,
      reason: `A service control policy denied ${finding.action ?? 'the call'} ${where}, a destination of ${what} called from ${finding.sourceRegion}${describeDestinations(finding)}.`,
    };
  }
  if (base === VERDICTS.identity && crossRegion) {
    return {
      verdict: VERDICTS.crossRegionIdentity,
      reason: `No identity-based policy lets the caller reach the foundation model ${where}, a destination of ${what} called from ${finding.sourceRegion}.`,
    };
  }
  if (base === VERDICTS.unknown) {
    return { verdict: base, reason: 'The message names a policy type the auditor does not know, so no fix can be suggested.' };
  }
  const likely =
    base === VERDICTS.scp && finding.deniedResource === null && finding.profile !== null
      ? ` The message names no resource, so the denied Region is unknown; ${what} is cross-Region, which makes a region deny likely.`
      : '';
  const scope = `${finding.action ?? 'the call'}${region === null ? '' : ` ${where}`} for ${what}`;
  const sentence = parsed.explicit
    ? `An explicit deny in ${article(parsed.policyType)} ${parsed.policyType} blocked ${scope}.`
    : `No ${parsed.policyType} allows ${scope}.`;
  return { verdict: base, reason: `${sentence}${likely}` };
}

/**
 * Classifies one CloudTrail record. Returns null when the record is not a denied Bedrock call;
 * otherwise always a finding (verdict `unknown` when the record cannot be read). Never throws.
 */
export function classifyRecord(record: unknown, dependencies: ClassifyDependencies): Finding | null {
  if (!isBedrockDenial(record)) return null;
  const entry = record as Record<string, unknown>;
  const identity = isRecord(entry.userIdentity) ? entry.userIdentity : {};
  const request = isRecord(entry.requestParameters) ? entry.requestParameters : {};
  const additional = isRecord(entry.additionalEventData) ? entry.additionalEventData : {};
  const errorMessage = text(entry.errorMessage);
  const parsed = parseDenialMessage(errorMessage);
  const authorization = parsed.kind === 'authorization' ? parsed : null;

  const modelId = text(request.modelId);
  const target = parseModelId(modelId);
  const sourceRegion = text(entry.awsRegion);
  const eventName = text(entry.eventName);
  const deniedResource = authorization?.resource ?? null;
  const denied = deniedRegionOf(deniedResource);
  const principalArn = text(identity.arn) ?? authorization?.principal ?? null;
  const destinations =
    target.profile !== null && target.profile.scope !== 'application' && sourceRegion !== null
      ? dependencies.catalog.destinations(target.profile.id, sourceRegion)
      : null;

  const finding: Finding = {
    eventId: text(entry.eventID),
    eventTime: text(entry.eventTime),
    eventName,
    accountId:
      text(entry.recipientAccountId) ?? text(identity.accountId) ?? (principalArn === null ? null : parseArn(principalArn)?.account || null),
    principalArn,
    sourceRegion,
    action: authorization?.action ?? (eventName === null ? null : (ACTION_OF_EVENT[eventName] ?? `bedrock:${eventName}`)),
    modelId,
    profile: target.profile,
    foundationModel: foundationModelOf(deniedResource) ?? target.foundationModel,
    deniedResource,
    deniedRegion: denied.bedrock ? denied.region : null,
    policyType: authorization?.policyType ?? null,
    policyArn: authorization?.policyArn ?? null,
    authorizationId: authorization?.authorizationId ?? null,
    authorizationDetailsUrl: authorization?.authorizationDetailsUrl ?? null,
    destinations: destinations?.regions ?? null,
    destinationsSource: destinations?.source ?? null,
    verdict: VERDICTS.unknown,
    reason: '',
    userAgent: text(entry.userAgent),
    sourceIpAddress: text(entry.sourceIPAddress),
    errorCode: text(entry.errorCode),
    errorMessage,
  };
  const decision = decide(parsed, finding, text(additional.inferenceRegion));
  finding.deniedRegion ??= decision.verdict === VERDICTS.crossRegionScp || decision.verdict === VERDICTS.crossRegionIdentity ? text(additional.inferenceRegion) : null;
  finding.verdict = decision.verdict;
  finding.reason = decision.reason;
  return finding;
}
