import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { STSClient } from '@aws-sdk/client-sts';
import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createCloudTrailClientFactory,
  createCloudTrailLookup,
  partitionOf,
  type LookupClock,
} from '../../../shared/adapters/cloudtrail-lookup.js';
import type { LookupRecord } from '../../../shared/core/replay/lookup-port.js';
import { decodeResumeToken, encodeResumeToken, initialCursors, type StreamCursor } from '../../../shared/core/replay/resume.js';
import { makeBedrockEvents, startCloudTrailServer, type CloudTrailServer } from '../../helpers/cloudtrail-server.js';

const NEWEST = Date.parse('2026-11-27T12:00:00Z') / 1000;
const WINDOW = { from: '2026-11-20T00:00:00.000Z', to: '2026-11-28T00:00:00.000Z' };
const FAST = { ratePerSecond: 10_000, burst: 10_000 };
const NO_WAIT_BACKOFF = { baseMs: 1, capMs: 2, maxAttempts: 6 };

let server: CloudTrailServer;

beforeAll(async () => {
  server = await startCloudTrailServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
});

function clientFor(region: string): CloudTrailClient {
  return new CloudTrailClient({ region, endpoint: server.endpoint, maxAttempts: 1 });
}

function cursorsFor(regions: string[], window = WINDOW): StreamCursor[] {
  return initialCursors({ ...window, regions, accounts: null });
}

function collector() {
  const seen: { region: string; record: LookupRecord }[] = [];
  return { seen, onEvents: (cursor: StreamCursor, events: LookupRecord[]) => { for (const record of events) seen.push({ region: cursor.region, record }); } };
}

/** Virtual time: sleeping moves the clock, so rate limits and deadlines cost no wall time. */
function virtualClock(start = 0): LookupClock & { advance(ms: number): void } {
  let time = start;
  return {
    now: () => time,
    sleep: async (ms) => {
      const target = time + ms;
      await Promise.resolve();
      time = Math.max(time, target);
    },
    advance: (ms) => { time += ms; },
  };
}

