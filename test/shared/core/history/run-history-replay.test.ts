import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAthenaHistoryEngine } from '../../../../shared/adapters/athena-history.js';
import { classifyRecord, isBedrockDenial } from '../../../../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import { suggestFix } from '../../../../shared/core/fix/suggest-fix.js';
import { parseHistoryPayload, type HistoryRequest } from '../../../../shared/core/history/payload.js';
import { runHistoryReplay, type HistoryReplayDeps } from '../../../../shared/core/history/run-history-replay.js';
import { describeIntermittency } from '../../../../shared/core/history/intermittency.js';
import type { ReplayReport } from '../../../../shared/core/replay/report.js';
import type { HistoryEngine } from '../../../../shared/core/history/engine-port.js';
import { decodeHistoryResumeToken } from '../../../../shared/core/history/resume.js';
import { startAthenaServer, type AthenaServer } from '../../../helpers/athena-server.js';
import { bedrockDenial, bedrockError, bedrockSuccess, writeTrailFile } from '../../../helpers/org-trail.js';

const ORG = 'o-a1b2c3d4e5';
const TABLE = { database: 'cris_auditor_history', table: 'cloudtrail' };
const APAC = 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0';
const MODEL = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const NOW = Date.parse('2026-12-01T00:00:00Z');
const catalog = loadBundledCatalog();

let dir: string;
let server: AthenaServer;
let client: AthenaClient;

