import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  decideAlert,
  type AlertDecision,
  type AlertStore,
  type ChannelRejection,
  type EventClaim,
  type RecordedDecision,
} from '../core/alert/decision.js';
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

/** How often `decide` retries when other invocations changed the state between its read and its write (bounded). */
const MAX_DECIDE_ROUNDS = 12;

/** How often a transaction is retried when DynamoDB cancels it for a conflicting transaction on one of its items. */
const MAX_CONFLICT_RETRIES = 8;

/** One update, usable alone (`UpdateItem`) or as an item of a transaction (which requires the expression). */
type UpdateInput = ConstructorParameters<typeof UpdateCommand>[0] & { UpdateExpression: string };

/** The cancellation reason codes of a cancelled transaction (one per item, `None` for items that were fine), or null. */
function cancellationCodes(error: unknown): string[] | null {
  const failure = error as { name?: unknown; CancellationReasons?: Array<{ Code?: string }> } | null;
  if (failure?.name !== 'TransactionCanceledException') return null;
  return (failure.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/** Waits a short random time before retrying a conflicting transaction (full jitter, growing). */
function conflictPause(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 10 * 2 ** attempt)));
}

function staleOwner(eventId: string): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: `the claim of event ${eventId} is no longer held by this invocation`, $metadata: {} });
}

const DECISION_ATTRIBUTE = 'decision';
const DECIDED_AT_ATTRIBUTE = 'decidedAt';

