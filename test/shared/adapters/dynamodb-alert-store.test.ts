import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDbAlertStore } from '../../../shared/adapters/dynamodb-alert-store.js';
import type { AlertStore } from '../../../shared/core/alert/decision.js';
import { RETENTION_SECONDS, eventKey, hourKey, stateKey } from '../../../shared/core/alert/store-keys.js';
import { crossRegionFinding } from '../core/render/findings.js';
import type { LocalDynamoDb } from '../../helpers/dynalite.js';
import { DYNAMODB_LOCAL_START_TIMEOUT_MS, startTransactionalDynamoDb } from '../../helpers/dynamodb-local.js';

const FP = 'f'.repeat(32);
const T0 = new Date('2026-11-27T01:00:00.000Z');
let db: LocalDynamoDb;
let doc: DynamoDBDocumentClient;
let store: AlertStore;
let tableName: string;
let counter = 0;

function minutesAfter(minutes: number): Date {
  return new Date(T0.getTime() + minutes * 60_000);
}

async function item(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
}

beforeAll(async () => {
  db = await startTransactionalDynamoDb();
  doc = DynamoDBDocumentClient.from(db.client);
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);
afterAll(async () => {
  await db.stop();
});
beforeEach(async () => {
  counter += 1;
  tableName = `store-${counter}`;
  await db.createTable(tableName);
  store = createDynamoDbAlertStore({ client: db.client, tableName });
});

describe('claimEvent', () => {
  it('claims a new event once; a second claim is a duplicate in flight, then done after completion', async () => {
    const first = await store.claimEvent({ eventId: 'e1', now: T0, leaseUntil: minutesAfter(1) });
    expect(first).toMatchObject({ status: 'claimed', deliveredChannels: [] });
    expect(await store.claimEvent({ eventId: 'e1', now: T0, leaseUntil: minutesAfter(1) })).toEqual({ status: 'duplicate', state: 'in-flight', rejectedChannels: [] });
    if (first.status !== 'claimed') throw new Error(`expected a claim, got ${first.status}`);
    await store.completeEvent({ eventId: 'e1', token: first.token, fingerprint: FP, finding: crossRegionFinding(), now: T0 });
    expect(await store.claimEvent({ eventId: 'e1', now: minutesAfter(5), leaseUntil: minutesAfter(6) })).toEqual({ status: 'duplicate', state: 'done', rejectedChannels: [] });
    expect(await item(eventKey('e1'))).toMatchObject({ status: 'done', fingerprint: FP, ttl: Math.floor(T0.getTime() / 1000) + RETENTION_SECONDS.event });
  });

  it('lets a retry take over a claim whose lease expired (the first invocation crashed), and the stale owner cannot complete', async () => {
    const crashed = await store.claimEvent({ eventId: 'e2', now: T0, leaseUntil: minutesAfter(1) });
    const retry = await store.claimEvent({ eventId: 'e2', now: minutesAfter(2), leaseUntil: minutesAfter(3) });
    if (crashed.status !== 'claimed' || retry.status !== 'claimed') throw new Error(`expected two claims, got ${crashed.status} and ${retry.status}`);
    expect(retry.token).not.toBe(crashed.token);
    await expect(store.completeEvent({ eventId: 'e2', token: crashed.token, fingerprint: FP, finding: crossRegionFinding(), now: T0 })).rejects.toThrow(
      expect.objectContaining({ name: 'ConditionalCheckFailedException' }),
    );
    await store.completeEvent({ eventId: 'e2', token: retry.token, fingerprint: FP, finding: crossRegionFinding(), now: T0 });
    expect(await item(eventKey('e2'))).toMatchObject({ status: 'done', token: retry.token });
  });

  it('lets a retry claim a released event and tells it which channels already delivered', async () => {
    const first = await store.claimEvent({ eventId: 'e3', now: T0, leaseUntil: minutesAfter(1) });
    if (first.status !== 'claimed') throw new Error('not claimed');
    await store.markDelivered({ eventId: 'e3', token: first.token, channel: 'slack' });
    await store.releaseEvent({ eventId: 'e3', token: first.token, reason: 'DeliveryError: sns down' });
    expect(await item(eventKey('e3'))).toMatchObject({ status: 'failed', lastError: 'DeliveryError: sns down' });
    expect(await store.claimEvent({ eventId: 'e3', now: T0, leaseUntil: minutesAfter(1) })).toMatchObject({ status: 'claimed', deliveredChannels: ['slack'] });
  });
});

describe('markRejected', () => {
  it('records a channel that refused for good with its reason; a retry claim and a duplicate both report it', async () => {
    // Prepare
    const first = await store.claimEvent({ eventId: 'e4', now: T0, leaseUntil: minutesAfter(1) });
    if (first.status !== 'claimed') throw new Error(`expected a claim, got ${first.status}`);

    // Act
    await store.markRejected({ eventId: 'e4', token: first.token, channel: 'sns', reason: 'DeliveryError: Message too long' });
    await store.releaseEvent({ eventId: 'e4', token: first.token, reason: 'slack down' });
    const retry = await store.claimEvent({ eventId: 'e4', now: T0, leaseUntil: minutesAfter(1) });
    if (retry.status !== 'claimed') throw new Error(`expected a claim, got ${retry.status}`);
    await store.completeEvent({ eventId: 'e4', token: retry.token, fingerprint: FP, finding: crossRegionFinding(), now: T0 });

    // Assess
    expect(retry.rejectedChannels).toEqual([{ channel: 'sns', reason: 'DeliveryError: Message too long' }]);
    expect(await store.claimEvent({ eventId: 'e4', now: T0, leaseUntil: minutesAfter(1) })).toEqual({
      status: 'duplicate',
      state: 'done',
      rejectedChannels: [{ channel: 'sns', reason: 'DeliveryError: Message too long' }],
    });
  });

  it('refuses a stale owner', async () => {
    const first = await store.claimEvent({ eventId: 'e5', now: T0, leaseUntil: minutesAfter(1) });
    if (first.status !== 'claimed') throw new Error(`expected a claim, got ${first.status}`);
    await expect(store.markRejected({ eventId: 'e5', token: 'not-mine', channel: 'sns', reason: 'x' })).rejects.toThrow(expect.objectContaining({ name: 'ConditionalCheckFailedException' }));
  });
});

describe('decide', () => {
  it('sends the first occurrence, suppresses the window, and reports the repeats once the window has passed', async () => {
    const finding = crossRegionFinding();
    expect(await store.decide({ fingerprint: FP, finding, now: T0, windowMinutes: 60 })).toEqual({ action: 'send', repeats: 0, previousAlertAt: null });
    expect(await store.decide({ fingerprint: FP, finding, now: minutesAfter(10), windowMinutes: 60 })).toEqual({ action: 'suppress', nextAlertAt: '2026-11-27T02:00:00.000Z' });
    expect(await store.decide({ fingerprint: FP, finding, now: minutesAfter(59), windowMinutes: 60 })).toMatchObject({ action: 'suppress' });
    expect(await store.decide({ fingerprint: FP, finding, now: minutesAfter(60), windowMinutes: 60 })).toEqual({
      action: 'send',
      repeats: 2,
      previousAlertAt: '2026-11-27T01:00:00.000Z',
    });
    expect(await item(stateKey(FP))).toMatchObject({ lastAlertAt: '2026-11-27T02:00:00.000Z', repeatsSinceAlert: 0, totalCount: 4, verdict: 'cross-region-scp', accountId: '111122223333' });
  });

  it('agrees on exactly one sender among 50 concurrent occurrences', async () => {
    const decisions = await Promise.all(
      Array.from({ length: 50 }, () => store.decide({ fingerprint: FP, finding: crossRegionFinding(), now: T0, windowMinutes: 60 })),
    );
    expect(decisions.filter((decision) => decision.action === 'send')).toHaveLength(1);
    expect(await item(stateKey(FP))).toMatchObject({ repeatsSinceAlert: 49, totalCount: 50 });
  });
});

describe('revertDecision', () => {
  it('restores the previous alert time and keeps repeats others counted meanwhile', async () => {
    const finding = crossRegionFinding();
    await store.decide({ fingerprint: FP, finding, now: T0, windowMinutes: 60 });
    await store.decide({ fingerprint: FP, finding, now: minutesAfter(1), windowMinutes: 60 });
    const send = await store.decide({ fingerprint: FP, finding, now: minutesAfter(61), windowMinutes: 60 });
    await store.decide({ fingerprint: FP, finding, now: minutesAfter(62), windowMinutes: 60 });
    if (send.action !== 'send') throw new Error('expected send');

    await store.revertDecision({ fingerprint: FP, decision: send, now: minutesAfter(61) });

    expect(await item(stateKey(FP))).toMatchObject({ lastAlertAt: T0.toISOString(), repeatsSinceAlert: 2, totalCount: 3 });
    expect(await store.decide({ fingerprint: FP, finding, now: minutesAfter(63), windowMinutes: 60 })).toEqual({ action: 'send', repeats: 2, previousAlertAt: T0.toISOString() });
  });

  it('removes the alert time of a reverted first alert', async () => {
    const send = await store.decide({ fingerprint: FP, finding: crossRegionFinding(), now: T0, windowMinutes: 60 });
    if (send.action !== 'send') throw new Error('expected send');
    await store.revertDecision({ fingerprint: FP, decision: send, now: T0 });
    const state = await item(stateKey(FP));
    expect(state?.['lastAlertAt']).toBeUndefined();
    expect(state).toMatchObject({ totalCount: 0, repeatsSinceAlert: 0 });
  });
});

describe('addOccurrences', () => {
  it('adds counts atomically into the hour of lastSeen, keeping the earliest firstSeen and the latest finding', async () => {
    const late = { ...crossRegionFinding(), eventId: 'late' };
    const early = { ...crossRegionFinding(), eventId: 'early' };
    await store.addOccurrences({ fingerprint: FP, finding: late, count: 5, firstSeen: '2026-11-27T01:20:00Z', lastSeen: '2026-11-27T01:40:00Z' });
    await store.addOccurrences({ fingerprint: FP, finding: early, count: 2, firstSeen: '2026-11-27T01:05:00Z', lastSeen: '2026-11-27T01:10:00Z' });

    const hour = await item(hourKey('2026-11-27T01:00:00Z', FP));
    expect(hour).toMatchObject({
      pk: 'HOUR#2026-11-27T01',
      sk: `FP#${FP}`,
      count: 7,
      firstSeen: '2026-11-27T01:05:00.000Z',
      lastSeen: '2026-11-27T01:40:00.000Z',
      fingerprint: FP,
      verdict: 'cross-region-scp',
      accountId: '111122223333',
      ttl: Math.floor(Date.parse('2026-11-27T01:00:00Z') / 1000) + RETENTION_SECONDS.hour,
    });
    expect(JSON.parse(String(hour?.['finding'])).eventId).toBe('late');
  });
});

describe('the 400 KB item limit', () => {
  it('is enforced by the local DynamoDB the tests run on', async () => {
    await expect(
      doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'X', sk: 'Y', blob: 'b'.repeat(410 * 1024) } })),
    ).rejects.toThrow(/Item size/);
  });

  it('stores a finding whose fields are 100 KB each and whose fix carries a 500 KB patched policy', async () => {
    // Prepare
    const finding = crossRegionFinding();
    finding.userAgent = 'u'.repeat(100_000);
    finding.errorMessage = 'e'.repeat(100_000);
    if (finding.fix?.scp) finding.fix.scp.patchedPolicy = 'p'.repeat(500_000);

    // Act
    await store.addOccurrences({ fingerprint: FP, finding, count: 1, firstSeen: '2026-11-27T01:20:00Z', lastSeen: '2026-11-27T01:20:00Z' });

    // Assess
    const stored = JSON.parse(String((await item(hourKey('2026-11-27T01:00:00Z', FP)))?.['finding']));
    expect(stored.userAgent).toMatch(/…\(\d+ characters cut\)$/);
    expect(stored.fix.scp.patchedPolicy).toBe('');
    expect(stored.fix.recommended.title).toBe('Allow the APAC profile only');
  });
});