describe('createCloudTrailLookup against a loopback CloudTrail', () => {
  it('follows NextToken across many pages and asks only for Bedrock events of the window', async () => {
    // Prepare
    server.setEvents('ap-northeast-1', [
      ...makeBedrockEvents({ region: 'ap-northeast-1', count: 237, newest: NEWEST, denialEvery: 10 }),
      { ...makeBedrockEvents({ region: 'ap-northeast-1', count: 1, newest: NEWEST, idPrefix: 'sts' })[0]!, EventSource: 'sts.amazonaws.com' },
    ]);
    const lookup = createCloudTrailLookup({ clientFor, rate: FAST });
    const { seen, onEvents } = collector();

    // Act
    const [outcome] = await lookup.lookup({ cursors: cursorsFor(['ap-northeast-1']), deadline: Date.now() + 10_000, maxEvents: null, onEvents });

    // Assess
    expect(outcome).toMatchObject({ stoppedBy: 'done', pages: 5, requests: 5, recordsRead: 237, cursor: { done: true } });
    expect(seen.map((s) => s.record.id)).toEqual(Array.from({ length: 237 }, (_, i) => `ap-northeast-1-${String(i).padStart(6, '0')}`));
    expect(seen[0]?.record.record).toMatchObject({ eventSource: 'bedrock.amazonaws.com', eventName: 'Converse', awsRegion: 'ap-northeast-1' });
    expect(seen[0]?.record.time).toBe('2026-11-27T12:00:00.000Z');
    const first = server.requests[0]!;
    expect(first).toMatchObject({ target: 'CloudTrail_20131101.LookupEvents', region: 'ap-northeast-1', status: 200 });
    expect(first.params).toEqual({
      LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'bedrock.amazonaws.com' }],
      StartTime: Date.parse(WINDOW.from) / 1000,
      EndTime: Date.parse(WINDOW.to) / 1000,
      MaxResults: 50,
    });
    expect(server.requests.slice(1).every((r) => typeof r.params.NextToken === 'string')).toBe(true);
  });

  it('backs off on ThrottlingException and loses no page', async () => {
    server.setEvents('ap-northeast-1', makeBedrockEvents({ region: 'ap-northeast-1', count: 120, newest: NEWEST }));
    server.throttleNext('ap-northeast-1', 4);
    const lookup = createCloudTrailLookup({ clientFor, rate: FAST, backoff: NO_WAIT_BACKOFF });
    const { seen, onEvents } = collector();

    const [outcome] = await lookup.lookup({ cursors: cursorsFor(['ap-northeast-1']), deadline: Date.now() + 10_000, maxEvents: null, onEvents });

    expect(outcome).toMatchObject({ stoppedBy: 'done', throttled: 4, requests: 7, pages: 3 });
    expect(server.requests.filter((r) => r.errorType === 'ThrottlingException')).toHaveLength(4);
    expect(new Set(seen.map((s) => s.record.id)).size).toBe(120);
  });

  it('waits longer after each consecutive throttle, with full jitter', async () => {
    server.setEvents('ap-northeast-1', makeBedrockEvents({ region: 'ap-northeast-1', count: 1, newest: NEWEST }));
    server.throttleNext('ap-northeast-1', 3);
    const clock = virtualClock();
    const sleeps: number[] = [];
    const lookup = createCloudTrailLookup({
      clientFor,
      rate: FAST,
      random: () => 0.5,
      backoff: { baseMs: 100, capMs: 300, maxAttempts: 5 },
      clock: { now: clock.now, sleep: async (ms) => { sleeps.push(ms); await clock.sleep(ms); } },
    });

    await lookup.lookup({ cursors: cursorsFor(['ap-northeast-1']), deadline: 60_000, maxEvents: null, onEvents: () => {} });

    expect(sleeps).toEqual([100, 150, 150]);
  });

  it('gives up on a stream after the last attempt and reports it, while other Regions finish', async () => {
    server.setEvents('ap-northeast-1', makeBedrockEvents({ region: 'ap-northeast-1', count: 10, newest: NEWEST }));
    server.setEvents('us-east-1', makeBedrockEvents({ region: 'us-east-1', count: 10, newest: NEWEST }));
    server.throttleNext('us-east-1', 6);
    const lookup = createCloudTrailLookup({ clientFor, rate: FAST, backoff: NO_WAIT_BACKOFF });

    const outcomes = await lookup.lookup({ cursors: cursorsFor(['ap-northeast-1', 'us-east-1']), deadline: Date.now() + 10_000, maxEvents: null, onEvents: () => {} });

    expect(outcomes.map((o) => [o.cursor.region, o.stoppedBy, o.cursor.done])).toEqual([
      ['ap-northeast-1', 'done', true],
      ['us-east-1', 'error', false],
    ]);
    expect(outcomes[1]?.error).toMatch(/gave up after 6 attempts: ThrottlingException: Rate exceeded/);
  });

  it('reports an access error for its Region and keeps the stream resumable', async () => {
    server.failNext('eu-west-1', 1, { status: 400, type: 'AccessDeniedException', message: 'User is not authorized to perform: cloudtrail:LookupEvents' });
    const lookup = createCloudTrailLookup({ clientFor, rate: FAST });

    const [outcome] = await lookup.lookup({ cursors: cursorsFor(['eu-west-1']), deadline: Date.now() + 10_000, maxEvents: null, onEvents: () => {} });

    expect(outcome).toMatchObject({ stoppedBy: 'error', error: 'AccessDeniedException: User is not authorized to perform: cloudtrail:LookupEvents', cursor: { done: false } });
  });

  it('reads Regions in parallel, each at no more than 2 requests per second (on the virtual clock)', async () => {
    // Prepare: the client and the rate-limiting server share one virtual clock
    const clock = virtualClock(0);
    const limited = await startCloudTrailServer({ rateLimit: { ratePerSecond: 2, burst: 2, toleranceMs: 0 }, now: clock.now });
    const regions = ['ap-northeast-1', 'ap-southeast-2', 'us-east-1'];
    for (const region of regions) limited.setEvents(region, makeBedrockEvents({ region, count: 200, newest: NEWEST }));
    let inFlight = 0;
    let mostInFlight = 0;
    const lookup = createCloudTrailLookup({
      clientFor: (region) => {
        const client = new CloudTrailClient({ region, endpoint: limited.endpoint, maxAttempts: 1 });
        client.middlewareStack.add(
          (next) => async (args) => {
            inFlight += 1;
            mostInFlight = Math.max(mostInFlight, inFlight);
            try {
              return await next(args);
            } finally {
              inFlight -= 1;
            }
          },
          { step: 'finalizeRequest' },
        );
        return client;
      },
      clock,
    });

    // Act
    const outcomes = await lookup.lookup({ cursors: cursorsFor(regions), deadline: 100_000, maxEvents: null, onEvents: () => {} });
    await limited.close();

    // Assess: every Region read whole, never throttled by the server's exact 2/s, and in parallel
    // (one request of every Region in flight at once; one after the other would never exceed 1).
    expect(outcomes.map((o) => [o.stoppedBy, o.pages, o.recordsRead])).toEqual(regions.map(() => ['done', 4, 200]));
    expect(limited.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(mostInFlight).toBe(regions.length);
    for (const region of regions) {
      const times = limited.requests.filter((r) => r.region === region).map((r) => r.at);
      expect(times[2]! - times[0]!).toBeGreaterThanOrEqual(500);
      expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(500);
    }
  });

  it('stops before the deadline with a cursor pointing at the first unread page (on the virtual clock)', async () => {
    // Prepare
    server.setEvents('ap-northeast-1', makeBedrockEvents({ region: 'ap-northeast-1', count: 500, newest: NEWEST }));
    const clock = virtualClock(0);
    const lookup = createCloudTrailLookup({ clientFor, clock });

    // Act: at 2 requests per second, the fifth request would start at 1.5 s, past a 1.4 s deadline
    const [outcome] = await lookup.lookup({ cursors: cursorsFor(['ap-northeast-1']), deadline: 1_400, maxEvents: null, onEvents: () => {} });

    // Assess
    expect(clock.now()).toBeLessThan(1_400);
    expect(outcome).toMatchObject({ stoppedBy: 'deadline', requests: 4, recordsRead: 200, cursor: { done: false, boundaryIds: ['ap-northeast-1-000199'] } });
    expect(outcome?.cursor.nextToken).toEqual(expect.any(String));
  });

  it('abandons a request still in flight at the deadline, keeping the cursor on its page', async () => {
    // Prepare: a server that does not answer for 3 s, and a deadline signal the test fires itself
    const slow = await startCloudTrailServer({ latencyMs: 3_000 });
    slow.setEvents('ap-northeast-1', makeBedrockEvents({ region: 'ap-northeast-1', count: 10, newest: NEWEST }));
    const deadline = new AbortController();
    const clock = { ...virtualClock(0), timeout: () => deadline.signal };
    const lookup = createCloudTrailLookup({ clientFor: (region) => new CloudTrailClient({ region, endpoint: slow.endpoint, maxAttempts: 1 }), clock });
    const start = cursorsFor(['ap-northeast-1'])[0]!;

    // Act: the deadline passes while the server holds the request
    const running = lookup.lookup({ cursors: [start], deadline: 300, maxEvents: null, onEvents: () => {} });
    while (slow.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    deadline.abort();
    const [outcome] = await running;
    const answeredBeforeTheLookupReturned = slow.requests.some((request) => request.eventIds.length > 0);
    await slow.close();

    // Assess: it returned without the answer, at the page it had not read
    expect(answeredBeforeTheLookupReturned).toBe(false);
    expect(outcome).toMatchObject({ stoppedBy: 'deadline', requests: 1, recordsRead: 0, cursor: start });
  });

  it('stops every stream resumably when interrupted, and the resumed run reads the rest exactly once', async () => {
    server.setEvents('ap-northeast-1', makeBedrockEvents({ region: 'ap-northeast-1', count: 300, newest: NEWEST }));
    const interrupt = new AbortController();
    const lookup = createCloudTrailLookup({ clientFor, rate: FAST });
    const first = collector();

    const [stopped] = await lookup.lookup({
      cursors: cursorsFor(['ap-northeast-1']),
      deadline: Date.now() + 10_000,
      maxEvents: null,
      stop: interrupt.signal,
      onEvents: (cursor, events) => { first.onEvents(cursor, events); if (first.seen.length >= 100) interrupt.abort(); },
    });
    const second = collector();
    await lookup.lookup({ cursors: [stopped!.cursor], deadline: Date.now() + 10_000, maxEvents: null, onEvents: second.onEvents });

    expect(stopped).toMatchObject({ stoppedBy: 'interrupted', recordsRead: 100, cursor: { done: false } });
    const ids = [...first.seen, ...second.seen].map((s) => s.record.id);
    expect(new Set(ids).size).toBe(300);
    expect(ids).toHaveLength(300);
  });

  it('re-queries up to the boundary when CloudTrail rejects an expired NextToken, without duplicates', async () => {
    // 120 events in 3 seconds, so the boundary second holds many IDs.
    server.setEvents('ap-northeast-1', makeBedrockEvents({ region: 'ap-northeast-1', count: 120, newest: NEWEST, spacingSeconds: 0.025 }));
    const lookup = createCloudTrailLookup({ clientFor, rate: FAST });
    const first = collector();
    const [stopped] = await lookup.lookup({ cursors: cursorsFor(['ap-northeast-1']), deadline: Date.now() + 10_000, maxEvents: 50, onEvents: first.onEvents });
    server.expireTokens();
    const second = collector();

    const [finished] = await lookup.lookup({ cursors: [stopped!.cursor], deadline: Date.now() + 10_000, maxEvents: null, onEvents: second.onEvents });

    const ids = [...first.seen, ...second.seen].map((s) => s.record.id);
    expect(server.requests.some((r) => r.errorType === 'InvalidNextTokenException')).toBe(true);
    expect(finished?.skipped).toBeGreaterThan(0);
    expect(ids).toHaveLength(120);
    expect(new Set(ids).size).toBe(120);
  });

  it('finishes a second holding more than a page of events after its NextToken expired', async () => {
    server.setEvents('ap-northeast-1', makeBedrockEvents({ region: 'ap-northeast-1', count: 130, newest: NEWEST, spacingSeconds: 0 }));
    const lookup = createCloudTrailLookup({ clientFor, rate: FAST });
    const first = collector();
    const [stopped] = await lookup.lookup({ cursors: cursorsFor(['ap-northeast-1']), deadline: Date.now() + 10_000, maxEvents: 60, onEvents: first.onEvents });
    server.expireTokens();
    const second = collector();

    const [finished] = await lookup.lookup({ cursors: [stopped!.cursor], deadline: Date.now() + 10_000, maxEvents: null, onEvents: second.onEvents });

    expect(stopped?.cursor.boundaryIds).toHaveLength(60);
    expect(finished).toMatchObject({ stoppedBy: 'done', skipped: 60, recordsRead: 70 });
    expect(new Set([...first.seen, ...second.seen].map((e) => e.record.id)).size).toBe(130);
  });

  it('keeps a record whose CloudTrailEvent is not JSON as scanned, with no parsed record', async () => {
    server.setEvents('ap-northeast-1', [{ ...makeBedrockEvents({ region: 'ap-northeast-1', count: 1, newest: NEWEST })[0]!, CloudTrailEvent: '{oops' }]);
    const lookup = createCloudTrailLookup({ clientFor, rate: FAST });
    const { seen, onEvents } = collector();

    await lookup.lookup({ cursors: cursorsFor(['ap-northeast-1']), deadline: Date.now() + 10_000, maxEvents: null, onEvents });

    expect(seen.map((s) => s.record)).toEqual([{ id: 'ap-northeast-1-000000', time: '2026-11-27T12:00:00.000Z', record: null }]);
  });

  it('resumed runs with any deadlines, budgets and token expiries read exactly the events of one uninterrupted run', async () => {
    // Prepare: three Regions, some with bursts of events in the same second.
    const regions = ['ap-northeast-1', 'ap-southeast-2', 'us-east-1'];
    server.setEvents('ap-northeast-1', makeBedrockEvents({ region: 'ap-northeast-1', count: 260, newest: NEWEST }));
    server.setEvents('ap-southeast-2', makeBedrockEvents({ region: 'ap-southeast-2', count: 180, newest: NEWEST, spacingSeconds: 0.04 }));
    // 45 events in one second: with fewer than a page (50) in its boundary second, a stream makes
    // progress with one request after any restart, so even a run with room for one request advances.
    server.setEvents('us-east-1', makeBedrockEvents({ region: 'us-east-1', count: 75, newest: NEWEST, spacingSeconds: 1 / 45 }));
    const reference = collector();
    await createCloudTrailLookup({ clientFor, rate: FAST }).lookup({ cursors: cursorsFor(regions), deadline: Date.now() + 10_000, maxEvents: null, onEvents: reference.onEvents });
    const expected = reference.seen.map((s) => s.record.id).sort();
    expect(expected).toHaveLength(515);

    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ deadlineMs: fc.integer({ min: 1, max: 3_000 }), maxEvents: fc.option(fc.integer({ min: 30, max: 300 }), { nil: null }), expire: fc.boolean() }),
          { minLength: 1, maxLength: 6 },
        ),
        async (runs) => {
          const clock = virtualClock(1_000_000);
          const seen: string[] = [];
          let cursors = cursorsFor(regions);
          let invocations = 0;
          for (let i = 0; cursors.length > 0; i += 1) {
            const run = runs[i % runs.length]!;
            if (run.expire) server.expireTokens();
            // Each invocation is a fresh Lambda: new buckets, and a deadline in the future.
            const lookup = createCloudTrailLookup({ clientFor, clock });
            const outcomes = await lookup.lookup({
              cursors,
              deadline: clock.now() + run.deadlineMs,
              maxEvents: run.maxEvents,
              onEvents: (_cursor, events) => { seen.push(...events.map((e) => e.id)); },
            });
            invocations += 1;
            if (invocations > 2_000) throw new Error(`no progress after ${invocations} invocations with ${JSON.stringify(runs)}`);
            const unfinished = outcomes.filter((o) => !o.cursor.done).map((o) => o.cursor);
            if (unfinished.length === 0) break;
            const decoded = decodeResumeToken(encodeResumeToken({ ...WINDOW, streams: unfinished }));
            if (!decoded.ok) throw new Error(decoded.reason);
            cursors = decoded.value.streams;
            clock.advance(60_000);
          }
          expect(invocations).toBeGreaterThan(0);
          expect(seen.length).toBe(new Set(seen).size);
          expect([...seen].sort()).toEqual(expected);
        },
      ),
      { numRuns: 20 },
    );
  }, 120_000);
});

