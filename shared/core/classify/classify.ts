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

/** IAM actions of model inference: their reasons speak of models, profiles and Regions. */
const INFERENCE_ACTION = /^bedrock:(?:InvokeModel|InvokeModelWithResponseStream|InvokeModelWithBidirectionalStream|Converse|ConverseStream|CreateModelInvocationJob|StartAsyncInvoke|GetAsyncInvoke)$/;

/** Role names Bedrock's console gives the service roles it assumes (agents, knowledge bases, jobs). */
const BEDROCK_SERVICE_ROLE = /:assumed-role\/(?:AmazonBedrockExecutionRole|AmazonSageMakerBedrock|service-role\/AmazonBedrock)|\/BedrockAgents?-|\/BedrockAgentRetrieveSession-/;

function isInferenceAction(action: string | null): boolean {
  return action === null || INFERENCE_ACTION.test(action);
}

function describeProfile(finding: Finding): string | null {
  if (finding.profile !== null) return `profile ${finding.profile.id}`;
  if (finding.modelId !== null) return `model ${finding.modelId}`;
  return finding.foundationModel === null ? null : `model ${finding.foundationModel}`;
}

/** The denied resource in words: `knowledge base KB1`, `role my-role`, or the ARN itself. */
function describeResource(resource: string | null): string | null {
  if (resource === null) return null;
  const arn = parseArn(resource);
  if (arn === null) return resource;
  const [type = '', ...rest] = arn.resource.split('/');
  const name = rest.join('/');
  if (name === '') return resource;
  const words: Readonly<Record<string, string>> = {
    'knowledge-base': 'knowledge base',
    agent: 'agent',
    'agent-alias': 'agent alias',
    role: 'role',
    'foundation-model': 'model',
    'inference-profile': 'profile',
    'application-inference-profile': 'application inference profile',
    'model-invocation-job': 'batch inference job',
    'custom-model': 'custom model',
    'provisioned-model': 'provisioned model',
    guardrail: 'guardrail',
    flow: 'flow',
    prompt: 'prompt',
  };
  const word = words[type];
  return word === undefined ? resource : `${word} ${name}`;
}

function describeDestinations(finding: Finding): string {
  if (finding.destinations === null) return '';
  if (finding.deniedRegion === UNSPECIFIED_REGION) {
    return `; it can route to any of ${finding.destinations.length} commercial Regions, which IAM sees as "unspecified", and that value must be allowed for this profile`;
  }
  const approximate = finding.destinationsSource === 'geography' ? ' (approximate: geography-wide)' : '';
  return `; it routes to ${finding.destinations.length} Regions${approximate}, and every one must be allowed`;
}

const MODEL_ACCESS_REASON: Readonly<Record<string, string>> = {
  'model-not-enabled': 'Bedrock refused the call because model access for this model is not granted in the account (or not in this Region).',
  'account-not-authorized': 'Bedrock refused the call because the account is not authorized to use this Bedrock operation in this Region (model access, or an account-level restriction that needs AWS Support).',
  marketplace: 'Bedrock refused the call because the caller lacks the AWS Marketplace permissions that model access needs.',
  'payment-instrument': 'Bedrock refused the call because the account has no valid payment method for the AWS Marketplace subscription the model needs.',
};

const SERVICE_ROLE_REASON: Readonly<Record<string, string>> = {
  'request-permissions':
    'Bedrock refused the call in its own words ("Access denied when calling Bedrock"): the service role Bedrock uses for the agent, knowledge base or job lacks a permission it needs (usually bedrock:InvokeModel or bedrock:InvokeModelWithResponseStream on its model or inference profile), or model access is not granted. Check that role before the caller\'s own policies.',
  'agent-inference-profile':
    'Bedrock could not use the inference profile for the agent: the agent\'s service role must be allowed to use the profile (bedrock:InvokeModel, bedrock:InvokeModelWithResponseStream and bedrock:GetInferenceProfile on the profile ARN) and the foundation model in every destination Region.',
};

