/**
 * Writes the sample events in events/ from one table of cases, so every input shape carries the
 * same realistic, redacted records. Run after changing a case: `node --import tsx scripts/make-samples.ts`.
 * Account IDs are AWS's documentation placeholders; session names and IPs are invented.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const ACCOUNT = '111122223333';
const ORG_POLICY = 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1';
const ROLE = `arn:aws:sts::${ACCOUNT}:assumed-role/app-chatbot-role/i-0abc12345def67890`;

interface Case {
  name: string;
  eventName: string;
  region: string;
  modelId?: string;
  errorCode?: string;
  errorMessage?: string;
  principal?: string;
  partition?: string;
  account?: string;
  additionalEventData?: Record<string, unknown>;
  userAgent?: string;
}

const scpDeny = (action: string, resource: string | null, suffix = `: ${ORG_POLICY}`, principal = ROLE): string =>
  `User: ${principal} is not authorized to perform: ${action}${resource === null ? '' : ` on resource: ${resource}`} with an explicit deny in a service control policy${suffix}`;

const CASES: Case[] = [
  {
    name: 'cross-region-scp-apac-converse',
    eventName: 'Converse',
    region: 'ap-northeast-1',
    modelId: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0',
    errorMessage: scpDeny('bedrock:InvokeModel', 'arn:aws:bedrock:ap-southeast-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0'),
  },
  {
    name: 'cross-region-scp-global-legacy-message',
    eventName: 'InvokeModel',
    region: 'ap-northeast-1',
    modelId: 'global.anthropic.claude-opus-4-5-20251101-v1:0',
    errorMessage: scpDeny('bedrock:InvokeModel', 'arn:aws:bedrock:::foundation-model/anthropic.claude-opus-4-5-20251101-v1:0', ''),
  },
  {
    name: 'cross-region-scp-us-profile-arn-truncated-policy',
    eventName: 'InvokeModelWithResponseStream',
    region: 'us-east-1',
    modelId: `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0`,
    errorMessage: scpDeny(
      'bedrock:InvokeModelWithResponseStream',
      'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0',
      ': arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_contr',
    ),
  },
  {
    name: 'cross-region-scp-jp-converse-stream',
    eventName: 'ConverseStream',
    region: 'ap-northeast-1',
    modelId: 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0',
    errorMessage: scpDeny('bedrock:InvokeModelWithResponseStream', 'arn:aws:bedrock:ap-northeast-3::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0'),
  },
  {
    name: 'cross-region-scp-application-profile',
    eventName: 'InvokeModel',
    region: 'us-east-1',
    modelId: `arn:aws:bedrock:us-east-1:${ACCOUNT}:application-inference-profile/a1b2c3d4e5f6`,
    errorMessage: scpDeny('bedrock:InvokeModel', 'arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-pro-v1:0'),
  },
  {
    name: 'cross-region-scp-batch-job',
    eventName: 'CreateModelInvocationJob',
    region: 'ap-northeast-1',
    modelId: 'apac.amazon.nova-pro-v1:0',
    errorMessage: scpDeny('bedrock:CreateModelInvocationJob', 'arn:aws:bedrock:ap-south-1::foundation-model/amazon.nova-pro-v1:0'),
  },
  {
    name: 'scp-same-region-model-allow-list',
    eventName: 'InvokeModel',
    region: 'ap-northeast-1',
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    errorMessage: scpDeny('bedrock:InvokeModel', 'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0'),
  },
  {
    name: 'scp-no-resource-clause',
    eventName: 'Converse',
    region: 'eu-central-1',
    modelId: 'eu.amazon.nova-lite-v1:0',
    errorMessage: scpDeny('bedrock:InvokeModel', null),
  },
  {
    name: 'cross-region-identity-implicit',
    eventName: 'Converse',
    region: 'ap-northeast-1',
    modelId: 'apac.amazon.nova-lite-v1:0',
    errorMessage: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:ap-southeast-2::foundation-model/amazon.nova-lite-v1:0 because no identity-based policy allows the bedrock:InvokeModel action`,
  },
  {
    name: 'identity-explicit-deny',
    eventName: 'InvokeModel',
    region: 'ap-northeast-1',
    modelId: 'apac.amazon.nova-micro-v1:0',
    errorMessage: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:ap-northeast-1:${ACCOUNT}:inference-profile/apac.amazon.nova-micro-v1:0 with an explicit deny in an identity-based policy: arn:aws:iam::${ACCOUNT}:policy/deny-expensive-models`,
  },
  {
    name: 'permissions-boundary',
    eventName: 'InvokeModel',
    region: 'us-east-1',
    modelId: 'amazon.nova-micro-v1:0',
    errorMessage: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0 because no permissions boundary allows the bedrock:InvokeModel action`,
  },
  {
    name: 'session-policy',
    eventName: 'Converse',
    region: 'us-east-1',
    modelId: 'amazon.nova-lite-v1:0',
    errorMessage: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0 because no session policy allows the bedrock:InvokeModel action`,
  },
  {
    name: 'vpc-endpoint-policy',
    eventName: 'InvokeModel',
    region: 'eu-west-1',
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    errorMessage: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0 with an explicit deny in a VPC endpoint policy`,
  },
  {
    name: 'resource-control-policy',
    eventName: 'InvokeModel',
    region: 'us-east-1',
    modelId: 'amazon.nova-lite-v1:0',
    errorMessage: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0 with an explicit deny in a resource control policy`,
  },
  {
    name: 'model-access-not-granted',
    eventName: 'InvokeModel',
    region: 'ap-northeast-1',
    modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
    errorCode: 'AccessDeniedException',
    errorMessage: "You don't have access to the model with the specified model ID.",
  },
  {
    name: 'model-access-marketplace',
    eventName: 'Converse',
    region: 'us-east-1',
    modelId: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
    errorMessage:
      'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model.',
  },
  {
    name: 'unknown-garbled-message',
    eventName: 'InvokeModel',
    region: 'ap-northeast-1',
    modelId: 'apac.amazon.nova-pro-v1:0',
    errorMessage: 'Access denied (request id 8f2c…) — please contact your administrator',
  },
  {
    name: 'cross-region-scp-govcloud-sdk-prefix',
    eventName: 'InvokeModel',
    region: 'us-gov-west-1',
    partition: 'aws-us-gov',
    modelId: 'us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0',
    principal: `arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/gov-analytics/batch-runner`,
    errorMessage: `An error occurred (AccessDeniedException) when calling the InvokeModel operation: ${scpDeny(
      'bedrock:InvokeModel',
      'arn:aws-us-gov:bedrock:us-gov-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
      '',
      `arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/gov-analytics/batch-runner`,
    )}`,
  },
  {
    name: 'not-a-denial-successful-cris',
    eventName: 'Converse',
    region: 'ap-northeast-1',
    modelId: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0',
    errorCode: '',
    additionalEventData: { inferenceRegion: 'ap-southeast-2' },
  },
  {
    name: 'not-a-denial-throttling',
    eventName: 'InvokeModel',
    region: 'us-east-1',
    modelId: 'us.amazon.nova-pro-v1:0',
    errorCode: 'ThrottlingException',
    errorMessage: 'Too many requests, please wait before trying again.',
  },
];

function recordOf(spec: Case, index: number): Record<string, unknown> {
  const partition = spec.partition ?? 'aws';
  const principal = spec.principal ?? ROLE;
  const roleName = /assumed-role\/([^/]+)/.exec(principal)?.[1] ?? 'role';
  const minute = String(index % 60).padStart(2, '0');
  const record: Record<string, unknown> = {
    eventVersion: '1.11',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLEID${index}:session`,
      arn: principal,
      accountId: ACCOUNT,
      accessKeyId: 'ASIAEXAMPLEKEY',
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: `AROAEXAMPLEID${index}`, arn: `arn:${partition}:iam::${ACCOUNT}:role/${roleName}`, accountId: ACCOUNT, userName: roleName },
        attributes: { creationDate: '2026-11-27T00:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: `2026-11-27T01:${minute}:${String((index * 7) % 60).padStart(2, '0')}Z`,
    eventSource: 'bedrock.amazonaws.com',
    eventName: spec.eventName,
    awsRegion: spec.region,
    sourceIPAddress: '203.0.113.25',
    userAgent: spec.userAgent ?? 'Boto3/1.35.0 md/Botocore#1.35.0 ua/2.0 os/linux#6.1 lang/python#3.12.4 cfg/retry-mode#legacy Botocore/1.35.0',
    requestParameters: spec.modelId === undefined ? null : { modelId: spec.modelId },
    responseElements: null,
    requestID: `4c3f2a1e-0000-4000-8000-${String(index).padStart(12, '0')}`,
    eventID: `9d1b7a52-0000-4000-9000-${String(index).padStart(12, '0')}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: spec.account ?? ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `bedrock-runtime.${spec.region}.amazonaws.com` },
  };
  const errorCode = spec.errorCode ?? 'AccessDenied';
  if (errorCode !== '') record.errorCode = errorCode;
  if (spec.errorMessage !== undefined) record.errorMessage = spec.errorMessage;
  if (spec.additionalEventData !== undefined) record.additionalEventData = spec.additionalEventData;
  return record;
}

function eventBridgeOf(record: Record<string, unknown>, index: number): Record<string, unknown> {
  return {
    version: '0',
    id: `6a7e8feb-0000-4000-a000-${String(index).padStart(12, '0')}`,
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.bedrock',
    account: record.recipientAccountId,
    time: record.eventTime,
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}

const write = (path: string, value: unknown): void => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
for (const dir of ['events/cloudtrail', 'events/eventbridge', 'events/s3', 'events/lookup-events', 'events/ndjson']) mkdirSync(dir, { recursive: true });

const records = CASES.map((spec, index) => recordOf(spec, index + 1));
CASES.forEach((spec, index) => {
  const record = records[index] as Record<string, unknown>;
  write(`events/cloudtrail/${spec.name}.json`, record);
  if (!spec.name.startsWith('not-a-denial')) write(`events/eventbridge/${spec.name}.json`, eventBridgeOf(record, index + 1));
});
const logFile = `${JSON.stringify({ Records: records.slice(0, 8) })}\n`;
writeFileSync(`events/s3/${ACCOUNT}_CloudTrail_ap-northeast-1_20261127T0100Z_sample.json.gz`, gzipSync(logFile));
write('events/lookup-events/lookup-events-page.json', {
  Events: records.slice(8, 14).map((record) => ({
    EventId: record.eventID,
    EventName: record.eventName,
    ReadOnly: 'true',
    EventTime: record.eventTime,
    EventSource: record.eventSource,
    Username: 'app-chatbot-role',
    Resources: [],
    CloudTrailEvent: JSON.stringify(record),
  })),
  NextToken: 'kbOt5LlZe++mErCebpy2TgaMgmDvF1kYGFcH64JSjIbZFjsuvrSqg66b5YGssKutDYIyII4lrP4=',
});
writeFileSync('events/ndjson/mixed-shapes.ndjson', `${records.slice(14).map((record, index) => JSON.stringify(index % 2 === 0 ? record : eventBridgeOf(record, 100 + index))).join('\n')}\n`);
process.stdout.write(`wrote ${CASES.length} cases\n`);
