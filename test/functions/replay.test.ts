import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildReplayDependencies, createReplayHandler, type ReplayDependencies, type ReplayResponse } from '../../functions/replay.js';
import { createCloudTrailLookup } from '../../shared/adapters/cloudtrail-lookup.js';
import { createDynamoDbAggregateReader } from '../../shared/adapters/dynamodb-aggregate-reader.js';
import { createDynamoDbAlertStore } from '../../shared/adapters/dynamodb-alert-store.js';
import { createDynamoDbCallCountWriter } from '../../shared/adapters/dynamodb-call-counts.js';
import { createDynamoDbCallCountReader } from '../../shared/adapters/dynamodb-call-count-reader.js';
import { classifyRecord } from '../../shared/core/classify/classify.js';
import { suggestFix } from '../../shared/core/fix/suggest-fix.js';
import type { AggregateWriter, Notifier } from '../../shared/core/ports.js';
import { loadBundledCatalog } from '../../shared/core/classify/profile-catalog.js';
import { hourBucketsBetween } from '../../shared/core/alert/store-keys.js';
import type { CloudTrailRecord } from '../../shared/core/types.js';
import { makeBedrockEvents, startCloudTrailServer, type CloudTrailServer, type ServerEvent } from '../helpers/cloudtrail-server.js';
import { startDynalite, type LocalDynamoDb } from '../helpers/dynalite.js';
import { loadEvent, ROOT } from '../helpers/load-event.js';