describe('atomic writes (TransactWriteItems, on DynamoDB Local)', () => {
  async function claimed(eventId: string, now = T0): Promise<string> {
    const claim = await store.claimEvent({ eventId, now, leaseUntil: new Date(now.getTime() + 60_000) });
    if (claim.status !== 'claimed') throw new Error(`expected a claim of ${eventId}, got ${claim.status}`);
    return claim.token;
  }

  it('records the decision on the event in the same write, and a retry after the lease gets it back instead of counting again', async () => {
    // Prepare
    const token = await claimed('t1');

    // Act
    const decision = await store.decide({ fingerprint: FP, finding: crossRegionFinding(), now: T0, windowMinutes: 60, event: { eventId: 't1', token } });
    const retry = await store.claimEvent({ eventId: 't1', now: minutesAfter(2), leaseUntil: minutesAfter(3) });

    // Assess
    expect(decision).toEqual({ action: 'send', repeats: 0, previousAlertAt: null });
    expect(await item(eventKey('t1'))).toMatchObject({ decision: { action: 'send', repeats: 0, previousAlertAt: null }, decidedAt: T0.toISOString() });
    expect(retry).toMatchObject({ status: 'claimed', decision: { decision: { action: 'send', repeats: 0, previousAlertAt: null }, decidedAt: T0.toISOString() } });
    expect(await item(stateKey(FP))).toMatchObject({ totalCount: 1, repeatsSinceAlert: 0 });
  });

  it('lets a stale owner count nothing: DynamoDB cancels its whole decision (ConditionalCheckFailed on the event)', async () => {
    // Prepare: the first owner's lease expired and a retry took the event over
    const stale = await claimed('t2');
    await claimed('t2', minutesAfter(2));

    // Act
    const error = await store.decide({ fingerprint: FP, finding: crossRegionFinding(), now: T0, windowMinutes: 60, event: { eventId: 't2', token: stale } }).catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(await item(stateKey(FP))).toBeUndefined();
  });

  it('lets a stale owner complete nothing: the hour is counted only with the event marked done', async () => {
    // Prepare
    const stale = await claimed('t3');
    const owner = await claimed('t3', minutesAfter(2));

    // Act
    const error = await store.completeEvent({ eventId: 't3', token: stale, fingerprint: FP, finding: crossRegionFinding(), now: T0 }).catch((e: unknown) => e);
    const hourAfterStale = await item(hourKey(T0.toISOString(), FP));
    await store.completeEvent({ eventId: 't3', token: owner, fingerprint: FP, finding: crossRegionFinding(), now: T0 });

    // Assess
    expect(error).toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(hourAfterStale).toBeUndefined();
    expect(await item(hourKey(T0.toISOString(), FP))).toMatchObject({ count: 1 });
    expect(await item(eventKey('t3'))).toMatchObject({ status: 'done', token: owner });
  });

  it('undoes a send and frees the claim in one write; the retry decides afresh and counts once', async () => {
    // Prepare
    const token = await claimed('t4');
    const decision = await store.decide({ fingerprint: FP, finding: crossRegionFinding(), now: T0, windowMinutes: 60, event: { eventId: 't4', token } });
    if (decision.action !== 'send') throw new Error('expected send');

    // Act
    await store.releaseEvent({ eventId: 't4', token, reason: 'DeliveryError: slack down', revert: { fingerprint: FP, decision, decidedAt: T0 } });
    const retry = await store.claimEvent({ eventId: 't4', now: minutesAfter(1), leaseUntil: minutesAfter(2) });
    if (retry.status !== 'claimed') throw new Error('expected a claim');
    const again = await store.decide({ fingerprint: FP, finding: crossRegionFinding(), now: minutesAfter(1), windowMinutes: 60, event: { eventId: 't4', token: retry.token } });

    // Assess
    expect(retry.decision).toBeNull();
    expect(again).toEqual({ action: 'send', repeats: 0, previousAlertAt: null });
    expect(await item(stateKey(FP))).toMatchObject({ totalCount: 1, repeatsSinceAlert: 0, lastAlertAt: minutesAfter(1).toISOString() });
  });

  it('keeps a decision it does not revert (a suppression) for the retry, so the repeat is counted once', async () => {
    // Prepare: another event took this window
    await store.decide({ fingerprint: FP, finding: crossRegionFinding(), now: T0, windowMinutes: 60 });
    const token = await claimed('t5', minutesAfter(5));
    const decision = await store.decide({ fingerprint: FP, finding: crossRegionFinding(), now: minutesAfter(5), windowMinutes: 60, event: { eventId: 't5', token } });

    // Act
    await store.releaseEvent({ eventId: 't5', token, reason: 'DeliveryError: sns down' });
    const retry = await store.claimEvent({ eventId: 't5', now: minutesAfter(6), leaseUntil: minutesAfter(7) });

    // Assess
    expect(decision).toEqual({ action: 'suppress', nextAlertAt: '2026-11-27T02:00:00.000Z' });
    expect(retry).toMatchObject({ status: 'claimed', decision: { decision, decidedAt: minutesAfter(5).toISOString() } });
    expect(await item(stateKey(FP))).toMatchObject({ totalCount: 2, repeatsSinceAlert: 1 });
  });

  it('retries a decision DynamoDB cancels for a conflicting transaction, and counts it once', async () => {
    // Prepare: DynamoDB Local runs transactions one at a time and never reports TransactionConflict,
    // which DynamoDB does when two transactions touch one item at once: the SDK answers it here.
    let conflicts = 2;
    const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'ap-northeast-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand' && conflicts > 0) {
          conflicts -= 1;
          throw new TransactionCanceledException({
            message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]',
            $metadata: { httpStatusCode: 400 },
            CancellationReasons: [{ Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }, { Code: 'None' }],
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectTransactionConflict' },
    );
    const conflicted = createDynamoDbAlertStore({ client, tableName });
    const claim = await conflicted.claimEvent({ eventId: 't6', now: T0, leaseUntil: minutesAfter(1) });
    if (claim.status !== 'claimed') throw new Error('expected a claim');

    // Act
    const decision = await conflicted.decide({ fingerprint: FP, finding: crossRegionFinding(), now: T0, windowMinutes: 60, event: { eventId: 't6', token: claim.token } });

    // Assess
    expect(conflicts).toBe(0);
    expect(decision).toEqual({ action: 'send', repeats: 0, previousAlertAt: null });
    expect(await item(stateKey(FP))).toMatchObject({ totalCount: 1 });
    client.destroy();
  });
});
