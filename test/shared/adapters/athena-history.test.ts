import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAthenaHistoryEngine } from '../../../shared/adapters/athena-history.js';
import { buildHistoryQuery } from '../../../shared/core/history/query.js';
import { startAthenaServer, topLevelConjuncts, type AthenaServer } from '../../helpers/athena-server.js';
import { bedrockDenial, bedrockSuccess, otherServiceEvent, writeTrailFile, type TrailLayout } from '../../helpers/org-trail.js';

const ORG = 'o-a1b2c3d4e5';
const ACCOUNTS = ['111122223333', '444455556666'];
const REGIONS = ['ap-northeast-1', 'us-east-1'];
const TABLE = { database: 'cris_auditor_history', table: 'cloudtrail' };
const PROFILE = 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0';
const MODEL = 'anthropic.claude-3-5-sonnet-20241022-v2:0';

let dir: string;
let layout: TrailLayout;
let server: AthenaServer;
let client: AthenaClient;

function day(offset: number): string {
  return new Date(Date.UTC(2026, 10, 1) + offset * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
  // Prepare: 30 days × 2 accounts × 2 Regions, two files a day, Bedrock calls and other services' events.
  dir = mkdtempSync(join(tmpdir(), 'org-trail-'));
  layout = { bucketDir: dir, prefix: 'trail', orgId: ORG };
  for (let d = 0; d < 30; d += 1) {
    for (const account of ACCOUNTS) {
      for (const region of REGIONS) {
        for (const hour of ['06', '18']) {
          const time = `${day(d)}T${hour}:00:00Z`;
          writeTrailFile(layout, {
            account,
            region,
            deliveredAt: `${day(d)}T${hour}:05:00Z`,
            records: [
              bedrockSuccess({ account, region, time, modelId: PROFILE, routedTo: 'ap-northeast-3' }),
              bedrockDenial({ account, region, time, modelId: PROFILE, deniedRegion: 'ap-south-1', foundationModel: MODEL }),
              otherServiceEvent({ account, region, time, denied: true }),
            ],
          });
        }
      }
    }
  }
  server = await startAthenaServer({
    bucketDir: dir, prefix: 'trail', orgId: ORG, ...TABLE, regions: [...REGIONS, 'eu-west-1'], rangeStart: '2026/01/01',
    workGroups: { primary: { bytesScannedCutoffPerQuery: null }, 'cris-auditor': { bytesScannedCutoffPerQuery: 4_000 } },
    now: () => Date.parse('2026-12-01T12:00:00Z'),
  });
  client = new AthenaClient({ endpoint: server.endpoint, region: 'ap-northeast-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(sql: string, workGroup = 'primary'): Promise<{ id: string; state: string; reason: string | null; scanned: number }> {
  const engine = createAthenaHistoryEngine({ client, workGroup, database: TABLE.database });
  const id = await engine.start(sql);
  for (;;) {
    const status = await engine.status(id);
    if (status.state !== 'QUEUED' && status.state !== 'RUNNING') return { id, state: status.state, reason: status.reason, scanned: status.dataScannedBytes };
  }
}

function historySql(from: string, to: string, accounts = ACCOUNTS, regions: string[] = []): string {
  const built = buildHistoryQuery(TABLE, { from, to, accounts, regions });
  if (!built.ok) throw new Error(built.reason);
  return built.value.sql;
}

describe('loopback Athena over DuckDB', () => {
  it('a one-day query over a 30-day tree touches that day only, in every account and Region named', async () => {
    // Act
    const result = await run(historySql('2026-11-15T00:00:00Z', '2026-11-15T22:00:00Z'));
    // Assess
    expect(result.state).toBe('SUCCEEDED');
    const query = server.queries.find((q) => q.id === result.id);
    expect(new Set(query?.touched.map((p) => p.day))).toEqual(new Set(['2026/11/15']));
    expect(query?.touched).toHaveLength(ACCOUNTS.length * REGIONS.length);
    expect(query?.filesRead).toBe(ACCOUNTS.length * REGIONS.length * 2);
    // Two Bedrock calls per file; the other service's denial is left out by the query.
    expect(query?.rows).toBe(ACCOUNTS.length * REGIONS.length * 2 * 2);
    expect(result.scanned).toBe(query?.dataScannedBytes);
    expect(result.scanned).toBeGreaterThan(0);
  });

  it('prunes by account and Region when the query names them', async () => {
    const result = await run(historySql('2026-11-10T00:00:00Z', '2026-11-12T12:00:00Z', ['444455556666'], ['us-east-1']));
    const query = server.queries.find((q) => q.id === result.id);
    expect(query?.touched.map((p) => `${p.account}|${p.region}|${p.day}`)).toEqual([
      '444455556666|us-east-1|2026/11/10',
      '444455556666|us-east-1|2026/11/11',
      '444455556666|us-east-1|2026/11/12',
    ]);
  });

  it('reads the next day too when the window ends within the delivery slack of midnight', async () => {
    const result = await run(historySql('2026-11-15T00:00:00Z', '2026-11-15T23:30:00Z', ['111122223333'], ['us-east-1']));
    const query = server.queries.find((q) => q.id === result.id);
    expect(query?.touched.map((p) => p.day)).toEqual(['2026/11/15', '2026/11/16']);
    // The next day's calls are outside the window: the eventtime predicate keeps them out.
    expect(query?.rows).toBe(4);
  });

  it('fails a query that gives the injected account partition no static value, as Athena does', async () => {
    const result = await run(`SELECT eventid FROM "cris_auditor_history"."cloudtrail" WHERE "timestamp" = '2026/11/15'`);
    expect(result.state).toBe('FAILED');
    expect(result.reason).toMatch(/^CONSTRAINT_VIOLATION: For the injected projected partition column account/);
  });

  it('fails a query on a table that does not exist with TABLE_NOT_FOUND', async () => {
    const result = await run(`SELECT eventid FROM "cris_auditor_history"."cloudtrail_logs" WHERE account = '111122223333'`);
    expect(result.state).toBe('FAILED');
    expect(result.reason).toBe("TABLE_NOT_FOUND: line 1:1: Table 'awsdatacatalog.cris_auditor_history.cloudtrail_logs' does not exist");
  });

  it('cancels a query that would scan more than the workgroup cutoff, reporting what it scanned', async () => {
    const result = await run(historySql('2026-11-01T00:00:00Z', '2026-11-20T00:00:00Z'), 'cris-auditor');
    expect(result.state).toBe('CANCELLED');
    expect(result.reason).toMatch(/Bytes scanned limit was exceeded/);
    expect(result.scanned).toBeGreaterThan(4_000);
  });

  it('refuses an unknown workgroup when the query is started', async () => {
    const engine = createAthenaHistoryEngine({ client, workGroup: 'nope', database: TABLE.database });
    await expect(engine.start('SELECT 1')).rejects.toMatchObject({ name: 'InvalidRequestException', message: 'WorkGroup nope is not found.' });
  });

  it('answers the header row first, pages by MaxResults with NextToken, and refuses more than 1,000 rows a page', async () => {
    const result = await run(historySql('2026-11-01T00:00:00Z', '2026-11-04T22:00:00Z'));
    const first = await client.send(new GetQueryResultsCommand({ QueryExecutionId: result.id, MaxResults: 10 }));
    expect(first.ResultSet?.Rows?.[0]?.Data?.map((d) => d.VarCharValue)).toEqual(first.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => c.Name));
    expect(first.ResultSet?.Rows).toHaveLength(10);
    expect(first.NextToken).toBeDefined();
    await expect(client.send(new GetQueryResultsCommand({ QueryExecutionId: result.id, MaxResults: 1001 }))).rejects.toMatchObject({ name: 'InvalidRequestException' });
    // Through the adapter: the header row is dropped and every row comes exactly once.
    const engine = createAthenaHistoryEngine({ client, workGroup: 'primary', database: TABLE.database, pageSize: 7 });
    const ids: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const page = await engine.page(result.id, token);
      if (!page.ok) throw new Error(page.reason);
      pages += 1;
      ids.push(...page.value.rows.map((row) => row[page.value.columns.indexOf('eventid')] ?? ''));
      token = page.value.nextToken;
    } while (token !== null);
    const expected = 4 * ACCOUNTS.length * REGIONS.length * 2 * 2;
    expect(ids).toHaveLength(expected);
    expect(new Set(ids).size).toBe(expected);
    expect(pages).toBe(Math.ceil((expected + 1) / 7));
  });

  it('says when a page token was refused (expired), so the caller can restart from the first page', async () => {
    const result = await run(historySql('2026-11-01T00:00:00Z', '2026-11-01T22:00:00Z'));
    const engine = createAthenaHistoryEngine({ client, workGroup: 'primary', database: TABLE.database, pageSize: 3 });
    const first = await engine.page(result.id, null);
    if (!first.ok || first.value.nextToken === null) throw new Error('expected a second page');
    server.expireTokens();
    const second = await engine.page(result.id, first.value.nextToken);
    expect(second).toMatchObject({ ok: false, tokenRejected: true });
  });

  it('refuses results of a query that has not finished, naming its state', async () => {
    const started = await client.send(new StartQueryExecutionCommand({ QueryString: historySql('2026-11-02T00:00:00Z', '2026-11-02T01:00:00Z'), WorkGroup: 'primary' }));
    const slow = await startAthenaServer({ bucketDir: dir, prefix: 'trail', orgId: ORG, ...TABLE, regions: REGIONS, runningPolls: 5 });
    try {
      const slowClient = new AthenaClient({ endpoint: slow.endpoint, region: 'ap-northeast-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
      const engine = createAthenaHistoryEngine({ client: slowClient, workGroup: 'primary', database: TABLE.database });
      const id = await engine.start(historySql('2026-11-02T00:00:00Z', '2026-11-02T01:00:00Z'));
      expect((await engine.status(id)).state).toBe('RUNNING');
      const page = await engine.page(id, null);
      expect(page).toMatchObject({ ok: false, tokenRejected: false });
      expect(page.ok ? '' : page.reason).toMatch(/Query has not yet finished. Current state: RUNNING/);
    } finally {
      await slow.close();
    }
    expect(started.QueryExecutionId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('topLevelConjuncts', () => {
  it('keeps BETWEEN … AND together and ignores AND inside quotes and parentheses', () => {
    expect(topLevelConjuncts(`a IN ('x AND y') AND "timestamp" BETWEEN '1' AND '2' AND (b = 1 AND c = 2) AND d = 'it''s'`)).toEqual([
      `a IN ('x AND y')`,
      `"timestamp" BETWEEN '1' AND '2'`,
      '(b = 1 AND c = 2)',
      `d = 'it''s'`,
    ]);
  });
});
