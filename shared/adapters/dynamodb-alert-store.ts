import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { decideAlert, suppressionWindowStart, type AlertDecision, type AlertStore, type ChannelRejection, type EventClaim } from '../core/alert/decision.js';
import { budgetFinding } from '../core/alert/budget.js';
import { CrisAuditorError } from '../core/errors.js';
import { ITEM_ATTRIBUTES as A, RETENTION_SECONDS, eventKey, hourBucket, hourKey, stateKey } from '../core/alert/store-keys.js';
import type { Finding } from '../core/types.js';

/** Options of {@link createDynamoDbAlertStore}. */
export interface DynamoDbAlertStoreOptions {
  /** A DynamoDB client (its endpoint comes from `AWS_ENDPOINT_URL_DYNAMODB` or its own config). */
  client: DynamoDBClient;
  tableName: string;
}

const EVENT_STATUS = { processing: 'processing', failed: 'failed', done: 'done' } as const;

/** How often `decide` retries when two invocations race for the same window (bounded). */
const MAX_DECIDE_ROUNDS = 5;

function ttlAfter(now: Date, seconds: number): number {
  return Math.floor(now.getTime() / 1000) + seconds;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}

/** Room for the finding in an hourly item: DynamoDB refuses items over 400 KB; the rest of the item is small. */
const MAX_STORED_FINDING_BYTES = 350_000;

/**
 * The finding as stored in an hourly aggregate: caller fields within their budgets, and, should it
 * still not fit in a DynamoDB item, without the patched policies, then without the fix.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
 */
function storedFindingJson(finding: Finding): string {
  const budgeted = budgetFinding(finding);
  const whole = JSON.stringify(budgeted);
  if (Buffer.byteLength(whole, 'utf8') <= MAX_STORED_FINDING_BYTES || budgeted.fix == null) return whole;
  const scp = budgeted.fix.scp === null ? null : { ...budgeted.fix.scp, patchedPolicy: '', diff: '' };
  const lighter = JSON.stringify({ ...budgeted, fix: { ...budgeted.fix, scp, scpPatches: undefined } });
  return Buffer.byteLength(lighter, 'utf8') <= MAX_STORED_FINDING_BYTES ? lighter : JSON.stringify({ ...budgeted, fix: null });
}

/** Event-item map of channel → reason for channels that refused the alert for good. */
const REJECTED_ATTRIBUTE = 'rejectedChannels';

function rejectionsOf(item: Record<string, unknown> | undefined): ChannelRejection[] {
  const map = item?.[REJECTED_ATTRIBUTE];
  if (typeof map !== 'object' || map === null || map instanceof Set) return [];
  return Object.entries(map as Record<string, unknown>)
    .map(([channel, reason]) => ({ channel, reason: String(reason) }))
    .sort((a, b) => a.channel.localeCompare(b.channel));
}

function iso(time: string | null | undefined, fallback: Date): string {
  const parsed = time === null || time === undefined ? Number.NaN : Date.parse(time);
  return Number.isNaN(parsed) ? fallback.toISOString() : new Date(parsed).toISOString();
}

/**
 * The single-table store of the alert path (keys in `shared/core/alert/store-keys.ts`): event markers for
 * idempotency, per-fingerprint alert state for suppression, and the hourly aggregates the digest
 * reads. It uses only PutItem/UpdateItem/GetItem with conditions and atomic `ADD` (no
 * transactions), and writes a `ttl` attribute on every item.
 *
 * Counting contract: an occurrence is added to the fingerprint state when it is decided and to the
 * hourly aggregate when its event is completed; a failed delivery reverts the decision, so a
 * retried event is counted once. A DynamoDB failure between two of these writes can still be off
 * by one; without transactions that window cannot be closed.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html#Expressions.UpdateExpressions.ADD
 */
