import type { AggregateWriter } from '../ports.js';
import type { Finding } from '../types.js';

/**
 * Suppression of repeated alerts: one alert per fingerprint per window. The rule is pure and
 * lives here; the store applies it atomically (a conditional update whose condition is
 * {@link suppressionWindowStart}) so concurrent invocations agree on exactly one sender.
 */

/** The alert state of one fingerprint, as the store keeps it. */
export interface AlertState {
  /** When the last alert of this fingerprint was sent (ISO 8601, UTC), or null if never. */
  lastAlertAt: string | null;
  /** Occurrences suppressed since that alert. */
  repeatsSinceAlert: number;
}

/** What to do with one occurrence. */
export type AlertDecision =
  | {
      action: 'send';
      /** Occurrences suppressed since the previous alert ("N more since last alert"). */
      repeats: number;
      /** When the previous alert was sent, or null for the first alert of this fingerprint. */
      previousAlertAt: string | null;
    }
  | {
      action: 'suppress';
      /** The earliest time the next alert of this fingerprint may be sent. */
      nextAlertAt: string;
    };

/** The oldest `lastAlertAt` that no longer suppresses: `now - windowMinutes`, as ISO 8601. */
export function suppressionWindowStart(now: Date, windowMinutes: number): string {
  return new Date(now.getTime() - windowMinutes * 60_000).toISOString();
}

/**
 * Decides whether one occurrence is alerted or suppressed. Sends when the fingerprint was never
 * alerted or its last alert is at least `windowMinutes` old; otherwise suppresses.
 * Timestamps are compared as ISO 8601 strings in `Date#toISOString` form.
 */
export function decideAlert(state: AlertState | null, now: Date, windowMinutes: number): AlertDecision {
  const lastAlertAt = state?.lastAlertAt ?? null;
  if (lastAlertAt === null || lastAlertAt <= suppressionWindowStart(now, windowMinutes)) {
    return { action: 'send', repeats: state?.repeatsSinceAlert ?? 0, previousAlertAt: lastAlertAt };
  }
  const nextAlertAt = new Date(new Date(lastAlertAt).getTime() + windowMinutes * 60_000).toISOString();
  return { action: 'suppress', nextAlertAt };
}

/** Outcome of claiming a CloudTrail event for processing. */
export type EventClaim =
  | {
      status: 'claimed';
      /** Proof of ownership passed to the later steps (a stale owner cannot complete). */
      token: string;
      /** Channels that already delivered this event's alert in an earlier, failed attempt. */
      deliveredChannels: string[];
      /** Channels that refused this event's alert for good in an earlier attempt (never sent again). */
      rejectedChannels: ChannelRejection[];
      /**
       * The decision an earlier attempt made and counted for this event before it stopped (it crashed,
       * or its store call failed after the write): reuse it, never decide (and count) again. Null when
       * no decision stands for the event.
       */
      decision: RecordedDecision | null;
    }
  | {
      status: 'duplicate';
      /** `done`: processed before; `in-flight`: another invocation holds an unexpired claim. */
      state: 'done' | 'in-flight';
      /** Channels that refused the alert of this (done) event for good, with why. */
      rejectedChannels: ChannelRejection[];
    };

/** A decision recorded on the event, with the time it was made (what a revert must match). */
export interface RecordedDecision {
  decision: AlertDecision;
  decidedAt: string;
}

/** A `send` decision to undo, and when it was made. */
export interface DecisionToRevert {
  fingerprint: string;
  decision: AlertDecision & { action: 'send' };
  decidedAt: Date;
}

/** A channel that refused an alert for a reason retrying cannot fix (see `DeliveryError.permanent`). */
export interface ChannelRejection {
  channel: string;
  reason: string;
}

/**
 * The store the alert function needs (implemented over DynamoDB in `shared/adapters/`).
 * Protocol per event: {@link AlertStore.claimEvent} → {@link AlertStore.decide} → deliver →
 * {@link AlertStore.completeEvent} (which also adds the occurrence to the hourly aggregate).
 * When delivery fails: {@link AlertStore.releaseEvent} with the decision to revert, so the retry
 * sends and nothing is counted twice. Each step that moves a count moves the event's record of it in
 * the same atomic write: deciding records the decision on the event, completing marks it done with
 * the hourly count, releasing reverts the decision; a step replayed after a lost answer is recognised
 * and not applied twice.
 */
export interface AlertStore extends AggregateWriter {
  /** Claims an event (idempotency by CloudTrail event ID) until `leaseUntil`. */
  claimEvent(input: { eventId: string; now: Date; leaseUntil: Date }): Promise<EventClaim>;
  /**
   * Counts the occurrence in the fingerprint state and atomically decides send or suppress. With
   * `event` (the claim), the decision is recorded on the event in the same atomic write, so a later
   * claim of that event gets it back instead of counting the occurrence again.
   */
  decide(input: { fingerprint: string; finding: Finding; now: Date; windowMinutes: number; event?: { eventId: string; token: string } }): Promise<AlertDecision>;
  /** Undoes a `send` decision whose delivery failed, keeping repeats counted by others meanwhile. */
  revertDecision(input: { fingerprint: string; decision: AlertDecision & { action: 'send' }; now: Date }): Promise<void>;
  /** Records that one channel delivered this event's alert (a retry will not deliver it again). */
  markDelivered(input: { eventId: string; token: string; channel: string }): Promise<void>;
  /** Records that one channel refused this event's alert for good (a retry will not send it there again). */
  markRejected(input: { eventId: string; token: string; channel: string; reason: string }): Promise<void>;
  /** Marks the event done and adds it to the hourly aggregate of its fingerprint. */
  completeEvent(input: { eventId: string; token: string; fingerprint: string; finding: Finding; now: Date }): Promise<void>;
  /**
   * Releases a claim after a failure so a retry can claim it again; with `revert`, undoes that send
   * decision in the same atomic write (a decision not reverted stays recorded for the retry).
   */
  releaseEvent(input: { eventId: string; token: string; reason: string; revert?: DecisionToRevert }): Promise<void>;
}
