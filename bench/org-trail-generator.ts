/**
 * A seeded generator of an organization trail as AWS writes it to S3: many gzipped files a day,
 * almost all of them other services' calls, Bedrock denials a fraction of a percent.
 *
 * Record `i` depends only on the seed and `i`, so the same records can be laid out in any number
 * of files (the realistic layout, 100 large files, ~20,000 small ones) without holding them.
 *
 * Mix (of records): 60% assorted API calls with nested bodies (some carry JSON documents as
 * strings, so their text has escapes), 30% successful Bedrock calls, 9.5% near misses (other
 * services' AccessDenied, Bedrock throttling and validation errors, an STS AssumeRole denied to
 * `bedrock.amazonaws.com`), 0.5% Bedrock denials of every verdict.
 *
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-name-format.html
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** What to generate. */
export interface OrgTrailSpec {
  seed: number;
  records: number;
  /** Share of records that are Bedrock denials (0.005 for the realistic mix). */
  denialShare?: number;
}

/** How records are grouped into files. */
export type OrgTrailLayout =
  /** Files of 50–2,000 records (random sizes), as CloudTrail delivers them every ~5 minutes. */
  | { kind: 'realistic' }
  /** Exactly `files` files of equal size. */
  | { kind: 'files'; files: number };

/** What {@link writeOrgTrail} wrote. */
export interface OrgTrailStats {
  files: number;
  records: number;
  jsonBytes: number;
  gzBytes: number;
}

const ACCOUNTS = ['111122223333', '222233334444', '333344445555', '444455556666', '555566667777', '666677778888', '777788889999', '888899990000'];
const REGIONS = ['ap-northeast-1', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'us-east-1', 'eu-central-1'];
const WORDS = ['alpha', 'batch', 'claims', 'digest', 'export', 'forecast', 'gateway', 'harvest', 'invoice', 'journal', 'kiosk', 'ledger', 'metrics', 'nightly', 'orders', 'payroll', 'quota', 'report', 'search', 'tickets'];
const MODELS = ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'anthropic.claude-sonnet-4-20250514-v1:0', 'amazon.nova-pro-v1:0', 'amazon.nova-lite-v1:0', 'meta.llama3-2-90b-instruct-v1:0'];
const PREFIXES = ['apac', 'us', 'jp', 'global', 'eu'];
const START = Date.UTC(2026, 10, 20);

