/**
 * Stable codes and fixed facts of the domain. Codes never change meaning: they appear in logs,
 * messages, metrics and the JSON finding contract.
 */

/**
 * Verdicts, in classification precedence order (the first that matches wins).
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 */
export const VERDICTS = {
  crossRegionScp: 'cross-region-scp',
  scp: 'scp',
  crossRegionIdentity: 'cross-region-identity',
  identity: 'identity',
  permissionsBoundary: 'permissions-boundary',
  sessionPolicy: 'session-policy',
  vpcEndpointPolicy: 'vpc-endpoint-policy',
  resourceControlPolicy: 'resource-control-policy',
  resourceBased: 'resource-based-policy',
  modelAccess: 'model-access',
  /** Bedrock's own wording for a denial met by the service role of an agent, knowledge base or job. */
  serviceRole: 'bedrock-service-role',
  unknown: 'unknown',
} as const;

/** All verdict codes in precedence order. */
export const VERDICT_ORDER = Object.values(VERDICTS);

/** CloudTrail `eventSource` of every Bedrock API call (control plane and runtime alike). */
export const BEDROCK_EVENT_SOURCE = 'bedrock.amazonaws.com';

/**
 * CloudTrail event names of Bedrock inference. The first four and `CreateModelInvocationJob` are
 * management events; the rest are data events, recorded only with data-event selectors.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/logging-using-cloudtrail.html
 */
export const INFERENCE_EVENT_NAMES = [
  'InvokeModel',
  'InvokeModelWithResponseStream',
  'Converse',
  'ConverseStream',
  'CreateModelInvocationJob',
  'StartAsyncInvoke',
  'GetAsyncInvoke',
  'InvokeModelWithBidirectionalStream',
] as const;

/** IAM actions an SCP must let through for cross-Region inference to work. */
export const INFERENCE_IAM_ACTIONS = [
  'bedrock:InvokeModel',
  'bedrock:InvokeModelWithResponseStream',
  'bedrock:CreateModelInvocationJob',
] as const;

/** The value IAM sees for `aws:RequestedRegion` when a `global.` profile routes a request. */
export const UNSPECIFIED_REGION = 'unspecified';

/** Maximum size of an SCP document, in characters. */
export const SCP_MAX_CHARACTERS = 5120;

/** Geographic prefixes of system-defined inference profiles (`amer` reported, unverified). */
export const PROFILE_SCOPES = ['us', 'eu', 'apac', 'jp', 'au', 'ca', 'us-gov', 'global', 'amer'] as const;

/** Languages the human-facing texts are written in. */
export const LANGUAGES = ['en', 'ja'] as const;