/** The sentence for a denial of an action that is not model inference, fitted to the action. */
function nonInferenceSentence(parsed: Extract<ParsedDenialMessage, { kind: 'authorization' }>, finding: Finding): string {
  const action = parsed.action;
  const target = describeResource(parsed.resource);
  const on = target === null ? '' : ` on ${target}`;
  const type = parsed.policyType ?? '';
  let sentence = parsed.explicit ? `An explicit deny in ${article(type)} ${type} blocked ${action}${on}.` : `No ${type} allows ${action}${on}.`;
  if (action === 'iam:PassRole') {
    sentence += ' Creating a Bedrock agent, knowledge base, batch job or model customization passes a service role to Bedrock, and the caller must be allowed iam:PassRole on that role (with iam:PassedToService bedrock.amazonaws.com).';
  } else if (/^bedrock:(?:List|Get)/.test(action)) {
    sentence += ' This is a read-only Bedrock call (tools and consoles make it before any inference), not model invocation; allow it on its own.';
  } else if (/^bedrock:(?:Retrieve|RetrieveAndGenerate)$/.test(action)) {
    sentence += ' The knowledge base must be allowed for whoever queries it; when an agent queries it, that is the agent\'s service role.';
  }
  if (finding.principalArn !== null && BEDROCK_SERVICE_ROLE.test(finding.principalArn)) {
    sentence += ' The caller is a service role Bedrock assumes for an agent or knowledge base: change that role\'s policies.';
  }
  return sentence;
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
    return { verdict: VERDICTS.modelAccess, reason: MODEL_ACCESS_REASON[parsed.detail] ?? MODEL_ACCESS_REASON['model-not-enabled'] ?? '' };
  }
  if (parsed.kind === 'service-role') {
    return { verdict: VERDICTS.serviceRole, reason: SERVICE_ROLE_REASON[parsed.detail] ?? SERVICE_ROLE_REASON['request-permissions'] ?? '' };
  }
  if (parsed.policyType === null) {
    const target = describeResource(parsed.resource);
    return {
      verdict: VERDICTS.unknown,
      reason: `IAM denied ${parsed.action}${target === null ? '' : ` on ${target}`}, but the message names no policy type (a short form, or a copy cut before it), so the denying policy cannot be told.`,
    };
  }
  const base = verdictOfPolicyType(parsed.policyType.toLowerCase());
  if (base === VERDICTS.unknown) {
    return { verdict: base, reason: 'The message names a policy type the auditor does not know, so no fix can be suggested.' };
  }
  if (!isInferenceAction(finding.action)) return { verdict: base, reason: nonInferenceSentence(parsed, finding) };
  const region = finding.deniedRegion ?? inferenceRegion;
  const crossRegion =
    region !== null && finding.sourceRegion !== null && (region === UNSPECIFIED_REGION || region !== finding.sourceRegion);
  const where = region === UNSPECIFIED_REGION ? 'Region-less (global profile, aws:RequestedRegion "unspecified")' : `in ${region}`;
  const what = describeProfile(finding);
  const action = finding.action ?? 'the call';
  if (base === VERDICTS.scp && crossRegion) {
    const origin =
      finding.profile === null
        ? `, a Region other than the source Region ${finding.sourceRegion}${what === null ? '' : ` where ${what} was called`}; the request names no inference profile, so its other destinations are unknown`
        : `, a destination of ${what} called from ${finding.sourceRegion}${describeDestinations(finding)}`;
    return { verdict: VERDICTS.crossRegionScp, reason: `A service control policy denied ${action} ${where}${origin}.` };
  }
  if (base === VERDICTS.identity && crossRegion) {
    const origin = finding.profile === null ? `, a Region other than the source Region ${finding.sourceRegion}` : `, a destination of ${what} called from ${finding.sourceRegion}`;
    return {
      verdict: VERDICTS.crossRegionIdentity,
      reason: `No identity-based policy lets the caller reach the foundation model ${where}${origin}.`,
    };
  }
  // Without a resource the message cannot tell the denied Region: say so, without guessing a cause.
  const regionUnknown =
    base === VERDICTS.scp && finding.deniedResource === null && region === null && finding.profile !== null && finding.profile.scope !== 'application'
      ? ` The message names no resource, so the Region where it was denied cannot be read from it; ${what} routes across Regions, so a Region deny that does not allow every destination is one possible cause, a model allow-list another.`
      : '';
  const scope = `${action}${region === null ? '' : ` ${where}`}${what === null ? '' : ` for ${what}`}`;
  const sentence = parsed.explicit
    ? `An explicit deny in ${article(parsed.policyType)} ${parsed.policyType} blocked ${scope}.`
    : `No ${parsed.policyType} allows ${scope}.`;
  return { verdict: base, reason: `${sentence}${regionUnknown}` };
}

/**
 * The role behind a role session, path included (`sessionContext.sessionIssuer.arn`): what IAM
 * evaluates as `aws:PrincipalArn`. Identity Center roles live under `/aws-reserved/sso.amazonaws.com/`.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
function roleArnOf(identity: Record<string, unknown>): string | null {
  const context = isRecord(identity.sessionContext) ? identity.sessionContext : {};
  const issuer = isRecord(context.sessionIssuer) ? context.sessionIssuer : {};
  const arn = text(issuer.arn);
  return arn !== null && /^arn:[a-z-]+:iam::\d{12}:role\//.test(arn) ? arn : null;
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
    principalRoleArn: roleArnOf(identity),
    principalType: text(identity.type),
  };
  const decision = decide(parsed, finding, text(additional.inferenceRegion));
  finding.deniedRegion ??= decision.verdict === VERDICTS.crossRegionScp || decision.verdict === VERDICTS.crossRegionIdentity ? text(additional.inferenceRegion) : null;
  finding.verdict = decision.verdict;
  finding.reason = decision.reason;
  return finding;
}
