import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * Writes CloudTrail log files exactly as an organization trail lays them out in S3:
 * `<prefix>/AWSLogs/<orgId>/<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/<account>_CloudTrail_<region>_<yyyymmddThhmmZ>_<id>.json.gz`,
 * each a gzipped `{"Records":[...]}`, with record builders for Bedrock successes, denials and errors.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
 */

/** Where the trail files go. */
export interface TrailLayout {
  bucketDir: string;
  prefix?: string;
  orgId: string;
}

let sequence = 0;
function nextId(): string {
  sequence += 1;
  return `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`;
}

/** Writes one log file of `records` delivered at `deliveredAt`; returns its path. */
export function writeTrailFile(layout: TrailLayout, input: { account: string; region: string; deliveredAt: string; records: unknown[] }): string {
  const at = new Date(input.deliveredAt);
  const iso = at.toISOString();
  const [yyyy, mm, dd] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  const dir = join(layout.bucketDir, layout.prefix ?? '', 'AWSLogs', layout.orgId, input.account, 'CloudTrail', input.region, yyyy, mm, dd);
  mkdirSync(dir, { recursive: true });
  const stamp = `${yyyy}${mm}${dd}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
  sequence += 1;
  const path = join(dir, `${input.account}_CloudTrail_${input.region}_${stamp}_${sequence.toString(36).padStart(16, '0')}.json.gz`);
  writeFileSync(path, gzipSync(JSON.stringify({ Records: input.records })));
  return path;
}

interface CallInput {
  account: string;
  region: string;
  time: string;
  modelId: string;
  eventName?: string;
  role?: string;
  id?: string;
}

function base(input: CallInput): Record<string, unknown> {
  const role = input.role ?? 'app-role';
  return {
    eventVersion: '1.11',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEID1:session',
      arn: `arn:aws:sts::${input.account}:assumed-role/${role}/session`,
      accountId: input.account,
      accessKeyId: 'ASIAEXAMPLEKEY',
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEID1', arn: `arn:aws:iam::${input.account}:role/${role}`, accountId: input.account, userName: role },
        attributes: { creationDate: '2026-11-01T00:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: input.time,
    eventSource: 'bedrock.amazonaws.com',
    eventName: input.eventName ?? 'Converse',
    awsRegion: input.region,
    sourceIPAddress: '203.0.113.25',
    userAgent: 'Boto3/1.35.0 md/Botocore#1.35.0',
    requestParameters: { modelId: input.modelId },
    responseElements: null,
    requestID: nextId(),
    eventID: input.id ?? nextId(),
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: input.account,
    eventCategory: 'Management',
  };
}

/** A successful inference call routed to `routedTo` (`additionalEventData.inferenceRegion`). */
export function bedrockSuccess(input: CallInput & { routedTo: string }): Record<string, unknown> {
  return { ...base(input), additionalEventData: { inferenceRegion: input.routedTo } };
}

/** An inference call denied in `deniedRegion` by an SCP, worded as AWS words it. */
export function bedrockDenial(input: CallInput & { deniedRegion: string; foundationModel: string; policyId?: string }): Record<string, unknown> {
  const record = base(input);
  const principal = (record.userIdentity as { arn: string }).arn;
  const policy = `arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/${input.policyId ?? 'p-examplescp1'}`;
  return {
    ...record,
    errorCode: 'AccessDenied',
    errorMessage: `User: ${principal} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:${input.deniedRegion}::foundation-model/${input.foundationModel} with an explicit deny in a service control policy: ${policy}`,
  };
}

/** A Bedrock call that failed for another reason (throttling, validation). */
export function bedrockError(input: CallInput & { errorCode: string; errorMessage: string }): Record<string, unknown> {
  return { ...base(input), errorCode: input.errorCode, errorMessage: input.errorMessage };
}

/** A record of another service, which the history query must leave out. */
export function otherServiceEvent(input: { account: string; region: string; time: string; denied?: boolean }): Record<string, unknown> {
  return {
    eventVersion: '1.11',
    userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${input.account}:assumed-role/app-role/session`, accountId: input.account },
    eventTime: input.time,
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    awsRegion: input.region,
    requestParameters: { bucketName: 'example-bucket', key: 'a.txt' },
    eventID: nextId(),
    recipientAccountId: input.account,
    ...(input.denied === true ? { errorCode: 'AccessDenied', errorMessage: 'Access Denied' } : {}),
  };
}
