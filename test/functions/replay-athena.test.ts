import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDynamoDbOrgSnapshotStore } from '../../shared/adapters/dynamodb-org-snapshot-store.js';
import { japanOrganization } from '../fixtures/org/model.js';
import { snapshotOf } from '../fixtures/org/snapshot.js';
import { startDynalite, type LocalDynamoDb } from '../helpers/dynalite.js';
import { buildReplayDependencies, createReplayHandler, type ReplayResponse } from '../../functions/replay.js';
import { startAthenaServer, type AthenaServer } from '../helpers/athena-server.js';
import { bedrockDenial, bedrockSuccess, writeTrailFile } from '../helpers/org-trail.js';

const ORG = 'o-a1b2c3d4e5';
const APAC = 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0';
const MODEL = 'anthropic.claude-3-5-sonnet-20241022-v2:0';

let dir: string;
let server: AthenaServer;
const previous = process.env.AWS_ENDPOINT_URL_ATHENA;

function context(remainingMs = 120_000): Context {
  return { functionName: 'cris-auditor-test-replay', awsRequestId: 'request-1', getRemainingTimeInMillis: () => remainingMs } as unknown as Context;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'replay-athena-'));
  const call = { account: '111122223333', region: 'ap-northeast-1', modelId: APAC };
  writeTrailFile({ bucketDir: dir, orgId: ORG }, {
    account: '111122223333', region: 'ap-northeast-1', deliveredAt: '2026-11-20T10:05:00Z',
    records: [
      bedrockDenial({ ...call, time: '2026-11-20T10:00:00Z', deniedRegion: 'ap-south-1', foundationModel: MODEL }),
      bedrockSuccess({ ...call, time: '2026-11-20T10:01:00Z', routedTo: 'ap-northeast-3' }),
    ],
  });
  server = await startAthenaServer({ bucketDir: dir, orgId: ORG, database: 'cris_auditor_history', table: 'cloudtrail', regions: ['ap-northeast-1'], workGroups: { 'cris-auditor-dev-history': { bytesScannedCutoffPerQuery: null } } });
  // The real AthenaClient finds the loopback through the SDK's own endpoint variable.
  process.env.AWS_ENDPOINT_URL_ATHENA = server.endpoint;
}, 60_000);