function recordedDecisionOf(item: Record<string, unknown> | undefined): RecordedDecision | null {
  const raw = item?.[DECISION_ATTRIBUTE] as Record<string, unknown> | undefined;
  const decidedAt = item?.[DECIDED_AT_ATTRIBUTE];
  if (typeof raw !== 'object' || raw === null || typeof decidedAt !== 'string') return null;
  if (raw['action'] === 'send') {
    const previous = raw['previousAlertAt'];
    return { decision: { action: 'send', repeats: Number(raw['repeats'] ?? 0), previousAlertAt: typeof previous === 'string' ? previous : null }, decidedAt };
  }
  if (raw['action'] === 'suppress' && typeof raw['nextAlertAt'] === 'string') return { decision: { action: 'suppress', nextAlertAt: raw['nextAlertAt'] }, decidedAt };
  return null;
}

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
 * reads. It writes a `ttl` attribute on every item.
 *
 * Counting contract: every write that moves a count moves the event marker with it in one
 * `TransactWriteItems` — the decision (state + the decision recorded on the event), the completion
 * (event done + hourly count), the release after a failed delivery (event failed + the send
 * reverted). A write whose answer was lost is recognised when replayed (the event already shows this
 * claim's decision, done or failed), so a retry — the SDK's or Lambda's — neither loses nor doubles a
 * count. Only `addOccurrences` (replay's path, which has no event marker) is a plain atomic `ADD`.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
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
        decision: recordedDecisionOf(result.Attributes),
      };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await doc.send(new GetCommand({ TableName, Key: eventKey(input.eventId), ConsistentRead: true }));
      if (current.Item?.['token'] === token && current.Item['status'] === EVENT_STATUS.processing) {
        // This very claim was applied and its answer lost (the SDK retried it): it is ours.
        const delivered = current.Item['deliveredChannels'];
        return {
          status: 'claimed',
          token,
          deliveredChannels: delivered instanceof Set ? [...delivered].map(String).sort() : [],
          rejectedChannels: rejectionsOf(current.Item),
          decision: recordedDecisionOf(current.Item),
        };
      }
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

  async function readEvent(eventId: string): Promise<Record<string, unknown> | undefined> {
    return (await doc.send(new GetCommand({ TableName, Key: eventKey(eventId), ConsistentRead: true }))).Item;
  }

  /**
   * The state write of one decision, conditioned on the state it was decided from (optimistic: a
   * concurrent change makes it fail, and `decide` reads again). A send also requires the repeats it
   * reports, so "N more since last alert" is exact.
   */
  function stateWrite(fingerprint: string, finding: Finding, now: Date, read: { lastAlertAt: string | null; repeats: number | null }, decision: AlertDecision): UpdateInput {
    const lastCondition = read.lastAlertAt === null ? 'attribute_not_exists(#lastAlertAt)' : '#lastAlertAt = :readLast';
    const values: Record<string, unknown> = { ...stateUpdateValues(fingerprint, finding, now), ...(read.lastAlertAt === null ? {} : { ':readLast': read.lastAlertAt }) };
    if (decision.action === 'suppress') {
      return {
        TableName,
        Key: stateKey(fingerprint),
        UpdateExpression: `SET ${STATE_COMMON} ADD #repeats :one, #total :one`,
        ConditionExpression: lastCondition,
        ExpressionAttributeNames: STATE_NAMES,
        ExpressionAttributeValues: values,
      };
    }
    const repeatsCondition = read.repeats === null ? 'attribute_not_exists(#repeats)' : '#repeats = :readRepeats';
    return {
      TableName,
      Key: stateKey(fingerprint),
      UpdateExpression: `SET ${STATE_COMMON}, #lastAlertAt = :now, #repeats = :zero ADD #total :one`,
      ConditionExpression: `${lastCondition} AND ${repeatsCondition}`,
      ExpressionAttributeNames: STATE_NAMES,
      ExpressionAttributeValues: { ...values, ':now': now.toISOString(), ':zero': 0, ...(read.repeats === null ? {} : { ':readRepeats': read.repeats }) },
    };
  }

  /** The event write that records a decision: only by the claim's owner, only once. */
  function decisionRecordWrite(event: { eventId: string; token: string }, decision: AlertDecision, now: Date): UpdateInput {
    return {
      TableName,
      Key: eventKey(event.eventId),
      UpdateExpression: 'SET #decision = :decision, #decidedAt = :now',
      ConditionExpression: '#token = :token AND #status = :processing AND attribute_not_exists(#decision)',
      ExpressionAttributeNames: { '#decision': DECISION_ATTRIBUTE, '#decidedAt': DECIDED_AT_ATTRIBUTE, '#token': 'token', '#status': 'status' },
      ExpressionAttributeValues: { ':decision': decision, ':now': now.toISOString(), ':token': event.token, ':processing': EVENT_STATUS.processing },
    };
  }

  async function decide(input: { fingerprint: string; finding: Finding; now: Date; windowMinutes: number; event?: { eventId: string; token: string } }): Promise<AlertDecision> {
    let conflicts = 0;
    for (let round = 0; round < MAX_DECIDE_ROUNDS; round += 1) {
      const state = (await doc.send(new GetCommand({ TableName, Key: stateKey(input.fingerprint), ConsistentRead: true }))).Item;
      const read = {
        lastAlertAt: typeof state?.[A.lastAlertAt] === 'string' ? (state[A.lastAlertAt] as string) : null,
        repeats: typeof state?.[A.repeatsSinceAlert] === 'number' ? (state[A.repeatsSinceAlert] as number) : null,
      };
      const decision = decideAlert({ lastAlertAt: read.lastAlertAt, repeatsSinceAlert: read.repeats ?? 0 }, input.now, input.windowMinutes);
      // The write is conditioned on exactly the state read: a concurrent change fails it and this reads again.
      const write = stateWrite(input.fingerprint, input.finding, input.now, read, decision);
      try {
        if (input.event === undefined) await doc.send(new UpdateCommand(write));
        else await doc.send(new TransactWriteCommand({ TransactItems: [{ Update: write }, { Update: decisionRecordWrite(input.event, decision, input.now) }] }));
        return decision;
      } catch (error) {
        if (input.event === undefined) {
          if (isConditionFailure(error)) continue;
          throw error;
        }
        const codes = cancellationCodes(error);
        if (codes === null) throw error;
        if (codes[1] === 'ConditionalCheckFailed') {
          // Either this very write was applied and its answer lost (a retry of it then finds the
          // decision recorded), or the claim is gone.
          const event = await readEvent(input.event.eventId);
          const recorded = recordedDecisionOf(event);
          if (recorded !== null && event?.['token'] === input.event.token) return recorded.decision;
          throw staleOwner(input.event.eventId);
        }
        if (codes.includes('TransactionConflict') && conflicts < MAX_CONFLICT_RETRIES) {
          conflicts += 1;
          round -= 1;
          await conflictPause(conflicts);
          continue;
        }
        if (codes[0] === 'ConditionalCheckFailed') continue;
        throw error;
      }
    }
    throw new CrisAuditorError(`alert state of fingerprint ${input.fingerprint} kept changing; gave up after ${MAX_DECIDE_ROUNDS} rounds`);
  }

  /**
   * Runs a two-item transaction whose first item is the event marker (conditioned on the claim),
   * retrying DynamoDB's conflict cancellations. Returns the cancellation codes of a failure it does
   * not handle itself, or null on success.
   */
  async function transact(items: [UpdateInput, UpdateInput]): Promise<string[] | null> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await doc.send(new TransactWriteCommand({ TransactItems: items.map((Update) => ({ Update })) }));
        return null;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes === null) throw error;
        if (codes.includes('TransactionConflict') && attempt < MAX_CONFLICT_RETRIES) {
          await conflictPause(attempt + 1);
          continue;
        }
        return codes;
      }
    }
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
      const seen = iso(input.finding.eventTime, input.now);
      const hour = hourWrite({ fingerprint: input.fingerprint, finding: input.finding, count: 1, firstSeen: seen, lastSeen: seen });
      // The event is done and its occurrence counted in one atomic write: never one without the other.
      const codes = await transact([
        {
          TableName,
          Key: eventKey(input.eventId),
          UpdateExpression: 'SET #status = :done, completedAt = :now, #fingerprint = :fp, #verdict = :verdict REMOVE leaseUntil',
          ConditionExpression: '#token = :token AND #status = :processing',
          ExpressionAttributeNames: { '#status': 'status', '#token': 'token', '#fingerprint': A.fingerprint, '#verdict': A.verdict },
          ExpressionAttributeValues: {
            ':done': EVENT_STATUS.done,
            ':processing': EVENT_STATUS.processing,
            ':now': input.now.toISOString(),
            ':fp': input.fingerprint,
            ':verdict': input.finding.verdict,
            ':token': input.token,
          },
        },
        hour.write,
      ]);
      if (codes !== null) {
        const event = await readEvent(input.eventId);
        // This very write was applied and its answer lost: done, and counted once.
        if (codes[0] === 'ConditionalCheckFailed' && event?.['token'] === input.token && event['status'] === EVENT_STATUS.done) return;
        if (codes[0] === 'ConditionalCheckFailed') throw staleOwner(input.eventId);
        throw new CrisAuditorError(`completing event ${input.eventId} was cancelled (${codes.join(', ')})`);
      }
      await correctHour(hour);
    },
    async releaseEvent(input) {
      const release = (revert: boolean): UpdateInput => ({
        TableName,
        Key: eventKey(input.eventId),
        UpdateExpression: `SET #status = :failed, lastError = :reason REMOVE leaseUntil${revert ? ', #decision, #decidedAt' : ''}`,
        ConditionExpression: '#token = :token AND #status = :processing',
        ExpressionAttributeNames: { '#status': 'status', '#token': 'token', ...(revert ? { '#decision': DECISION_ATTRIBUTE, '#decidedAt': DECIDED_AT_ATTRIBUTE } : {}) },
        ExpressionAttributeValues: { ':failed': EVENT_STATUS.failed, ':processing': EVENT_STATUS.processing, ':reason': input.reason.slice(0, 500), ':token': input.token },
      });
      const alreadyReleased = async (): Promise<boolean> => {
        const event = await readEvent(input.eventId);
        return event?.['token'] === input.token && event['status'] === EVENT_STATUS.failed;
      };
      if (input.revert === undefined) {
        // A decision that is not reverted stays recorded on the event: the retry reuses it.
        try {
          await doc.send(new UpdateCommand(release(false)));
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          if (!(await alreadyReleased())) throw staleOwner(input.eventId);
        }
        return;
      }
      const { fingerprint, decision, decidedAt } = input.revert;
      const restore = decision.previousAlertAt === null ? 'REMOVE #lastAlertAt' : 'SET #lastAlertAt = :previous';
      const names = { '#lastAlertAt': A.lastAlertAt, '#repeats': A.repeatsSinceAlert, '#total': A.totalCount };
      const counts = { ':repeats': decision.repeats, ':minusOne': -1 };
      // The decision is undone and the claim released in one atomic write.
      let codes = await transact([
        release(true),
        {
          TableName,
          Key: stateKey(fingerprint),
          UpdateExpression: `${restore} ADD #repeats :repeats, #total :minusOne`,
          ConditionExpression: '#lastAlertAt = :mine',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...(decision.previousAlertAt === null ? {} : { ':previous': decision.previousAlertAt }), ...counts, ':mine': decidedAt.toISOString() },
        },
      ]);
      if (codes !== null && codes[0] !== 'ConditionalCheckFailed' && codes[1] === 'ConditionalCheckFailed') {
        // Another invocation opened a newer window meanwhile: keep its alert time, restore the counts.
        codes = await transact([
          release(true),
          { TableName, Key: stateKey(fingerprint), UpdateExpression: 'ADD #repeats :repeats, #total :minusOne', ExpressionAttributeNames: { '#repeats': names['#repeats'], '#total': names['#total'] }, ExpressionAttributeValues: counts },
        ]);
      }
      if (codes === null) return;
      if (codes[0] === 'ConditionalCheckFailed') {
        if (await alreadyReleased()) return;
        throw staleOwner(input.eventId);
      }
      throw new CrisAuditorError(`releasing event ${input.eventId} was cancelled (${codes.join(', ')})`);
    },
    addOccurrences,
  };

  /** The hourly-aggregate write of some occurrences (an atomic `ADD`), and what its corrections need. */
  function hourWrite(input: { fingerprint: string; finding: Finding; count: number; firstSeen: string; lastSeen: string }): {
    write: UpdateInput;
    key: { pk: string; sk: string };
    firstSeen: string;
    lastSeen: string;
    findingJson: string;
  } {
    const now = new Date();
    const firstSeen = iso(input.firstSeen, now);
    const lastSeen = iso(input.lastSeen, now);
    const findingJson = storedFindingJson(input.finding);
    const key = hourKey(lastSeen, input.fingerprint);
    const write: UpdateInput = {
      TableName,
      Key: key,
      UpdateExpression:
        'ADD #count :count SET #firstSeen = if_not_exists(#firstSeen, :first), #lastSeen = if_not_exists(#lastSeen, :last), #finding = if_not_exists(#finding, :finding), #verdict = :verdict, #accountId = :account, #fingerprint = :fp, #ttl = :ttl',
      ExpressionAttributeNames: {
        '#count': A.count,
        '#firstSeen': A.firstSeen,
        '#lastSeen': A.lastSeen,
        '#finding': A.finding,
        '#verdict': A.verdict,
        '#accountId': A.accountId,
        '#fingerprint': A.fingerprint,
        '#ttl': 'ttl',
      },
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
    };
    return { write, key, firstSeen, lastSeen, findingJson };
  }

  /**
   * Conditional corrections of `firstSeen` and of `lastSeen` with the finding that goes with it, needed
   * only when events arrive out of order. They move no count, so they may run after the count's write.
   */
  async function correctHour(hour: ReturnType<typeof hourWrite>, stored?: Record<string, unknown>): Promise<void> {
    const item = stored ?? (await doc.send(new GetCommand({ TableName, Key: hour.key, ConsistentRead: true }))).Item ?? {};
    const corrections: Promise<unknown>[] = [];
    if (typeof item[A.lastSeen] === 'string' && (item[A.lastSeen] as string) < hour.lastSeen) {
      corrections.push(
        conditional({
          TableName,
          Key: hour.key,
          UpdateExpression: 'SET #lastSeen = :last, #finding = :finding',
          ConditionExpression: '#lastSeen < :last',
          ExpressionAttributeNames: { '#lastSeen': A.lastSeen, '#finding': A.finding },
          ExpressionAttributeValues: { ':last': hour.lastSeen, ':finding': hour.findingJson },
        }),
      );
    }
    if (typeof item[A.firstSeen] === 'string' && (item[A.firstSeen] as string) > hour.firstSeen) {
      corrections.push(
        conditional({
          TableName,
          Key: hour.key,
          UpdateExpression: 'SET #firstSeen = :first',
          ConditionExpression: '#firstSeen > :first',
          ExpressionAttributeNames: { '#firstSeen': A.firstSeen },
          ExpressionAttributeValues: { ':first': hour.firstSeen },
        }),
      );
    }
    await Promise.all(corrections);
  }

  /**
   * Adds occurrences to the hourly aggregate of `lastSeen`'s hour (replay's path: no event marker):
   * an atomic `ADD` of the count, then the corrections of {@link correctHour}.
   */
  async function addOccurrences(input: { fingerprint: string; finding: Finding; count: number; firstSeen: string; lastSeen: string }): Promise<void> {
    const hour = hourWrite(input);
    const result = await doc.send(new UpdateCommand({ ...hour.write, ReturnValues: 'ALL_NEW' }));
    await correctHour(hour, result.Attributes ?? {});
  }

  async function conditional(command: UpdateInput): Promise<void> {
    try {
      await doc.send(new UpdateCommand(command));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
}
