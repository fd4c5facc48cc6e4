/**
 * Athena replay throughput: rows per second from the DuckDB-backed loopback Athena (real
 * `@aws-sdk/client-athena`, 1,000-row pages) through rebuild and classification, compared in the
 * same run with rebuild + classification alone of the same rows; plus the report's data-scanned
 * figure and its cost. Figures only (no goal is asserted).
 *
 *   node --import tsx bench/athena.ts [calls]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { createAthenaHistoryEngine } from '../shared/adapters/athena-history.js';
import { classifyRecord, isBedrockDenial } from '../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../shared/core/classify/profile-catalog.js';
import { createIntermittencyAccumulator } from '../shared/core/history/intermittency.js';
import { parseHistoryPayload } from '../shared/core/history/payload.js';
import { recordFromRow, rowFromValues } from '../shared/core/history/rows.js';
import { runHistoryReplay } from '../shared/core/history/run-history-replay.js';
import { startAthenaServer } from '../test/helpers/athena-server.js';
import { bedrockDenial, bedrockSuccess, writeTrailFile } from '../test/helpers/org-trail.js';

/** Figures of one run. */
export interface AthenaBench {
  calls: number;
  files: number;
  rowsRead: number;
  denials: number;
  /** Replay wall time: query on DuckDB, polling, paging through the SDK, rebuild, classification, report. */
  replaySeconds: number;
  /** Of which DuckDB ran the SQL (the loopback's engine time, not ours). */
  engineSeconds: number;
  rowsPerSecond: number;
  /** Rows per second once the engine's time is left out: what this code does (paging, rebuild, classify). */
  rowsPerSecondExcludingEngine: number;
  /** Rebuild + classification of the same rows, in memory. */
  classifyOnlyRowsPerSecond: number;
  /** replay rows/s ÷ classify-only rows/s: the share of the time the pipeline spends classifying. */
  ratioToClassifyOnly: number;
  dataScannedBytes: number;
  billedBytes: number;
  costUsd: number;
}

const ORG = 'o-a1b2c3d4e5';
const TABLE = { database: 'cris_auditor_history', table: 'cloudtrail' };
const APAC = 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0';
const MODEL = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const ACCOUNTS = ['111122223333', '444455556666'];

/** Writes `calls` Bedrock calls (30 % denied) over 5 days and 2 accounts, then replays them through the loopback. */
export async function benchAthena(options: { calls?: number } = {}): Promise<AthenaBench> {
  const calls = options.calls ?? 60_000;
  const dir = mkdtempSync(join(tmpdir(), 'bench-athena-'));
  const layout = { bucketDir: dir, orgId: ORG };
  const perFile = 500;
  let files = 0;
  for (let written = 0; written < calls; written += perFile) {
    const dayIndex = files % 5;
    const account = ACCOUNTS[files % 2] ?? '111122223333';
    const base = Date.UTC(2026, 10, 10 + dayIndex, 1) + Math.floor(files / 10) * 60_000;
    const records = Array.from({ length: Math.min(perFile, calls - written) }, (_, i) => {
      const time = new Date(base + i * 50).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const call = { account, region: 'ap-northeast-1', time, modelId: APAC };
      return i % 10 < 3 ? bedrockDenial({ ...call, deniedRegion: 'ap-south-1', foundationModel: MODEL }) : bedrockSuccess({ ...call, routedTo: 'ap-northeast-3' });
    });
    writeTrailFile(layout, { account, region: 'ap-northeast-1', deliveredAt: new Date(base + 300_000).toISOString(), records });
    files += 1;
  }
  const now = Date.parse('2026-12-01T00:00:00Z');
  const server = await startAthenaServer({ bucketDir: dir, orgId: ORG, ...TABLE, regions: ['ap-northeast-1'], now: () => now });
  const catalog = loadBundledCatalog();
  try {
    const client = new AthenaClient({ endpoint: server.endpoint, region: 'ap-northeast-1', credentials: { accessKeyId: 'AKIABENCHATHENA', secretAccessKey: 'bench' } });
    const parsed = parseHistoryPayload({ source: 'athena', from: '2026-11-10T00:00:00Z', to: '2026-11-14T20:00:00Z', accounts: ACCOUNTS, dryRun: true }, { now, defaultAccounts: [] });
    if (!parsed.ok) throw new Error(parsed.reason);
    const started = process.hrtime.bigint();
    const report = await runHistoryReplay(parsed.value, {
      engine: createAthenaHistoryEngine({ client, workGroup: 'primary', database: TABLE.database }),
      table: TABLE,
      isDenial: isBedrockDenial,
      classify: (record) => classifyRecord(record, { catalog }),
      deadline: Number.POSITIVE_INFINITY,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
      firstPollDelayMs: 10,
    });
    const replaySeconds = Number(process.hrtime.bigint() - started) / 1e9;
    // The same rows, rebuilt and classified with no engine in between.
    const query = server.queries.at(-1);
    const page = await createAthenaHistoryEngine({ client, workGroup: 'primary', database: TABLE.database }).page(query?.id ?? '', null);
    if (!page.ok) throw new Error(page.reason);
    const sample = page.value.rows;
    const rounds = Math.max(1, Math.ceil(report.recordsScanned / Math.max(1, sample.length)));
    const classifyStarted = process.hrtime.bigint();
    const intermittency = createIntermittencyAccumulator();
    for (let round = 0; round < rounds; round += 1) {
      for (const values of sample) {
        const { record } = recordFromRow(rowFromValues(page.value.columns, values));
        const finding = isBedrockDenial(record) ? classifyRecord(record, { catalog }) : null;
        intermittency.add(record, finding);
      }
    }
    const classifySeconds = Number(process.hrtime.bigint() - classifyStarted) / 1e9;
    const rowsPerSecond = report.recordsScanned / replaySeconds;
    const classifyOnlyRowsPerSecond = (rounds * sample.length) / classifySeconds;
    return {
      calls,
      files,
      rowsRead: report.recordsScanned,
      denials: report.denials,
      replaySeconds,
      engineSeconds: (query?.executionMs ?? 0) / 1000,
      rowsPerSecond,
      rowsPerSecondExcludingEngine: report.recordsScanned / Math.max(1e-9, replaySeconds - (query?.executionMs ?? 0) / 1000),
      classifyOnlyRowsPerSecond,
      ratioToClassifyOnly: rowsPerSecond / classifyOnlyRowsPerSecond,
      dataScannedBytes: report.athena?.dataScannedBytes ?? 0,
      billedBytes: report.athena?.billedBytes ?? 0,
      costUsd: report.athena?.costUsd ?? 0,
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('athena.ts')) {
  const calls = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  benchAthena(calls === undefined ? {} : { calls }).then((result) => process.stdout.write(`${JSON.stringify(result, null, 2)}\n`), (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}