beforeAll(async () => {
  // Prepare: account A calls an apac profile from Tokyo 100 times on 2026-11-20: 63 succeed (routed to
  // three Regions), 30 are denied in ap-south-1, 7 in ap-southeast-2; account B's calls all succeed.
  dir = mkdtempSync(join(tmpdir(), 'history-replay-'));
  const layout = { bucketDir: dir, orgId: ORG };
  const records: unknown[] = [];
  for (let i = 0; i < 100; i += 1) {
    const time = `2026-11-20T10:${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 === 0 ? '00' : '30'}Z`;
    const call = { account: '111122223333', region: 'ap-northeast-1', time, modelId: APAC };
    if (i < 30) records.push(bedrockDenial({ ...call, deniedRegion: 'ap-south-1', foundationModel: MODEL }));
    else if (i < 37) records.push(bedrockDenial({ ...call, deniedRegion: 'ap-southeast-2', foundationModel: MODEL }));
    else records.push(bedrockSuccess({ ...call, routedTo: ['ap-northeast-1', 'ap-northeast-3', 'ap-northeast-2'][i % 3] ?? 'ap-northeast-1' }));
  }
  for (let f = 0; f < 4; f += 1) writeTrailFile(layout, { account: '111122223333', region: 'ap-northeast-1', deliveredAt: `2026-11-20T11:0${f}:00Z`, records: records.slice(f * 25, f * 25 + 25) });
  writeTrailFile(layout, {
    account: '444455556666', region: 'us-east-1', deliveredAt: '2026-11-20T12:00:00Z',
    records: [
      bedrockSuccess({ account: '444455556666', region: 'us-east-1', time: '2026-11-20T11:59:00Z', modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', routedTo: 'us-west-2' }),
      bedrockError({ account: '444455556666', region: 'us-east-1', time: '2026-11-20T11:59:30Z', modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', errorCode: 'ThrottlingException', errorMessage: 'Too many requests' }),
    ],
  });
  server = await startAthenaServer({ bucketDir: dir, orgId: ORG, ...TABLE, regions: ['ap-northeast-1', 'us-east-1'], runningPolls: 2, now: () => NOW });
  client = new AthenaClient({ endpoint: server.endpoint, region: 'ap-northeast-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function request(payload: Record<string, unknown>): HistoryRequest {
  const parsed = parseHistoryPayload({ source: 'athena', ...payload }, { now: NOW, defaultAccounts: [] });
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

function deps(overrides: Partial<HistoryReplayDeps> = {}, pageSize = 1000): HistoryReplayDeps {
  let clock = NOW;
  return {
    engine: createAthenaHistoryEngine({ client, workGroup: 'primary', database: TABLE.database, pageSize }),
    table: TABLE,
    isDenial: isBedrockDenial,
    classify: (record) => classifyRecord(record, { catalog }),
    suggestFix: (finding) => suggestFix(finding, { catalog, lang: 'en' }),
    deadline: Number.POSITIVE_INFINITY,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    ...overrides,
  };
}

const WINDOW = { from: '2026-11-20T00:00:00Z', to: '2026-11-20T20:00:00Z', accounts: ['111122223333', '444455556666'] };

describe('runHistoryReplay through the real Athena client and the DuckDB-backed loopback', () => {
  it('classifies every denial, counts every call, and reports data scanned and its cost', async () => {
    // Act
    const report = await runHistoryReplay(request(WINDOW), deps());
    // Assess
    expect(report.source).toBe('athena');
    expect(report.complete).toBe(true);
    expect(report.recordsScanned).toBe(102);
    expect(report.denials).toBe(37);
    expect(report.findingsByVerdict['cross-region-scp']).toBe(37);
    expect(report.crossRegionScpGroups.map((g) => [g.deniedRegion, g.count])).toEqual([['ap-south-1', 30], ['ap-southeast-2', 7]]);
    expect(report.crossRegionScpGroups[0]?.recommendedFix?.id).toBe('allow-profile-only');
    expect(report.athena?.state).toBe('SUCCEEDED');
    expect(report.athena?.dataScannedBytes).toBe(server.queries.at(-1)?.dataScannedBytes);
    expect(report.athena?.billedBytes).toBe(10 * 1024 * 1024);
    expect(report.athena?.costUsd).toBeCloseTo((10 / 1024 / 1024) * 5, 12);
    expect(report.athena?.polls).toBeGreaterThanOrEqual(3);
    expect(report.resume).toBeNull();
  });

  it('builds the intermittency view: successes by routed Region, denials by denied Region, the failed share', async () => {
    const report = await runHistoryReplay(request(WINDOW), deps());
    const tokyo = report.intermittency.find((row) => row.accountId === '111122223333');
    expect(tokyo).toMatchObject({
      profile: APAC, sourceRegion: 'ap-northeast-1', calls: 100, successes: 63, failures: 37, failedShare: 0.37,
      successesByRegion: { 'ap-northeast-1': 21, 'ap-northeast-2': 21, 'ap-northeast-3': 21 },
      denialsByRegion: { 'ap-south-1': 30, 'ap-southeast-2': 7 }, otherErrors: {}, deniedBy: ['p-examplescp1'],
    });
    expect(describeIntermittency(tokyo!, 'en')).toBe(`${APAC} from ap-northeast-1: 37% of 100 calls failed; every failure was routed to ap-south-1 or ap-southeast-2, denied by p-examplescp1.`);
    const virginia = report.intermittency.find((row) => row.accountId === '444455556666');
    expect(virginia).toMatchObject({ calls: 2, successes: 1, failures: 1, otherErrors: { ThrottlingException: 1 }, denialsByRegion: {} });
  });

  it('stops at the deadline while the query runs and resumes the same query without starting another', async () => {
    const before = server.queries.length;
    let clock = NOW;
    const first = await runHistoryReplay(request(WINDOW), deps({ now: () => clock, sleep: async (ms) => { clock += ms; }, deadline: NOW + 1 }));
    expect(first.complete).toBe(false);
    expect(first.athena?.stoppedBy).toBe('deadline');
    expect(first.resume).toMatch(/^cra1\./);
    const second = await runHistoryReplay(request({ resume: first.resume }), deps());
    expect(second.complete).toBe(true);
    expect(second.athena?.resumedQuery).toBe(true);
    expect(second.athena?.queryExecutionId).toBe(first.athena?.queryExecutionId);
    expect(server.queries.length).toBe(before + 1);
    expect(second.totals).toMatchObject({ invocations: 2, recordsScanned: 102, denials: 37 });
  });

  it('reads every row exactly once across maxEvents stops inside pages and an expired page token', async () => {
    const seen: string[] = [];
    const collect = (): Partial<HistoryReplayDeps> => ({
      classify: (record) => {
        const finding = classifyRecord(record, { catalog });
        if (finding?.eventId) seen.push(finding.eventId);
        return finding;
      },
    });
    let report: ReplayReport = await runHistoryReplay(request({ ...WINDOW, maxEvents: 9 }), deps(collect(), 4));
    let invocations = 1;
    const warnings: string[] = [];
    while (report.resume !== null) {
      if (invocations === 3) server.expireTokens();
      report = await runHistoryReplay(request({ resume: report.resume, maxEvents: 9 }), deps(collect(), 4));
      warnings.push(...report.warnings);
      invocations += 1;
      expect(invocations).toBeLessThan(30);
    }
    expect(seen).toHaveLength(37);
    expect(new Set(seen).size).toBe(37);
    expect(report.totals).toMatchObject({ recordsScanned: 102, denials: 37 });
    expect(invocations).toBe(Math.ceil(102 / 9));
    expect(warnings.filter((w) => w.includes('refused the saved page token'))).toHaveLength(1);
  });

  it('reports a failed query as an error with its reason and a token that starts it again', async () => {
    server.failNextQueries(1, 'HIVE_CURSOR_ERROR: Access Denied (Service: Amazon S3; Status Code: 403)');
    const report = await runHistoryReplay(request(WINDOW), deps());
    expect(report.complete).toBe(false);
    expect(report.errors).toEqual([{ account: null, region: 'athena', message: expect.stringMatching(/FAILED: HIVE_CURSOR_ERROR: Access Denied/) }]);
    expect(report.athena).toMatchObject({ state: 'FAILED', billedBytes: 0, costUsd: 0 });
    const again = await runHistoryReplay(request({ resume: report.resume }), deps());
    expect(again.complete).toBe(true);
    expect(again.athena?.resumedQuery).toBe(false);
  });

  it('reports the same intermittency totals when interrupted at every page boundary as in one uninterrupted run', async () => {
    // Prepare: the uninterrupted reference, then a replay whose every invocation reads one page of 10 rows.
    const whole = await runHistoryReplay(request(WINDOW), deps({}, 10));
    const onePagePerInvocation = (): Partial<HistoryReplayDeps> => {
      const base = createAthenaHistoryEngine({ client, workGroup: 'primary', database: TABLE.database, pageSize: 10 });
      const stop = new AbortController();
      const engine: HistoryEngine = {
        start: (sql) => base.start(sql),
        status: (id) => base.status(id),
        page: async (id, token) => {
          const page = await base.page(id, token);
          // Ctrl-C right after a page arrives: the invocation finishes the page and stops at its boundary.
          stop.abort();
          return page;
        },
      };
      return { engine, stop: stop.signal };
    };
    // Act
    let report = await runHistoryReplay(request(WINDOW), deps(onePagePerInvocation()));
    const boundaries: number[] = [];
    while (report.resume !== null) {
      const state = decodeHistoryResumeToken(report.resume);
      expect(state.ok && state.value.skipInPage).toBe(0);
      boundaries.push(state.ok ? state.value.rowsRead : -1);
      report = await runHistoryReplay(request({ resume: report.resume }), deps(onePagePerInvocation()));
      expect(boundaries.length).toBeLessThan(20);
    }
    // Assess: a stop after each of the 11 pages (102 rows; Athena's first page spends one of its 10 on
    // the header row), the last invocation finishing on the last page.
    expect(boundaries).toEqual([9, 19, 29, 39, 49, 59, 69, 79, 89, 99]);
    expect(report.totals).toMatchObject({ invocations: 11, recordsScanned: 102, denials: 37 });
    expect(report.intermittency).toEqual(whole.intermittency);
    expect(report.intermittencyTotal).toBe(whole.intermittencyTotal);
    const tokyo = report.intermittency.find((row) => row.accountId === '111122223333');
    expect(tokyo).toMatchObject({ calls: 100, successes: 63, failures: 37, failedShare: 0.37, denialsByRegion: { 'ap-south-1': 30, 'ap-southeast-2': 7 } });
    expect(describeIntermittency(tokyo!, 'en')).toBe(`${APAC} from ap-northeast-1: 37% of 100 calls failed; every failure was routed to ap-south-1 or ap-southeast-2, denied by p-examplescp1.`);
  });

  it('keeps the intermittency totals across stops inside pages and an expired page token', async () => {
    const whole = await runHistoryReplay(request(WINDOW), deps());
    let report = await runHistoryReplay(request({ ...WINDOW, maxEvents: 7 }), deps({}, 4));
    let invocations = 1;
    while (report.resume !== null) {
      if (invocations === 4) server.expireTokens();
      report = await runHistoryReplay(request({ resume: report.resume, maxEvents: 7 }), deps({}, 4));
      invocations += 1;
      expect(invocations).toBeLessThan(30);
    }
    expect(invocations).toBe(Math.ceil(102 / 7));
    expect(report.intermittency).toEqual(whole.intermittency);
  });
});