const catalog = loadBundledCatalog();
const NOW = Date.parse('2026-11-28T00:00:00Z');
const NEWEST = Date.parse('2026-11-27T12:00:00Z') / 1000;
const PAYLOAD = { from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z' };

let server: CloudTrailServer;
let db: LocalDynamoDb;

function contextWith(remainingMs: number): Context {
  return { functionName: 'cris-auditor-test-replay', awsRequestId: 'request-1', getRemainingTimeInMillis: () => remainingMs } as unknown as Context;
}

/** A sample record from events/cloudtrail, as LookupEvents would return it at `time`. */
function sampleEvent(file: string, time: number): ServerEvent {
  const record = loadEvent<CloudTrailRecord>(`cloudtrail/${file}`);
  record.eventTime = new Date(time * 1000).toISOString();
  return { EventId: String(record.eventID), EventName: String(record.eventName), EventTime: time, EventSource: 'bedrock.amazonaws.com', CloudTrailEvent: JSON.stringify(record) };
}

function recordingWriter(): AggregateWriter & { calls: Parameters<AggregateWriter['addOccurrences']>[0][] } {
  const calls: Parameters<AggregateWriter['addOccurrences']>[0][] = [];
  return { calls, addOccurrences: async (input) => { calls.push(input); } };
}

function recordingNotifier(): Notifier & { alerts: Parameters<Notifier['notify']>[0][] } {
  const alerts: Parameters<Notifier['notify']>[0][] = [];
  return { alerts, notify: async (alert) => { alerts.push(alert); } };
}

function deps(overrides: Partial<ReplayDependencies> = {}): ReplayDependencies {
  return {
    lookup: createCloudTrailLookup({
      clientFor: (region) => new CloudTrailClient({ region, endpoint: server.endpoint, maxAttempts: 1 }),
      rate: { ratePerSecond: 10_000, burst: 10_000 },
    }),
    classify: (record) => classifyRecord(record, { catalog }),
    suggestFix: (finding, lang, scps) => suggestFix(finding, scps === undefined ? { catalog, lang } : { catalog, lang, scps }),
    writer: recordingWriter(),
    notifier: recordingNotifier(),
    defaultRegions: ['ap-northeast-1'],
    lang: 'en',
    now: () => NOW,
    ...overrides,
  };
}

async function invoke(handlerDeps: ReplayDependencies, payload: unknown, remainingMs = 60_000): Promise<ReplayResponse> {
  return createReplayHandler(handlerDeps)(payload, contextWith(remainingMs));
}

beforeAll(async () => {
  server = await startCloudTrailServer();
  db = await startDynalite();
  server.setEvents('ap-northeast-1', [
    ...makeBedrockEvents({ region: 'ap-northeast-1', count: 130, newest: NEWEST, denialEvery: 10 }),
    sampleEvent('identity-explicit-deny.json', NEWEST - 7200),
    sampleEvent('model-access-not-granted.json', NEWEST - 7300),
  ]);
  server.setEvents('ap-southeast-2', makeBedrockEvents({ region: 'ap-southeast-2', count: 60, newest: NEWEST - 3600, denialEvery: 20, idPrefix: 'syd' }));
  // Eight pages, with bursts of events in the same second: for the deadline and resume tests.
  server.setEvents('eu-west-1', makeBedrockEvents({ region: 'eu-west-1', count: 400, newest: NEWEST, spacingSeconds: 0.2, denialEvery: 10, idPrefix: 'dub' }));
});
afterAll(async () => {
  await server.close();
  await db.stop();
});
afterEach(() => {
  server.requests.length = 0;
  vi.unstubAllEnvs();
});

describe('replay handler', () => {
  it('reports records scanned, findings by verdict and the cross-Region SCP groups, storing and sending nothing by default', async () => {
    // Prepare
    const handlerDeps = deps();

    // Act
    const response = await invoke(handlerDeps, { ...PAYLOAD, regions: ['ap-northeast-1', 'ap-southeast-2'] });

    // Assess
    expect(response.ok).toBe(true);
    if (!response.ok) return;
    const { report } = response;
    expect(report).toMatchObject({ recordsScanned: 192, denials: 18, complete: true, resume: null, stored: null, notified: null, errors: [] });
    expect(report.findingsByVerdict).toMatchObject({ 'cross-region-scp': 13, identity: 1, 'model-access': 1, scp: 3 });
    expect(report.crossRegionScpGroups).toHaveLength(1);
    expect(report.crossRegionScpGroups[0]).toMatchObject({
      count: 13,
      firstSeen: '2026-11-27T11:58:00Z',
      lastSeen: '2026-11-27T12:00:00Z',
      accountId: '111122223333',
      principal: 'arn:aws:iam::111122223333:role/app-role',
      profileId: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0',
      // Sydney's denials name a Sydney resource: a same-Region SCP denial, not this group.
      sourceRegions: ['ap-northeast-1'],
      deniedRegion: 'ap-southeast-2',
    });
    expect(report.streams.map((s) => [s.region, s.recordsScanned, s.denials, s.complete])).toEqual([
      ['ap-northeast-1', 132, 15, true],
      ['ap-southeast-2', 60, 3, true],
    ]);
    expect(report.crossRegionScpGroups[0]?.recommendedFix).toMatchObject({ rank: 1, title: expect.any(String) });
    expect((handlerDeps.writer as ReturnType<typeof recordingWriter>).calls).toEqual([]);
    expect((handlerDeps.notifier as ReturnType<typeof recordingNotifier>).alerts).toEqual([]);
    expect(response.next).toBeNull();
  });

  it.each([
    ['from after to', { from: '2026-11-28T00:00:00Z', to: '2026-11-27T00:00:00Z' }, 'from'],
    ['a window beyond 90 days', { from: '2026-08-01T00:00:00Z' }, 'from'],
    ['an unknown Region format', { ...PAYLOAD, regions: ['tokyo'] }, 'regions[0]'],
    ['a bad resume token', { resume: 'crr1.AAAA.0000000000000000' }, 'resume'],
    ['a misspelt flag', { ...PAYLOAD, dry_run: true }, 'dry_run'],
  ])('refuses %s with an answer naming %s, reading nothing', async (_name, payload, field) => {
    const response = await invoke(deps(), payload);

    expect(response).toEqual({ ok: false, field, reason: expect.stringMatching(new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}: `)) });
    expect(server.requests).toEqual([]);
  });

  it('sends one alert per fingerprint, not per event, when notify is set', async () => {
    const notifier = recordingNotifier();

    const response = await invoke(deps({ notifier }), { ...PAYLOAD, notify: true });

    expect(response.ok && response.report.notified).toEqual({ alerts: 3, failures: 0 });
    const crossRegion = notifier.alerts.find((a) => a.finding.verdict === 'cross-region-scp');
    expect(crossRegion?.repeats).toBe(12);
    expect(notifier.alerts).toHaveLength(3);
  });

  it('dryRun reads and classifies but writes and sends nothing, even with store and notify', async () => {
    const writer = recordingWriter();
    const notifier = recordingNotifier();

    const response = await invoke(deps({ writer, notifier }), { ...PAYLOAD, store: true, notify: true, dryRun: true });

    expect(response.ok && response.report).toMatchObject({ denials: 15, stored: null, notified: null, mode: { dryRun: true } });
    expect(response.ok && response.report.warnings).toEqual(['dryRun is set: nothing was stored', 'dryRun is set: no alert was sent']);
    expect(writer.calls).toEqual([]);
    expect(notifier.alerts).toEqual([]);
  });

  it('store writes hourly aggregates through the AggregateWriter port, with the fix attached', async () => {
    const writer = recordingWriter();

    await invoke(deps({ writer }), { ...PAYLOAD, store: true, regions: ['ap-southeast-2'] });

    expect(writer.calls.every((c) => c.finding.fix?.recommended !== null && c.finding.fix?.recommended !== undefined)).toBe(true);
    // 60 events a second apart from 11:00:00 back: denials at 11:00:00 (hour 11), 10:59:40 and 10:59:20 (hour 10).
    expect(writer.calls.map((c) => [c.firstSeen, c.lastSeen, c.count])).toEqual([
      ['2026-11-27T11:00:00Z', '2026-11-27T11:00:00Z', 1],
      ['2026-11-27T10:59:20Z', '2026-11-27T10:59:40Z', 2],
    ]);
    expect(new Set(writer.calls.map((c) => c.fingerprint)).size).toBe(1);
  });

  it('resumed invocations cut by the deadline store every denial exactly once in DynamoDB', async () => {
    // Prepare: the real alert store on dynalite, CloudTrail at its real 2 requests/s.
    const tableName = 'replay-resume';
    await db.createTable(tableName);
    const writer = createDynamoDbAlertStore({ client: db.client, tableName });
    const paced = deps({
      writer,
      lookup: createCloudTrailLookup({ clientFor: (region) => new CloudTrailClient({ region, endpoint: server.endpoint, maxAttempts: 1 }) }),
      safetyMarginMs: 500,
    });
    const responses: ReplayResponse[] = [];

    // Act: each invocation has 1.5 s minus a 0.5 s margin, room for about 4 of the 8 pages at 2 requests/s.
    let payload: unknown = { ...PAYLOAD, store: true, regions: ['eu-west-1', 'ap-southeast-2'] };
    while (payload !== null && responses.length < 10) {
      const response = await invoke(paced, payload, 1_500);
      responses.push(response);
      payload = response.ok ? response.next : null;
    }

    // Assess
    const reports = responses.flatMap((r) => (r.ok ? [r.report] : []));
    expect(reports.length).toBeGreaterThan(1);
    expect(reports[0]).toMatchObject({ complete: false, resume: expect.stringMatching(/^crr1\./) });
    expect(reports.at(-1)?.complete).toBe(true);
    expect(reports.reduce((sum, r) => sum + r.recordsScanned, 0)).toBe(460);
    expect(reports.reduce((sum, r) => sum + r.denials, 0)).toBe(43);
    expect(reports.at(-1)?.totals).toEqual({ invocations: reports.length, recordsScanned: 460, denials: 43, byVerdict: { 'cross-region-scp': 40, scp: 3 } });
    const reader = createDynamoDbAggregateReader({ client: db.client, tableName, onInvalidItem: () => {} });
    let stored = 0;
    for (const hour of hourBucketsBetween(new Date(PAYLOAD.from), new Date(PAYLOAD.to))) {
      for (const aggregate of await reader.listHour(hour)) stored += aggregate.count;
    }
    expect(stored).toBe(43);
  });

  it('reports the same intermittency over resumed invocations as in one run, and stores each call once per day', async () => {
    // Prepare: the real call-count store on dynalite; Dublin's 400 calls (40 denied) in 8 pages of 50.
    const tableName = 'replay-calls';
    await db.createTable(tableName);
    const callWriter = createDynamoDbCallCountWriter({ client: db.client, tableName });
    const payload = { ...PAYLOAD, store: true, regions: ['eu-west-1'] };
    const whole = await invoke(deps(), { ...payload, store: false });
    // Act: every invocation stops at a page boundary (maxEvents 50).
    let next: unknown = { ...payload, maxEvents: 50 };
    const reports = [];
    while (next !== null && reports.length < 12) {
      const response = await invoke(deps({ callWriter }), next);
      if (!response.ok) throw new Error(response.reason);
      reports.push(response.report);
      next = response.next;
    }
    // Assess
    expect(whole.ok).toBe(true);
    if (!whole.ok) return;
    expect(reports).toHaveLength(8);
    const last = reports.at(-1);
    expect(last?.intermittency).toEqual(whole.report.intermittency);
    expect(last?.intermittency).toEqual([
      expect.objectContaining({ accountId: '111122223333', profile: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0', sourceRegion: 'eu-west-1', calls: 400, successes: 360, failures: 40, failedShare: 0.1, denialsByRegion: { 'ap-southeast-2': 40 } }),
    ]);
    expect(reports.every((r) => r.storedCalls?.items === 1 && r.storedCalls.failures === 0)).toBe(true);
    const stored = await createDynamoDbCallCountReader({ client: db.client, tableName }).listDay('2026-11-27');
    expect(stored).toEqual([
      expect.objectContaining({ accountId: '111122223333', sourceRegion: 'eu-west-1', calls: 400, successes: 360, failures: 40, failedShare: 0.1, denialsByRegion: { 'ap-southeast-2': 40 }, successesByRegion: { 'not-recorded': 360 } }),
    ]);
  });

  it('stops at maxEvents with a next payload that carries the flags', async () => {
    const response = await invoke(deps(), { ...PAYLOAD, maxEvents: 40, store: true, dryRun: true });

    expect(response.ok && response.report.recordsScanned).toBe(40);
    expect(response.ok && response.next).toEqual({ resume: expect.stringMatching(/^crr1\./), store: true, notify: false, dryRun: true, maxEvents: 40 });
  });

  it('builds its dependencies from the environment and reads CloudTrail at AWS_ENDPOINT_URL_CLOUDTRAIL', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', server.endpoint);
    const built = buildReplayDependencies({ REPLAY_REGIONS: 'ap-southeast-2, ap-northeast-1', LOCALE: 'ja', AWS_REGION: 'ap-northeast-1' });

    const response = await invoke({ ...built, now: () => NOW }, { ...PAYLOAD, regions: ['ap-southeast-2'] });

    expect(built).toMatchObject({ defaultRegions: ['ap-southeast-2', 'ap-northeast-1'], lang: 'ja', writer: null, notifier: null });
    expect(response.ok && response.report.recordsScanned).toBe(60);
    expect(server.requests.every((r) => r.region === 'ap-southeast-2')).toBe(true);
  });

  it('refuses a configuration with an invalid setting, naming it', () => {
    expect(() => buildReplayDependencies({ LOCALE: 'fr' })).toThrow(/LOCALE/);
  });

  it('writes the fixes in the language of the payload', async () => {
    const response = await invoke(deps(), { ...PAYLOAD, lang: 'ja' });

    expect(response.ok && response.report.crossRegionScpGroups[0]?.recommendedFix?.title).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });

  it('reports a group without a fix, and says so, when the fix engine throws', async () => {
    const response = await invoke(deps({ suggestFix: () => { throw new Error('boom'); } }), PAYLOAD);

    expect(response.ok && response.report.crossRegionScpGroups[0]?.recommendedFix).toBeNull();
    expect(response.ok && response.report.warnings).toEqual(['the fix engine failed on 3 fingerprints; they are reported without a fix']);
  });

  it('verifies SCP fixes against the SCPs in force, reading them once per account', async () => {
    // Prepare
    const asked: string[] = [];
    const scp = { id: 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-regiondeny', name: 'region-deny', content: readFileSync(join(ROOT, 'events', 'scp', 'region-deny-eu.json'), 'utf8') };
    const scpsFor = async (accountId: string) => {
      asked.push(accountId);
      return { ok: true as const, value: [[scp]] };
    };

    // Act
    const response = await invoke(deps({ scpsFor }), PAYLOAD);

    // Assess
    expect(asked).toEqual(['111122223333']);
    expect(response.ok && response.report.crossRegionScpGroups[0]?.recommendedFix).toMatchObject({ id: 'allow-profile-only', verification: 'verified' });
  });

  it('reports fixes unverified, with a warning naming the account, when the SCPs cannot be read', async () => {
    const scpsFor = async () => ({ ok: false as const, reason: 'ListParents(111122223333) failed: AccessDeniedException' });

    const response = await invoke(deps({ scpsFor }), PAYLOAD);

    expect(response.ok && response.report.warnings).toContain('SCPs of account 111122223333 not read, its fixes are unverified: ListParents(111122223333) failed: AccessDeniedException');
    expect(response.ok && response.report.crossRegionScpGroups[0]?.recommendedFix?.id).toBe('allow-profile-only');
  });

  it('warns instead of failing when store is asked for and no table is configured', async () => {
    const response = await invoke(deps({ writer: null }), { ...PAYLOAD, store: true });

    expect(response.ok && response.report.warnings).toEqual(['store was requested but no alert store is configured (TABLE_NAME): nothing was stored']);
  });
});