/** A loopback STS speaking the Query protocol for AssumeRole; the key ID encodes the account. */
async function startStsServer(options: { deny?: string } = {}): Promise<{ endpoint: string; calls: string[]; close(): Promise<void> }> {
  const calls: string[] = [];
  const http: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      const params = new URLSearchParams(body);
      const roleArn = params.get('RoleArn') ?? '';
      calls.push(roleArn);
      if (options.deny !== undefined && roleArn.includes(options.deny)) {
        res.writeHead(403, { 'content-type': 'text/xml' });
        res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}</Message></Error><RequestId>2</RequestId></ErrorResponse>`);
        return;
      }
      const account = /iam::(\d{12}):role\//.exec(roleArn)?.[1] ?? '000000000000';
      const xml = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIA${account}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:${params.get('RoleSessionName')}</AssumedRoleId><Arn>arn:aws:sts::${account}:assumed-role/r/s</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`;
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end(xml);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    calls,
    close: () => new Promise<void>((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }),
  };
}

describe('createCloudTrailClientFactory', () => {
  it('reads member accounts through the replay role, assuming it once per account', async () => {
    // Prepare
    const sts = await startStsServer();
    server.setEvents('ASIA444455556666|ap-northeast-1', makeBedrockEvents({ region: 'ap-northeast-1', count: 60, newest: NEWEST, accountId: '444455556666', idPrefix: 'member-a' }));
    server.setEvents('ASIA777788889999|ap-northeast-1', makeBedrockEvents({ region: 'ap-northeast-1', count: 3, newest: NEWEST, accountId: '777788889999', idPrefix: 'member-b' }));
    const clientFactory = createCloudTrailClientFactory({
      roleName: 'CrisAuditorReplay',
      endpoint: server.endpoint,
      sts: new STSClient({ region: 'ap-northeast-1', endpoint: sts.endpoint }),
    });
    const lookup = createCloudTrailLookup({ clientFor: clientFactory, rate: FAST });
    const { seen, onEvents } = collector();

    // Act
    const outcomes = await lookup.lookup({
      cursors: initialCursors({ ...WINDOW, regions: ['ap-northeast-1'], accounts: ['444455556666', '777788889999'] }),
      deadline: Date.now() + 10_000,
      maxEvents: null,
      onEvents,
    });
    await sts.close();

    // Assess
    expect(outcomes.map((o) => [o.cursor.account, o.recordsRead])).toEqual([['444455556666', 60], ['777788889999', 3]]);
    expect(seen.filter((s) => s.record.id.startsWith('member-a'))).toHaveLength(60);
    expect(sts.calls.sort()).toEqual(['arn:aws:iam::444455556666:role/CrisAuditorReplay', 'arn:aws:iam::777788889999:role/CrisAuditorReplay']);
    expect(new Set(server.requests.map((r) => r.accessKeyId))).toEqual(new Set(['ASIA444455556666', 'ASIA777788889999']));
  });

  it('reports an account whose replay role cannot be assumed, and reads the others', async () => {
    const sts = await startStsServer({ deny: '777788889999' });
    server.setEvents('ASIA444455556666|ap-northeast-1', makeBedrockEvents({ region: 'ap-northeast-1', count: 5, newest: NEWEST, accountId: '444455556666', idPrefix: 'member-a' }));
    const clientFactory = createCloudTrailClientFactory({
      roleName: 'CrisAuditorReplay',
      endpoint: server.endpoint,
      sts: new STSClient({ region: 'ap-northeast-1', endpoint: sts.endpoint, maxAttempts: 1 }),
    });
    const lookup = createCloudTrailLookup({ clientFor: clientFactory, rate: FAST });

    const outcomes = await lookup.lookup({
      cursors: initialCursors({ ...WINDOW, regions: ['ap-northeast-1'], accounts: ['444455556666', '777788889999'] }),
      deadline: Date.now() + 10_000,
      maxEvents: null,
      onEvents: () => {},
    });
    await sts.close();

    expect(outcomes.map((o) => [o.cursor.account, o.stoppedBy, o.recordsRead])).toEqual([['444455556666', 'done', 5], ['777788889999', 'error', 0]]);
    expect(outcomes[1]?.error).toMatch(/cannot assume arn:aws:iam::777788889999:role\/CrisAuditorReplay: AccessDenied/);
  });

  it('refuses another account when no replay role is configured, naming the setting', () => {
    const clientFactory = createCloudTrailClientFactory({ roleName: null });

    expect(() => clientFactory('ap-northeast-1', '444455556666')).toThrow(/REPLAY_ROLE_NAME/);
  });

  it.each([
    ['ap-northeast-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('builds role ARNs in the partition of %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});
