/**
 * The alert store in memory, for `cris-audit demo`: the same protocol as the DynamoDB store
 * (`shared/adapters/dynamodb-alert-store.ts`) — claim with a lease, decide with the suppression
 * window, a decision recorded on its event, revert, complete with the hourly count — kept in Maps.
 * Each call runs to completion before another starts (one JavaScript thread), so every write is
 * atomic as the DynamoDB store's transactions are. Needs nothing installed: the demo runs from a
 * global install of the package, where no local DynamoDB exists.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { decideAlert, type AlertDecision, type AlertStore, type ChannelRejection, type RecordedDecision } from '../shared/core/alert/decision.js';
import { hourBucket } from '../shared/core/alert/store-keys.js';

interface EventRecord {
  status: 'processing' | 'failed' | 'done';
  token: string;
  leaseUntil: string;
  delivered: Set<string>;
  rejected: Map<string, string>;
  decision: RecordedDecision | null;
}

interface StateRecord {
  lastAlertAt: string | null;
  repeatsSinceAlert: number;
  totalCount: number;
}

/** What the demo can show after a run: the counts the DynamoDB store would hold. */
export interface MemoryAlertStore extends AlertStore {
  /** `totalCount` and `repeatsSinceAlert` of a fingerprint, or null. */
  state(fingerprint: string): Readonly<StateRecord> | null;
  /** The hourly count of a fingerprint in the hour of `isoTime` (0 when none). */
  hourCount(isoTime: string, fingerprint: string): number;
}

function notOwner(eventId: string): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: `the claim of event ${eventId} is no longer held by this invocation`, $metadata: {} });
}

export function createMemoryAlertStore(): MemoryAlertStore {
  const events = new Map<string, EventRecord>();
  const states = new Map<string, StateRecord>();
  const hours = new Map<string, number>();
  let tokens = 0;

  const owned = (eventId: string, token: string): EventRecord => {
    const event = events.get(eventId);
    if (event === undefined || event.token !== token || event.status !== 'processing') throw notOwner(eventId);
    return event;
  };
  const rejections = (event: EventRecord): ChannelRejection[] =>
    [...event.rejected].map(([channel, reason]) => ({ channel, reason })).sort((a, b) => a.channel.localeCompare(b.channel));
  const revert = (fingerprint: string, decision: AlertDecision & { action: 'send' }, decidedAt: Date): void => {
    const state = states.get(fingerprint);
    if (state === undefined) return;
    // Another invocation may have opened a newer window meanwhile: then only the counts are restored.
    if (state.lastAlertAt === decidedAt.toISOString()) state.lastAlertAt = decision.previousAlertAt;
    state.repeatsSinceAlert += decision.repeats;
    state.totalCount -= 1;
  };
  const addHour = (isoTime: string, fingerprint: string, count: number): void => {
    const key = `${hourBucket(isoTime)}|${fingerprint}`;
    hours.set(key, (hours.get(key) ?? 0) + count);
  };

  return {
    async claimEvent({ eventId, now, leaseUntil }) {
      const event = events.get(eventId);
      const free = event === undefined || event.status === 'failed' || (event.status === 'processing' && event.leaseUntil < now.toISOString());
      if (!free) return { status: 'duplicate', state: event.status === 'done' ? 'done' : 'in-flight', rejectedChannels: rejections(event) };
      tokens += 1;
      const claimed: EventRecord = {
        status: 'processing',
        token: `memory-${tokens}`,
        leaseUntil: leaseUntil.toISOString(),
        delivered: event?.delivered ?? new Set(),
        rejected: event?.rejected ?? new Map(),
        decision: event?.decision ?? null,
      };
      events.set(eventId, claimed);
      return { status: 'claimed', token: claimed.token, deliveredChannels: [...claimed.delivered].sort(), rejectedChannels: rejections(claimed), decision: claimed.decision };
    },
    async decide({ fingerprint, now, windowMinutes, event }) {
      const record = event === undefined ? null : owned(event.eventId, event.token);
      if (record?.decision) throw notOwner(event?.eventId ?? '-');
      const state = states.get(fingerprint) ?? { lastAlertAt: null, repeatsSinceAlert: 0, totalCount: 0 };
      const decision = decideAlert(state, now, windowMinutes);
      if (decision.action === 'send') {
        state.lastAlertAt = now.toISOString();
        state.repeatsSinceAlert = 0;
      } else {
        state.repeatsSinceAlert += 1;
      }
      state.totalCount += 1;
      states.set(fingerprint, state);
      if (record !== null) record.decision = { decision, decidedAt: now.toISOString() };
      return decision;
    },
    async revertDecision({ fingerprint, decision, now }) {
      revert(fingerprint, decision, now);
    },
    async markDelivered({ eventId, token, channel }) {
      owned(eventId, token).delivered.add(channel);
    },
    async markRejected({ eventId, token, channel, reason }) {
      owned(eventId, token).rejected.set(channel, reason.slice(0, 500));
    },
    async completeEvent({ eventId, token, fingerprint, finding, now }) {
      const event = owned(eventId, token);
      event.status = 'done';
      const seen = finding.eventTime !== null && !Number.isNaN(Date.parse(finding.eventTime)) ? new Date(finding.eventTime).toISOString() : now.toISOString();
      addHour(seen, fingerprint, 1);
    },
    async releaseEvent({ eventId, token, revert: toRevert }) {
      const event = owned(eventId, token);
      event.status = 'failed';
      if (toRevert !== undefined) {
        revert(toRevert.fingerprint, toRevert.decision, toRevert.decidedAt);
        event.decision = null;
      }
    },
    async addOccurrences({ fingerprint, count, lastSeen }) {
      addHour(lastSeen, fingerprint, count);
    },
    state(fingerprint) {
      return states.get(fingerprint) ?? null;
    },
    hourCount(isoTime, fingerprint) {
      return hours.get(`${hourBucket(isoTime)}|${fingerprint}`) ?? 0;
    },
  };
}
