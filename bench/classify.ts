/**
 * Classification throughput against the cost of merely parsing the same records.
 * Records are generated from the shipped samples with varied IDs, principals, Regions and models,
 * about 70% denials and 30% other Bedrock calls, as an audit of real history would see.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import type { classifyRecord as ClassifyRecord } from '../shared/core/classify/classify.js';
import type { loadBundledCatalog as LoadBundledCatalog } from '../shared/core/classify/profile-catalog.js';

const ROOT = join(__dirname, '..');

/**
 * The classifier as Lambda runs it: bundled and minified by esbuild (the same tool serverless-esbuild
 * uses), not through tsx's on-the-fly module interop, which adds getter calls a bundle does not have.
 */
function loadDeployedCore(): { classifyRecord: typeof ClassifyRecord; loadBundledCatalog: typeof LoadBundledCatalog } {
  const outfile = join(ROOT, '.bench', 'classify-core.cjs');
  buildSync({
    stdin: {
      contents: "export { classifyRecord } from './shared/core/classify/classify.ts';\nexport { loadBundledCatalog } from './shared/core/classify/profile-catalog.ts';",
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'error',
  });
  return require(outfile) as { classifyRecord: typeof ClassifyRecord; loadBundledCatalog: typeof LoadBundledCatalog };
}

/** Throughput figures of one run. */
export interface ClassifyBench {
  records: number;
  megabytes: number;
  parseRecordsPerSecond: number;
  classifyRecordsPerSecond: number;
  /** (parse + classify) time divided by parse time; the goal is ≤ 1.5. */
  ratioToJsonParse: number;
  findings: number;
}

function samples(): Array<Record<string, unknown>> {
  const dir = join(ROOT, 'events', 'cloudtrail');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>);
}

/** Generates `count` JSON lines: varied copies of the samples. */
export function generateRecordLines(count: number): string[] {
  const templates = samples();
  const regions = ['ap-southeast-1', 'ap-southeast-2', 'ap-south-1', 'ap-northeast-2', 'us-west-2', 'us-east-2', 'eu-west-3'];
  const lines: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const template = templates[index % templates.length] as Record<string, unknown>;
    const record = structuredClone(template);
    record.eventID = `${index.toString(16).padStart(8, '0')}-0000-4000-9000-${(index * 7919).toString(16).padStart(12, '0')}`;
    record.eventTime = new Date(Date.UTC(2026, 10, 1) + index * 1000).toISOString().replace('.000', '');
    const account = String(100000000000 + (index % 50));
    record.recipientAccountId = account;
    if (typeof record.errorMessage === 'string') {
      record.errorMessage = record.errorMessage
        .replaceAll('111122223333', account)
        .replace(/ap-southeast-1::/, `${regions[index % regions.length]}::`)
        .replace(/i-0abc12345def67890/, `session-${index % 997}`);
    }
    lines.push(JSON.stringify(record));
  }
  return lines;
}

function time(run: () => number): { seconds: number; value: number } {
  const start = process.hrtime.bigint();
  const value = run();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

/** Measures parse-only and parse+classify over the same lines, best of `rounds`. */
export function benchClassify({ records = 200_000, rounds = 5 } = {}): ClassifyBench {
  const lines = generateRecordLines(records);
  const { classifyRecord, loadBundledCatalog } = loadDeployedCore();
  const catalog = loadBundledCatalog();
  const parseOnly = (): number => {
    let fields = 0;
    for (const line of lines) fields += (JSON.parse(line) as { eventName?: string }).eventName === undefined ? 0 : 1;
    return fields;
  };
  const parseAndClassify = (): number => {
    let findings = 0;
    for (const line of lines) findings += classifyRecord(JSON.parse(line), { catalog }) === null ? 0 : 1;
    return findings;
  };
  parseOnly();
  parseAndClassify();
  let parseBest = Number.POSITIVE_INFINITY;
  let classifyBest = Number.POSITIVE_INFINITY;
  let findings = 0;
  // Interleave the two so that a noisy neighbour slows both alike.
  for (let round = 0; round < rounds; round += 1) {
    globalThis.gc?.();
    parseBest = Math.min(parseBest, time(parseOnly).seconds);
    globalThis.gc?.();
    const classified = time(parseAndClassify);
    classifyBest = Math.min(classifyBest, classified.seconds);
    findings = classified.value;
  }
  return {
    records,
    megabytes: lines.reduce((sum, line) => sum + line.length, 0) / 1e6,
    parseRecordsPerSecond: records / parseBest,
    classifyRecordsPerSecond: records / classifyBest,
    ratioToJsonParse: classifyBest / parseBest,
    findings,
  };
}

if (require.main === module) {
  process.stdout.write(`${JSON.stringify(benchClassify(), null, 2)}\n`);
}