/** A deterministic generator of numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  // mulberry32: tiny, fast and good enough for test data.
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function hex(random: () => number, length: number): string {
  let text = '';
  while (text.length < length) text += Math.floor(random() * 0x1_0000_0000).toString(16).padStart(8, '0');
  return text.slice(0, length);
}

function uuid(random: () => number): string {
  return `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`;
}

function identity(random: () => number, account: string, time: string): Record<string, unknown> {
  const role = `${pick(random, WORDS)}-${pick(random, WORDS)}-role`;
  const session = `${pick(random, WORDS)}-${Math.floor(random() * 500)}`;
  return {
    type: 'AssumedRole',
    principalId: `AROA${account.slice(0, 9)}EXAMPLE:${session}`,
    arn: `arn:aws:sts::${account}:assumed-role/${role}/${session}`,
    accountId: account,
    accessKeyId: `ASIA${hex(random, 16).toUpperCase()}`,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: `AROA${account.slice(0, 9)}EXAMPLE`, arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role },
      attributes: { creationDate: time, mfaAuthenticated: 'false' },
    },
  };
}

function userAgent(random: () => number): string {
  return pick(random, [
    `Boto3/1.35.${Math.floor(random() * 99)} md/Botocore#1.35.${Math.floor(random() * 99)} ua/2.0 os/linux#6.1 lang/python#3.12.${Math.floor(random() * 9)} exec-env/AWS_ECS_FARGATE`,
    `aws-sdk-js/3.${600 + Math.floor(random() * 300)}.0 ua/2.1 os/linux#5.10 lang/js md/nodejs#20.${Math.floor(random() * 19)}.0 api/${pick(random, WORDS)}`,
    'console.amazonaws.com',
    `aws-cli/2.${Math.floor(random() * 30)}.${Math.floor(random() * 9)} md/awscrt#0.23.4 ua/2.1 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.6`,
  ]);
}

/** A service call other than Bedrock, with a nested body of the kind that service logs. */
function assortedCall(random: () => number, account: string, region: string): Record<string, unknown> {
  const word = pick(random, WORDS);
  switch (Math.floor(random() * 8)) {
    case 0:
      return {
        eventSource: 's3.amazonaws.com',
        eventName: pick(random, ['GetObject', 'PutObject', 'HeadObject']),
        requestParameters: { bucketName: `${word}-${account}`, Host: `${word}-${account}.s3.${region}.amazonaws.com`, key: `${word}/${hex(random, 12)}/part-${Math.floor(random() * 999)}.parquet` },
        responseElements: null,
        additionalEventData: { SignatureVersion: 'SigV4', CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 0, AuthenticationMethod: 'AuthHeader', 'x-amz-id-2': hex(random, 60), bytesTransferredOut: Math.floor(random() * 1e7) },
        resources: [
          { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${word}-${account}/${word}/${hex(random, 12)}` },
          { accountId: account, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${word}-${account}` },
        ],
        readOnly: true,
      };
    case 1:
      return {
        eventSource: 'ec2.amazonaws.com',
        eventName: 'DescribeInstances',
        requestParameters: {
          instancesSet: {},
          filterSet: { items: [{ name: 'tag:team', valueSet: { items: [{ value: word }] } }, { name: 'instance-state-name', valueSet: { items: [{ value: 'running' }, { value: 'stopped' }] } }] },
        },
        responseElements: null,
        readOnly: true,
      };
    case 2:
      return {
        eventSource: 'kms.amazonaws.com',
        eventName: 'Decrypt',
        requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT', encryptionContext: { 'aws:lambda:FunctionArn': `arn:aws:lambda:${region}:${account}:function:${word}-handler` } },
        responseElements: null,
        resources: [{ accountId: account, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:${region}:${account}:key/${uuid(random)}` }],
        readOnly: true,
      };
    case 3: {
      // IAM logs policy documents as JSON text inside a string: escapes in the record's text.
      const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${word}-${account}`, `arn:aws:s3:::${word}-${account}/*`] }] }, null, 4);
      return {
        eventSource: 'iam.amazonaws.com',
        eventName: 'PutRolePolicy',
        requestParameters: { roleName: `${word}-role`, policyName: `${word}-read`, policyDocument: policy },
        responseElements: null,
        readOnly: false,
      };
    }
    case 4:
      return {
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        requestParameters: { roleArn: `arn:aws:iam::${account}:role/${word}-role`, roleSessionName: `${word}-${hex(random, 6)}`, durationSeconds: 3600 },
        responseElements: {
          credentials: { accessKeyId: `ASIA${hex(random, 16).toUpperCase()}`, sessionToken: hex(random, 180), expiration: 'Nov 21, 2026, 3:00:00 AM' },
          assumedRoleUser: { assumedRoleId: `AROA${hex(random, 16).toUpperCase()}:${word}`, arn: `arn:aws:sts::${account}:assumed-role/${word}-role/${word}` },
        },
        readOnly: true,
      };
    case 5:
      return {
        eventSource: 'monitoring.amazonaws.com',
        eventName: 'PutMetricData',
        requestParameters: {
          namespace: `App/${word}`,
          metricData: Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({ metricName: pick(random, WORDS), dimensions: [{ name: 'Service', value: word }], value: Math.round(random() * 1000) / 10, unit: 'Count' })),
        },
        responseElements: null,
        readOnly: false,
      };
    case 6:
      return {
        eventSource: 'dynamodb.amazonaws.com',
        eventName: pick(random, ['DescribeTable', 'ListTables', 'DescribeTimeToLive']),
        requestParameters: { tableName: `${word}-table` },
        responseElements: null,
        resources: [{ accountId: account, type: 'AWS::DynamoDB::Table', ARN: `arn:aws:dynamodb:${region}:${account}:table/${word}-table` }],
        readOnly: true,
      };
    default:
      return {
        eventSource: 'lambda.amazonaws.com',
        eventName: 'GetFunction20150331v2',
        requestParameters: { functionName: `arn:aws:lambda:${region}:${account}:function:${word}-handler` },
        responseElements: null,
        readOnly: true,
      };
  }
}