export function createDynamoDbAlertStore(options: DynamoDbAlertStoreOptions): AlertStore {
  const doc = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  const TableName = options.tableName;

  async function claimEvent(input: { eventId: string; now: Date; leaseUntil: Date }): Promise<EventClaim> {
    const token = randomUUID();
    try {
      const result = await doc.send(
        new UpdateCommand({
          TableName,
          Key: eventKey(input.eventId),
          UpdateExpression:
            'SET #status = :processing, #token = :token, leaseUntil = :lease, claimedAt = :now, attempts = if_not_exists(attempts, :zero) + :one, #ttl = :ttl, #rejected = if_not_exists(#rejected, :noRejections)',
          ConditionExpression:
            'attribute_not_exists(pk) OR #status = :failed OR (#status = :processing AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status', '#token': 'token', '#ttl': 'ttl', '#rejected': REJECTED_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':noRejections': {},
            ':processing': EVENT_STATUS.processing,
            ':failed': EVENT_STATUS.failed,
            ':token': token,
            ':lease': input.leaseUntil.toISOString(),
            ':now': input.now.toISOString(),
            ':zero': 0,
            ':one': 1,
            ':ttl': ttlAfter(input.now, RETENTION_SECONDS.event),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const delivered = result.Attributes?.['deliveredChannels'];
      return {
        status: 'claimed',
        token,
        deliveredChannels: delivered instanceof Set ? [...delivered].map(String).sort() : [],
        rejectedChannels: rejectionsOf(result.Attributes),
      };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await doc.send(new GetCommand({ TableName, Key: eventKey(input.eventId), ConsistentRead: true }));
      return {
        status: 'duplicate',
        state: current.Item?.['status'] === EVENT_STATUS.done ? 'done' : 'in-flight',
        rejectedChannels: rejectionsOf(current.Item),
      };
    }
  }

  function stateUpdateValues(fingerprint: string, finding: Finding, now: Date): Record<string, unknown> {
    const seen = iso(finding.eventTime, now);
    return {
      ':fp': fingerprint,
      ':verdict': finding.verdict,
      ':account': finding.accountId ?? '-',
      ':seen': seen,
      ':one': 1,
      ':ttl': ttlAfter(now, RETENTION_SECONDS.state),
    };
  }

  const STATE_COMMON =
    `#fingerprint = :fp, #verdict = :verdict, #accountId = :account, #firstSeen = if_not_exists(#firstSeen, :seen), #lastSeen = :seen, #ttl = :ttl`;
  const STATE_NAMES = {
    '#fingerprint': A.fingerprint,
    '#verdict': A.verdict,
    '#accountId': A.accountId,
    '#firstSeen': A.firstSeen,
    '#lastSeen': A.lastSeen,
    '#lastAlertAt': A.lastAlertAt,
    '#repeats': A.repeatsSinceAlert,
    '#total': A.totalCount,
    '#ttl': 'ttl',
  };

  /** The suppress branch: succeeds only while the current window is open; returns the window's alert time. */
  async function trySuppress(fingerprint: string, finding: Finding, now: Date, windowStart: string): Promise<string | null> {
    try {
      const result = await doc.send(
        new UpdateCommand({
          TableName,
          Key: stateKey(fingerprint),
          UpdateExpression: `SET ${STATE_COMMON} ADD #repeats :one, #total :one`,
          ConditionExpression: '#lastAlertAt > :windowStart',
          ExpressionAttributeNames: STATE_NAMES,
          ExpressionAttributeValues: { ...stateUpdateValues(fingerprint, finding, now), ':windowStart': windowStart },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return String(result.Attributes?.[A.lastAlertAt] ?? now.toISOString());
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  async function trySend(fingerprint: string, finding: Finding, now: Date, windowStart: string): Promise<AlertDecision | null> {
    try {
      const result = await doc.send(
        new UpdateCommand({
          TableName,
          Key: stateKey(fingerprint),
          UpdateExpression: `SET ${STATE_COMMON}, #lastAlertAt = :now, #repeats = :zero ADD #total :one`,
          ConditionExpression: 'attribute_not_exists(#lastAlertAt) OR #lastAlertAt <= :windowStart',
          ExpressionAttributeNames: STATE_NAMES,
          ExpressionAttributeValues: {
            ...stateUpdateValues(fingerprint, finding, now),
            ':windowStart': windowStart,
            ':now': now.toISOString(),
            ':zero': 0,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const old = result.Attributes;
      const lastAlertAt = typeof old?.[A.lastAlertAt] === 'string' ? (old[A.lastAlertAt] as string) : null;
      const repeats = typeof old?.[A.repeatsSinceAlert] === 'number' ? (old[A.repeatsSinceAlert] as number) : 0;
      return { action: 'send', repeats, previousAlertAt: lastAlertAt };
    } catch (error) {
      if (isConditionFailure(error)) return null;
      throw error;
    }
  }

  async function decide(input: { fingerprint: string; finding: Finding; now: Date; windowMinutes: number }): Promise<AlertDecision> {
    const windowStart = suppressionWindowStart(input.now, input.windowMinutes);
    // Suppression first: it is the hot path when an application hammers the same denied call.
    // The two conditions partition the states (window open / not), so a lost race just loops.
    for (let round = 0; round < MAX_DECIDE_ROUNDS; round += 1) {
      const lastAlertAt = await trySuppress(input.fingerprint, input.finding, input.now, windowStart);
      if (lastAlertAt !== null) return decideAlert({ lastAlertAt, repeatsSinceAlert: 0 }, input.now, input.windowMinutes);
      const sent = await trySend(input.fingerprint, input.finding, input.now, windowStart);
      if (sent !== null) return sent;
    }
    throw new CrisAuditorError(`alert state of fingerprint ${input.fingerprint} kept changing; gave up after ${MAX_DECIDE_ROUNDS} rounds`);
  }

  return {
    claimEvent,
    decide,
    async revertDecision(input) {
      const restore = input.decision.previousAlertAt === null ? 'REMOVE #lastAlertAt' : 'SET #lastAlertAt = :previous';
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: stateKey(input.fingerprint),
            UpdateExpression: `${restore} ADD #repeats :repeats, #total :minusOne`,
            ConditionExpression: '#lastAlertAt = :mine',
            ExpressionAttributeNames: { '#lastAlertAt': A.lastAlertAt, '#repeats': A.repeatsSinceAlert, '#total': A.totalCount },
            ExpressionAttributeValues: {
              ...(input.decision.previousAlertAt === null ? {} : { ':previous': input.decision.previousAlertAt }),
              ':repeats': input.decision.repeats,
              ':minusOne': -1,
              ':mine': input.now.toISOString(),
            },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Another invocation opened a newer window meanwhile: keep its alert time, restore the counts.
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: stateKey(input.fingerprint),
            UpdateExpression: 'ADD #repeats :repeats, #total :minusOne',
            ExpressionAttributeNames: { '#repeats': A.repeatsSinceAlert, '#total': A.totalCount },
            ExpressionAttributeValues: { ':repeats': input.decision.repeats, ':minusOne': -1 },
          }),
        );
      }
    },
    async markRejected(input) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: eventKey(input.eventId),
          UpdateExpression: 'SET #rejected.#channel = :reason',
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token', '#rejected': REJECTED_ATTRIBUTE, '#channel': input.channel },
          ExpressionAttributeValues: { ':reason': input.reason.slice(0, 500), ':token': input.token },
        }),
      );
    },
    async markDelivered(input) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: eventKey(input.eventId),
          UpdateExpression: 'ADD deliveredChannels :channel',
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':channel': new Set([input.channel]), ':token': input.token },
        }),
      );
    },
    async completeEvent(input) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: eventKey(input.eventId),
          UpdateExpression: 'SET #status = :done, completedAt = :now, #fingerprint = :fp, #verdict = :verdict REMOVE leaseUntil',
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#status': 'status', '#token': 'token', '#fingerprint': A.fingerprint, '#verdict': A.verdict },
          ExpressionAttributeValues: {
            ':done': EVENT_STATUS.done,
            ':now': input.now.toISOString(),
            ':fp': input.fingerprint,
            ':verdict': input.finding.verdict,
            ':token': input.token,
          },
        }),
      );
      const seen = iso(input.finding.eventTime, input.now);
      await addOccurrences({ fingerprint: input.fingerprint, finding: input.finding, count: 1, firstSeen: seen, lastSeen: seen });
    },
    async releaseEvent(input) {
      await doc.send(
        new UpdateCommand({
          TableName,
          Key: eventKey(input.eventId),
          UpdateExpression: 'SET #status = :failed, lastError = :reason REMOVE leaseUntil',
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#status': 'status', '#token': 'token' },
          ExpressionAttributeValues: { ':failed': EVENT_STATUS.failed, ':reason': input.reason.slice(0, 500), ':token': input.token },
        }),
      );
    },
    addOccurrences,
  };

  /**
   * Adds occurrences to the hourly aggregate of `lastSeen`'s hour: an atomic `ADD` of the count,
   * then (rarely, only when events arrive out of order) conditional corrections of `firstSeen` and
   * of `lastSeen` with the finding that goes with it.
   */
  async function addOccurrences(input: { fingerprint: string; finding: Finding; count: number; firstSeen: string; lastSeen: string }): Promise<void> {
    const now = new Date();
    const firstSeen = iso(input.firstSeen, now);
    const lastSeen = iso(input.lastSeen, now);
    const findingJson = storedFindingJson(input.finding);
    const key = hourKey(lastSeen, input.fingerprint);
    const names = {
      '#count': A.count,
      '#firstSeen': A.firstSeen,
      '#lastSeen': A.lastSeen,
      '#finding': A.finding,
      '#verdict': A.verdict,
      '#accountId': A.accountId,
      '#fingerprint': A.fingerprint,
      '#ttl': 'ttl',
    };
    const result = await doc.send(
      new UpdateCommand({
        TableName,
        Key: key,
        UpdateExpression:
          'ADD #count :count SET #firstSeen = if_not_exists(#firstSeen, :first), #lastSeen = if_not_exists(#lastSeen, :last), #finding = if_not_exists(#finding, :finding), #verdict = :verdict, #accountId = :account, #fingerprint = :fp, #ttl = :ttl',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':count': input.count,
          ':first': firstSeen,
          ':last': lastSeen,
          ':finding': findingJson,
          ':verdict': input.finding.verdict,
          ':account': input.finding.accountId ?? '-',
          ':fp': input.fingerprint,
          // From the start of the hour, so every writer of the item computes the same expiry.
          ':ttl': ttlAfter(new Date(`${hourBucket(lastSeen)}:00:00.000Z`), RETENTION_SECONDS.hour),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const stored = result.Attributes ?? {};
    const corrections: Promise<unknown>[] = [];
    if (typeof stored[A.lastSeen] === 'string' && (stored[A.lastSeen] as string) < lastSeen) {
      corrections.push(
        conditional({
          TableName,
          Key: key,
          UpdateExpression: 'SET #lastSeen = :last, #finding = :finding',
          ConditionExpression: '#lastSeen < :last',
          ExpressionAttributeNames: { '#lastSeen': A.lastSeen, '#finding': A.finding },
          ExpressionAttributeValues: { ':last': lastSeen, ':finding': findingJson },
        }),
      );
    }
    if (typeof stored[A.firstSeen] === 'string' && (stored[A.firstSeen] as string) > firstSeen) {
      corrections.push(
        conditional({
          TableName,
          Key: key,
          UpdateExpression: 'SET #firstSeen = :first',
          ConditionExpression: '#firstSeen > :first',
          ExpressionAttributeNames: { '#firstSeen': A.firstSeen },
          ExpressionAttributeValues: { ':first': firstSeen },
        }),
      );
    }
    await Promise.all(corrections);
  }

  async function conditional(command: ConstructorParameters<typeof UpdateCommand>[0]): Promise<void> {
    try {
      await doc.send(new UpdateCommand(command));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