afterAll(async () => {
  if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_ATHENA;
  else process.env.AWS_ENDPOINT_URL_ATHENA = previous;
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('replay function with source: athena', () => {
  it('runs the query through the real Athena client at AWS_ENDPOINT_URL_ATHENA and reports findings, intermittency and cost', async () => {
    // Prepare
    const handler = createReplayHandler(() => buildReplayDependencies({ AWS_REGION: 'ap-northeast-1', HISTORY_WORKGROUP: 'cris-auditor-dev-history', HISTORY_ACCOUNTS: '111122223333' }));
    // Act
    const answer = (await handler({ source: 'athena', from: '2026-11-20T00:00:00Z', to: '2026-11-20T12:00:00Z', dryRun: true }, context())) as ReplayResponse;
    // Assess
    expect(answer.ok).toBe(true);
    if (!answer.ok) return;
    expect(answer.report).toMatchObject({ source: 'athena', complete: true, recordsScanned: 2, denials: 1, athena: { state: 'SUCCEEDED', accounts: ['111122223333'] } });
    expect(answer.report.intermittency[0]).toMatchObject({ calls: 2, failures: 1, denialsByRegion: { 'ap-south-1': 1 }, successesByRegion: { 'ap-northeast-3': 1 } });
    expect(answer.report.crossRegionScpGroups[0]).toMatchObject({ deniedRegion: 'ap-south-1', count: 1 });
    expect(answer.next).toBeNull();
    expect(server.queries.at(-1)?.workGroup).toBe('cris-auditor-dev-history');
  });

  it('refuses source: athena, naming the stack parameter, when the stack has no history bucket', async () => {
    const handler = createReplayHandler(() => buildReplayDependencies({ AWS_REGION: 'ap-northeast-1' }));
    const answer = (await handler({ source: 'athena', from: '-P1D', accounts: ['111122223333'] }, context())) as ReplayResponse;
    expect(answer).toMatchObject({ ok: false, field: 'source', reason: expect.stringMatching(/historyBucket/) });
  });

  it('answers a next payload that keeps the source when it stops early', async () => {
    const handler = createReplayHandler(() => buildReplayDependencies({ AWS_REGION: 'ap-northeast-1', HISTORY_WORKGROUP: 'cris-auditor-dev-history', HISTORY_ACCOUNTS: '111122223333' }));
    const answer = (await handler({ source: 'athena', from: '2026-11-20T00:00:00Z', to: '2026-11-20T12:00:00Z', maxEvents: 1, dryRun: true }, context())) as ReplayResponse;
    expect(answer.ok && answer.next).toMatchObject({ source: 'athena', resume: expect.stringMatching(/^cra1\./), dryRun: true, maxEvents: 1 });
    if (!answer.ok || answer.next === null) return;
    const rest = (await handler(answer.next, context())) as ReplayResponse;
    expect(rest.ok && rest.report).toMatchObject({ complete: true, recordsScanned: 1, totals: { recordsScanned: 2, denials: 1 } });
  });

  it('still accepts source: lookup-events for the CloudTrail reader', async () => {
    const handler = createReplayHandler(() => buildReplayDependencies({ AWS_REGION: 'ap-northeast-1' }));
    const answer = (await handler({ source: 'lookup-events', from: '2020-01-01T00:00:00Z' }, context())) as ReplayResponse;
    // Validated by the LookupEvents reader: its 90-day rule answers, not an unknown-field refusal.
    expect(answer).toMatchObject({ ok: false, field: 'from', reason: expect.stringMatching(/90 days/) });
  });

  describe('accounts from the stored organization snapshot', () => {
    let db: LocalDynamoDb;
    beforeAll(async () => {
      db = await startDynalite();
    });
    afterAll(async () => {
      await db?.stop();
    });
    afterEach(() => {
      vi.unstubAllEnvs();
    });
    const env = (table: string) => ({ AWS_REGION: 'ap-northeast-1', HISTORY_WORKGROUP: 'cris-auditor-dev-history', TABLE_NAME: table, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });

    it('reads every active account of the snapshot the stack stores when the payload names none and HISTORY_ACCOUNTS is unset', async () => {
      // Prepare: the snapshot saved by the real store, in the stack's table on dynalite.
      await db.createTable('snapshot-accounts');
      const model = japanOrganization();
      model.parents['111122223333'] = 'r-ab12';
      model.attachments['111122223333'] = ['p-FullAWSAccess'];
      await createDynamoDbOrgSnapshotStore({ client: db.client, tableName: 'snapshot-accounts' }).save(snapshotOf(model), null);
      vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
      const handler = createReplayHandler(() => buildReplayDependencies(env('snapshot-accounts')));
      // Act
      const answer = (await handler({ source: 'athena', from: '2026-11-20T00:00:00Z', to: '2026-11-20T12:00:00Z', dryRun: true }, context())) as ReplayResponse;
      // Assess: 12 active accounts (not the suspended one), the query names them, the calls of 111122223333 are read.
      expect(answer.ok).toBe(true);
      if (!answer.ok) return;
      expect(answer.report.athena?.accounts).toEqual(['100000000001', '100000000002', '111122223333', '210000000001', '210000000002', '210000000003', '210000000004', '210000000005', '220000000001', '220000000002', '220000000003', '220000000004']);
      expect(answer.report).toMatchObject({ complete: true, recordsScanned: 2, denials: 1 });
      expect(server.queries.at(-1)?.sql).toContain("account IN ('100000000001', '100000000002', '111122223333'");
    });

    it('refuses, naming accounts and why the snapshot gave none, when no snapshot is stored', async () => {
      await db.createTable('snapshot-none');
      vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
      const handler = createReplayHandler(() => buildReplayDependencies(env('snapshot-none')));
      const answer = (await handler({ source: 'athena', from: '2026-11-20T00:00:00Z', to: '2026-11-20T12:00:00Z' }, context())) as ReplayResponse;
      expect(answer).toMatchObject({ ok: false, field: 'accounts', reason: expect.stringMatching(/^accounts: is required: .*none could be taken from the organization snapshot \(no snapshot is stored yet\); name them in accounts, set HISTORY_ACCOUNTS/) });
    });
  });
});