function modelIdOf(random: () => number): { modelId: string; model: string; prefix: string } {
  const model = pick(random, MODELS);
  const prefix = pick(random, PREFIXES);
  return { modelId: `${prefix}.${model}`, model, prefix };
}

function bedrockSuccess(random: () => number, region: string): Record<string, unknown> {
  const { modelId } = modelIdOf(random);
  return {
    eventSource: 'bedrock.amazonaws.com',
    eventName: pick(random, ['InvokeModel', 'Converse', 'ConverseStream', 'InvokeModelWithResponseStream']),
    requestParameters: { modelId },
    responseElements: null,
    additionalEventData: { inferenceRegion: pick(random, REGIONS) },
    resources: [{ type: 'AWS::Bedrock::Model', ARN: `arn:aws:bedrock:${region}::foundation-model/${modelId.slice(modelId.indexOf('.') + 1)}` }],
    readOnly: true,
  };
}

function nearMiss(random: () => number, account: string, region: string, principal: string): Record<string, unknown> {
  switch (Math.floor(random() * 4)) {
    case 0:
      return { ...assortedCall(random, account, region), errorCode: 'AccessDenied', errorMessage: `User: ${principal} is not authorized to perform: s3:GetObject because no identity-based policy allows the s3:GetObject action` };
    case 1:
      return { ...bedrockSuccess(random, region), errorCode: 'ThrottlingException', errorMessage: 'Too many requests, please wait before trying again.' };
    case 2:
      return { ...bedrockSuccess(random, region), errorCode: 'ValidationException', errorMessage: 'The provided model identifier is invalid.' };
    default:
      // A service principal's call: `bedrock.amazonaws.com` and `AccessDenied` in the text, yet STS.
      return {
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        sourceIPAddress: 'bedrock.amazonaws.com',
        userAgent: 'bedrock.amazonaws.com',
        errorCode: 'AccessDenied',
        errorMessage: `User: bedrock.amazonaws.com is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${account}:role/kb-role`,
        requestParameters: { roleArn: `arn:aws:iam::${account}:role/kb-role`, roleSessionName: 'BedrockKnowledgeBase' },
        responseElements: null,
        readOnly: true,
      };
  }
}

function bedrockDenial(random: () => number, account: string, region: string, principal: string): Record<string, unknown> {
  const { modelId, model } = modelIdOf(random);
  const destination = pick(random, REGIONS);
  const action = 'bedrock:InvokeModel';
  const resource = `arn:aws:bedrock:${destination}::foundation-model/${model}`;
  const kind = random();
  const errorMessage =
    kind < 0.7
      ? `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-${pick(random, ['examplescp1', 'regiondeny01', 'ctguardrail'])}`
      : kind < 0.85
        ? `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`
        : kind < 0.95
          ? `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} with an explicit deny in a permissions boundary`
          : 'You don\'t have access to the model with the specified model ID.';
  return {
    eventSource: 'bedrock.amazonaws.com',
    eventName: pick(random, ['InvokeModel', 'Converse', 'ConverseStream']),
    errorCode: random() < 0.8 ? 'AccessDenied' : 'AccessDeniedException',
    errorMessage,
    requestParameters: { modelId },
    responseElements: null,
    additionalEventData: { inferenceRegion: destination },
    readOnly: true,
  };
}

