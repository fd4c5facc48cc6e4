/**
 * Benchmark: read a ≥100 MB gzipped CloudTrail log file through `readCloudTrailInputs` and report
 * the reader's peak RSS and throughput. The reading runs in a child process so its peak RSS is
 * the reader's alone (not the generator's, nor the caller's).
 *
 * Run alone: `node --import tsx bench/read-large-file.ts [targetGzMb]`.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { readCloudTrailInputs } from '../shared/adapters/cloudtrail-files.js';

/** What {@link benchReadLargeFile} measured. */
export interface ReadLargeFileResult {
  /** The generated file (cached between runs). */
  file: string;
  gzBytes: number;
  /** Uncompressed size of the file. */
  jsonBytes: number;
  records: number;
  /** Wall time of the child's read loop. */
  seconds: number;
  recordsPerSecond: number;
  /** Peak resident set size of the reading process (`process.resourceUsage().maxRSS`). */
  peakRssMb: number;
}

/** Options of {@link benchReadLargeFile}. */
export interface ReadLargeFileOptions {
  /** Size of the gzipped file to generate, in MB (10^6 bytes). */
  targetGzMb?: number;
  /** Cache directory for the generated file (gitignored `.bench`). */
  dir?: string;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);
const CHILD_FLAG = '--child';

/**
 * Generates (once) a realistic gzipped `{"Records":[...]}` file of at least `targetGzMb` MB, then
 * reads it in a child process and returns the child's peak RSS and records/s.
 */
export async function benchReadLargeFile(options: ReadLargeFileOptions = {}): Promise<ReadLargeFileResult> {
  const targetGzMb = options.targetGzMb ?? 100;
  const dir = resolve(options.dir ?? '.bench');
  const file = join(dir, `cloudtrail-log-file-${targetGzMb}mb.json.gz`);
  const generated = await ensureLogFile(file, targetGzMb * 1_000_000);
  const child = await readInChild(file);
  return {
    file,
    gzBytes: (await stat(file)).size,
    jsonBytes: generated.jsonBytes,
    records: child.records,
    seconds: child.seconds,
    recordsPerSecond: Math.round(child.records / child.seconds),
    peakRssMb: Math.round(child.maxRssKb / 1024),
  };
}

async function ensureLogFile(file: string, targetBytes: number): Promise<{ jsonBytes: number }> {
  const meta = `${file}.meta.json`;
  try {
    const [text, info] = await Promise.all([readFile(meta, 'utf8'), stat(file)]);
    const { jsonBytes } = JSON.parse(text) as { jsonBytes: number };
    if (info.size >= targetBytes && jsonBytes > 0) return { jsonBytes };
  } catch {
    // Not generated yet (or an interrupted run): generate below.
  }
  await mkdir(resolve(file, '..'), { recursive: true });
  const partial = `${file}.partial`;
  process.stderr.write(`generating ${file} (≥${Math.round(targetBytes / 1e6)} MB gzipped, once)…\n`);
  const jsonBytes = await writeLogFile(partial, targetBytes);
  await rename(partial, file);
  await writeFile(meta, JSON.stringify({ jsonBytes }));
  return { jsonBytes };
}

/** Streams records into a gzip file until the compressed output reaches `targetBytes`. */
async function writeLogFile(path: string, targetBytes: number): Promise<number> {
  const out = createWriteStream(path);
  const gzip = createGzip();
  gzip.pipe(out);
  const random = xorshift(0x5eed);
  let jsonBytes = 0;
  let first = true;
  const write = async (text: string): Promise<void> => {
    jsonBytes += Buffer.byteLength(text);
    if (!gzip.write(text)) await new Promise((done) => gzip.once('drain', done));
  };
  await write('{"Records":[');
  let index = 0;
  while (out.bytesWritten + gzip.writableLength < targetBytes) {
    const batch: string[] = [];
    for (let n = 0; n < 500; n++) batch.push(JSON.stringify(sampleRecord(index++, random)));
    await write((first ? '' : ',') + batch.join(','));
    first = false;
  }
  await write(']}');
  await new Promise<void>((done, fail) => {
    out.on('finish', done).on('error', fail);
    gzip.end();
  });
  return jsonBytes;
}

