import { type AlertDecision, type AlertStore, type ChannelRejection } from './decision.js';
import { readAlertEvent } from './input.js';
import { INFERENCE_EVENT_NAMES } from '../constants.js';
import { CrisAuditorError, DeliveryError } from '../errors.js';
import { budgetFinding } from './budget.js';
import { fingerprintFinding } from './fingerprint.js';
import type { Notifier } from '../ports.js';
import type { CloudTrailRecord, Finding, Fix } from '../types.js';

/** What processing one event needs; every part is a port, so tests and the demo swap them. */
export interface ProcessAlertDependencies {
  store: AlertStore;
  /** Alert channels by name (`slack`, `sns`); the name is recorded per delivered event. */
  notifiers: Readonly<Record<string, Notifier>>;
  /** The classifier (null: not a Bedrock denial). */
  /** Explains a record; may ask Bedrock about a profile the bundled catalog does not know. */
  classify: (record: CloudTrailRecord) => Finding | null | Promise<Finding | null>;
  /** The fix engine; optional, and a failure of it never blocks an alert. */
  suggestFix?: (finding: Finding) => Fix | null | Promise<Fix | null>;
  /** Suppression window: one alert per fingerprint per this many minutes. */
  windowMinutes: number;
}

/**
 * The calls that raise alerts: Bedrock inference APIs, as the capture rule selects them
 * (`infra/event-pattern.json`). `GetAsyncInvoke` is a status poll, not an invocation; the rule
 * leaves it out, and so does the function when invoked directly (replays, `invoke local`).
 */
export const ALERTED_EVENT_NAMES: readonly string[] = INFERENCE_EVENT_NAMES.filter((name) => name !== 'GetAsyncInvoke');

/** Common facts of an event that became a finding. */
interface FindingOutcome {
  eventId: string;
  finding: Finding;
  fingerprint: string;
  /** Set when the event could not be read and was recorded as `unknown`. */
  malformed: string | null;
  /** Set when the fix engine failed (the alert went out without a fix). */
  fixError: string | null;
}

/** What happened to one event. */
export type AlertOutcome =
  | { outcome: 'ignored'; eventId: string; reason: string }
  | { outcome: 'duplicate'; eventId: string; state: 'done' | 'in-flight'; rejected: ChannelRejection[] }
  | (FindingOutcome & {
      outcome: 'sent';
      repeats: number;
      channels: string[];
      alreadyDelivered: string[];
      /** Channels that refused the alert for good (now or in an earlier attempt); never retried. */
      rejected: ChannelRejection[];
    })
  | (FindingOutcome & { outcome: 'suppressed'; nextAlertAt: string });

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * Processes one EventBridge event exactly once: read → classify → claim the event ID → attach the
 * fix → decide (suppress or send) → deliver to every channel not yet delivered → complete (mark
 * done, add to the hourly aggregate). When a channel fails transiently, the decision is reverted
 * and the claim released before the `DeliveryError` is thrown, so the retry (Lambda, then the DLQ)
 * sends and counts once. A channel that refuses for good (`DeliveryError.permanent`) is recorded
 * on the event and never retried; the event completes and the outcome lists it in `rejected`. Not-a-denial events are ignored; unreadable events are recorded as `unknown`.
 */