/** Record `index` of the trail `spec`, as the object CloudTrail would write. */
export function orgTrailRecord(spec: OrgTrailSpec, index: number): Record<string, unknown> {
  const random = seededRandom((spec.seed * 0x9e3779b1) ^ (index * 0x85ebca6b));
  const account = pick(random, ACCOUNTS);
  const region = pick(random, REGIONS);
  const time = new Date(START + Math.floor((index / Math.max(1, spec.records)) * 3 * 86_400_000) + Math.floor(random() * 60_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const who = identity(random, account, time);
  const roll = random();
  const denialShare = spec.denialShare ?? 0.005;
  const body =
    roll < denialShare
      ? bedrockDenial(random, account, region, who.arn as string)
      : roll < denialShare + 0.095
        ? nearMiss(random, account, region, who.arn as string)
        : roll < denialShare + 0.095 + 0.3
          ? bedrockSuccess(random, region)
          : assortedCall(random, account, region);
  const eventSource = body.eventSource as string;
  return {
    eventVersion: '1.11',
    userIdentity: who,
    eventTime: time,
    eventSource,
    eventName: body.eventName,
    awsRegion: region,
    sourceIPAddress: `${10 + Math.floor(random() * 200)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`,
    userAgent: userAgent(random),
    ...body,
    requestID: uuid(random),
    eventID: uuid(random),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${eventSource.split('.')[0]}.${region}.amazonaws.com` },
  };
}

/** Sizes of the files of a layout, in records, summing to `records`. */
export function fileSizes(spec: OrgTrailSpec, layout: OrgTrailLayout): number[] {
  const sizes: number[] = [];
  if (layout.kind === 'files') {
    const base = Math.floor(spec.records / layout.files);
    const extra = spec.records % layout.files;
    for (let file = 0; file < layout.files; file++) sizes.push(base + (file < extra ? 1 : 0));
    return sizes.filter((size) => size > 0);
  }
  const random = seededRandom(spec.seed ^ 0x51ed);
  let left = spec.records;
  while (left > 0) {
    // Skewed towards small files, as a trail's 5-minute deliveries are: mean ≈ 530 records.
    const size = Math.min(left, 50 + Math.floor(random() ** 2 * 1_950));
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

/** Writes the trail under `root` (`AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/...json.gz`). */
export async function writeOrgTrail(root: string, spec: OrgTrailSpec, layout: OrgTrailLayout): Promise<OrgTrailStats> {
  const sizes = fileSizes(spec, layout);
  const names = seededRandom(spec.seed ^ 0xf11e);
  const stats: OrgTrailStats = { files: 0, records: 0, jsonBytes: 0, gzBytes: 0 };
  let index = 0;
  for (const size of sizes) {
    const parts: string[] = [];
    for (let n = 0; n < size; n++) parts.push(JSON.stringify(orgTrailRecord(spec, index + n)));
    const first = orgTrailRecord(spec, index);
    index += size;
    const account = first.recipientAccountId as string;
    const region = first.awsRegion as string;
    const time = first.eventTime as string;
    const stamp = `${time.slice(0, 4)}${time.slice(5, 7)}${time.slice(8, 10)}T${time.slice(11, 13)}${time.slice(14, 16)}Z`;
    const path = join(root, 'AWSLogs', account, 'CloudTrail', region, time.slice(0, 4), time.slice(5, 7), time.slice(8, 10), `${account}_CloudTrail_${region}_${stamp}_${hex(names, 16)}.json.gz`);
    const json = `{"Records":[${parts.join(',')}]}`;
    const gz = gzipSync(json);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, gz);
    stats.files++;
    stats.records += size;
    stats.jsonBytes += Buffer.byteLength(json);
    stats.gzBytes += gz.length;
  }
  return stats;
}