function xorshift(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

const REGIONS = ['ap-northeast-1', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'ap-south-1', 'us-east-1', 'eu-central-1'];
const WORDS = ['alpha', 'batch', 'claims', 'digest', 'export', 'forecast', 'gateway', 'harvest', 'invoice', 'journal', 'kiosk', 'ledger', 'metrics', 'nightly', 'orders', 'payroll', 'quota', 'report', 'search', 'tickets'];
const OTHER_EVENTS = [
  ['s3.amazonaws.com', 'GetBucketAcl'],
  ['sts.amazonaws.com', 'AssumeRole'],
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['kms.amazonaws.com', 'Decrypt'],
  ['bedrock.amazonaws.com', 'ListFoundationModels'],
  ['lambda.amazonaws.com', 'ListFunctions20150331'],
] as const;
const MODELS = ['anthropic.claude-3-5-sonnet-20241022-v2:0', 'anthropic.claude-sonnet-4-20250514-v1:0', 'amazon.nova-pro-v1:0', 'meta.llama3-2-90b-instruct-v1:0'];

function hex(random: () => number, length: number): string {
  let text = '';
  while (text.length < length) text += Math.floor(random() * 0x1_0000_0000).toString(16).padStart(8, '0');
  return text.slice(0, length);
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** A record shaped like a real one, with enough variety that gzip does not shrink it unrealistically. */
function sampleRecord(index: number, random: () => number): Record<string, unknown> {
  // An organization's trail: a few hundred accounts and sessions, unique request and event IDs.
  const account = String(100_000_000_000 + Math.floor(random() * 300) * 7_919_113);
  const session = `${pick(random, WORDS)}-${pick(random, WORDS)}-${Math.floor(random() * 50)}`;
  const role = `${pick(random, WORDS)}-${pick(random, WORDS)}-role`;
  const region = pick(random, REGIONS);
  const bedrockDenial = index % 10 === 0;
  const [eventSource, eventName] = bedrockDenial ? (['bedrock.amazonaws.com', 'InvokeModel'] as const) : pick(random, OTHER_EVENTS);
  const model = pick(random, MODELS);
  const destination = pick(random, REGIONS);
  const principal = `arn:aws:sts::${account}:assumed-role/${role}/${session}`;
  const time = new Date(Date.UTC(2026, 10, 1) + Math.floor(random() * 30 * 86_400_000)).toISOString().replace('.000', '');
  return {
    eventVersion: '1.11',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROA${account.slice(0, 9)}EXAMPLE:${session}`,
      arn: principal,
      accountId: account,
      accessKeyId: `ASIA${hex(random, 16).toUpperCase()}`,
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: `AROA${account.slice(0, 9)}EXAMPLE`, arn: `arn:aws:iam::${account}:role/${role}`, accountId: account, userName: role },
        attributes: { creationDate: time, mfaAuthenticated: 'false' },
      },
    },
    eventTime: time,
    eventSource,
    eventName,
    awsRegion: region,
    sourceIPAddress: `${10 + Math.floor(random() * 200)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`,
    userAgent: `Boto3/1.35.${Math.floor(random() * 99)} md/Botocore#1.35.${Math.floor(random() * 99)} ua/2.0 os/linux#6.1 lang/python#3.12.${Math.floor(random() * 9)} exec-env/AWS_ECS_FARGATE`,
    ...(bedrockDenial
      ? {
          errorCode: 'AccessDenied',
          errorMessage: `User: ${principal} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:${destination}::foundation-model/${model} with an explicit deny in a service control policy: arn:aws:organizations::${account}:policy/o-exampleorg1/service_control_policy/p-${account.slice(0, 8)}`,
          requestParameters: { modelId: `apac.${model}` },
        }
      : { requestParameters: { name: `${pick(random, WORDS)}-${hex(random, 8)}`, maxResults: Math.floor(random() * 100) } }),
    responseElements: null,
    requestID: `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
    eventID: `${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    eventCategory: 'Management',
    tlsDetails: { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: `${eventSource.split('.')[0]}.${region}.amazonaws.com` },
  };
}

interface ChildReport {
  records: number;
  problems: number;
  seconds: number;
  maxRssKb: number;
}

async function readInChild(file: string): Promise<ChildReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', THIS_FILE, CHILD_FLAG, file], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text;
  });
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0) throw new Error(`read-large-file child exited with ${String(code)}`);
  return JSON.parse(stdout) as ChildReport;
}

/** In the child: read every record of `file`, then report counts, time and peak RSS on stdout. */
async function childMain(file: string): Promise<void> {
  const started = performance.now();
  let records = 0;
  let problems = 0;
  for await (const item of readCloudTrailInputs([file])) {
    if (item.kind === 'record') records++;
    else if (item.kind === 'problem') {
      problems++;
      process.stderr.write(`${item.file}: ${item.reason}\n`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const report: ChildReport = { records, problems, seconds, maxRssKb: process.resourceUsage().maxRSS };
  process.stdout.write(JSON.stringify(report));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === THIS_FILE) {
  const childAt = process.argv.indexOf(CHILD_FLAG);
  const run =
    childAt >= 0
      ? childMain(process.argv[childAt + 1] ?? '')
      : benchReadLargeFile({ targetGzMb: Number(process.argv[2] ?? 100) }).then((result) => {
          process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        });
  run.catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