export async function processAlertEvent(
  event: unknown,
  deps: ProcessAlertDependencies,
  clock: { now: Date; leaseUntil: Date },
): Promise<AlertOutcome> {
  const input = readAlertEvent(event);
  const classified = input.ok ? await deps.classify(input.record) : input.finding;
  // Caller-controlled fields are cut to their budgets before anything is stored or sent.
  const finding = classified === null ? null : budgetFinding(classified);
  if (finding === null) {
    const record = input.ok ? input.record : {};
    const reason = `not a denied Bedrock call (eventSource ${String(record.eventSource ?? '-')}, errorCode ${String(record.errorCode ?? '-')})`;
    return { outcome: 'ignored', eventId: input.eventId, reason };
  }
  if (input.ok && !ALERTED_EVENT_NAMES.includes(String(input.record.eventName))) {
    const reason = `not a Bedrock inference call (eventName ${String(input.record.eventName ?? '-').slice(0, 80)})`;
    return { outcome: 'ignored', eventId: input.eventId, reason };
  }
  const claim = await deps.store.claimEvent({ eventId: input.eventId, now: clock.now, leaseUntil: clock.leaseUntil });
  if (claim.status === 'duplicate') return { outcome: 'duplicate', eventId: input.eventId, state: claim.state, rejected: claim.rejectedChannels };

  let decision: AlertDecision | null = null;
  let decidedAt = clock.now;
  const fingerprint = fingerprintFinding(finding);
  const base = { eventId: input.eventId, fingerprint, malformed: input.ok ? null : input.reason, fixError: null as string | null };
  try {
    if (deps.suggestFix !== undefined && finding.fix === undefined) {
      try {
        finding.fix = await deps.suggestFix(finding);
      } catch (error) {
        finding.fix = null;
        base.fixError = describe(error);
      }
    }
    // An earlier attempt that decided (and counted) this event before it stopped left its decision
    // on the event: reuse it rather than count the occurrence a second time.
    decidedAt = claim.decision === null ? clock.now : new Date(claim.decision.decidedAt);
    decision =
      claim.decision?.decision ??
      (await deps.store.decide({ fingerprint, finding, now: clock.now, windowMinutes: deps.windowMinutes, event: { eventId: input.eventId, token: claim.token } }));
    // An event that already reached some channel (an earlier attempt that crashed or failed)
    // finishes reaching the others, even if its window has since been taken: every channel sees
    // the alert that one of them saw.
    const resumed = decision.action === 'suppress' && claim.deliveredChannels.length > 0;
    if (decision.action === 'suppress' && !resumed) {
      await deps.store.completeEvent({ eventId: input.eventId, token: claim.token, fingerprint, finding, now: clock.now });
      return { ...base, outcome: 'suppressed', finding, nextAlertAt: decision.nextAlertAt };
    }
    const repeats = decision.action === 'send' ? decision.repeats : 0;
    const settled = new Set([...claim.deliveredChannels, ...claim.rejectedChannels.map((rejection) => rejection.channel)]);
    const pending = Object.entries(deps.notifiers).filter(([name]) => !settled.has(name));
    const results = await Promise.allSettled(
      pending.map(async ([name, notifier]) => {
        await notifier.notify({ finding, fingerprint, repeats });
        await deps.store.markDelivered({ eventId: input.eventId, token: claim.token, channel: name });
        return name;
      }),
    );
    const failures = results.flatMap((result, index) => (result.status === 'rejected' ? [{ channel: pending[index]?.[0] ?? '?', error: result.reason as unknown }] : []));
    // A channel that refused for good is recorded, not retried: retrying the event would send the
    // alert again to every channel that took it, and reopen suppression for every repeat.
    const rejected = failures.filter((failure) => failure.error instanceof DeliveryError && failure.error.permanent);
    for (const rejection of rejected) {
      await deps.store.markRejected({ eventId: input.eventId, token: claim.token, channel: rejection.channel, reason: describe(rejection.error) });
    }
    const transient = failures.filter((failure) => !rejected.includes(failure));
    if (transient.length > 0) {
      throw new DeliveryError(
        `alert delivery failed on ${transient.map((failure) => `${failure.channel} (${describe(failure.error)})`).join(', ')}`,
        { cause: transient.length === 1 ? transient[0]?.error : new AggregateError(transient.map((failure) => failure.error)) },
      );
    }
    await deps.store.completeEvent({ eventId: input.eventId, token: claim.token, fingerprint, finding, now: clock.now });
    const failed = new Set(failures.map((failure) => failure.channel));
    return {
      ...base,
      outcome: 'sent',
      finding,
      repeats,
      channels: pending.map(([name]) => name).filter((name) => !failed.has(name)),
      alreadyDelivered: claim.deliveredChannels,
      rejected: [...claim.rejectedChannels, ...rejected.map((rejection) => ({ channel: rejection.channel, reason: describe(rejection.error) }))],
    };
  } catch (error) {
    await rollBack(deps.store, { eventId: input.eventId, token: claim.token, fingerprint, decision, decidedAt, error });
    throw error;
  }
}

/** Undoes a send decision and releases the claim (one atomic write); a failure here is attached to the original error. */
async function rollBack(
  store: AlertStore,
  input: { eventId: string; token: string; fingerprint: string; decision: AlertDecision | null; decidedAt: Date; error: unknown },
): Promise<void> {
  try {
    const revert = input.decision?.action === 'send' ? { fingerprint: input.fingerprint, decision: input.decision, decidedAt: input.decidedAt } : undefined;
    await store.releaseEvent({ eventId: input.eventId, token: input.token, reason: describe(input.error), ...(revert === undefined ? {} : { revert }) });
  } catch (rollbackError) {
    throw new CrisAuditorError(`processing failed (${describe(input.error)}) and its rollback failed too (${describe(rollbackError)})`, {
      cause: new AggregateError([input.error, rollbackError]),
    });
  }
}
