import { createHash } from 'node:crypto';
import { VERDICTS } from '../constants.js';
import { recordsIn } from '../classify/record-shapes.js';
import type { CloudTrailRecord, Finding } from '../types.js';

/** What the alert function reads from one EventBridge event. */
export type AlertInput =
  | { ok: true; record: CloudTrailRecord; eventId: string }
  | {
      ok: false;
      /** Why the event holds no readable CloudTrail record, for the log and the finding. */
      reason: string;
      eventId: string;
      /** The event recorded as a finding of verdict `unknown`, so it is never dropped silently. */
      finding: Finding;
    };

function text(value: unknown, max = 256): string | null {
  return typeof value === 'string' && value !== '' ? value.slice(0, max) : null;
}

/**
 * A stable ID for an event that carries none (neither CloudTrail `eventID` nor EventBridge `id`):
 * the hash of its JSON, so a redelivery of the same payload is still recognised.
 */
function contentId(event: unknown): string {
  let json: string;
  try {
    json = JSON.stringify(event) ?? String(event);
  } catch {
    json = String(event);
  }
  return `sha256-${createHash('sha256').update(json).digest('hex').slice(0, 40)}`;
}

/** A finding of verdict `unknown` for an event that could not be read. */
export function malformedEventFinding(reason: string, envelope: Record<string, unknown>, eventId: string): Finding {
  return {
    eventId,
    eventTime: text(envelope['time'], 40),
    eventName: null,
    accountId: text(envelope['account'], 40),
    principalArn: null,
    sourceRegion: text(envelope['region'], 40),
    action: null,
    modelId: null,
    profile: null,
    foundationModel: null,
    deniedResource: null,
    deniedRegion: null,
    policyType: null,
    policyArn: null,
    authorizationId: null,
    authorizationDetailsUrl: null,
    destinations: null,
    destinationsSource: null,
    verdict: VERDICTS.unknown,
    reason: `The event could not be read: ${reason}.`,
    userAgent: null,
    sourceIpAddress: null,
    errorCode: null,
    errorMessage: null,
  };
}

/**
 * Reads the CloudTrail record out of an EventBridge event ("AWS API Call via CloudTrail"). The
 * idempotency key is the record's `eventID` (EventBridge may deliver one CloudTrail event more
 * than once, under the same or a new envelope), else the envelope `id`, else a content hash.
 * An event without a readable record becomes an `unknown` finding with the reason.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html
 */
export function readAlertEvent(event: unknown): AlertInput {
  const envelope = typeof event === 'object' && event !== null && !Array.isArray(event) ? (event as Record<string, unknown>) : {};
  const first = recordsIn(event).next();
  const result = first.done === true ? { ok: false as const, reason: 'the event holds no CloudTrail record' } : first.value;
  if (result.ok) {
    const eventId = text(result.value.eventID, 128) ?? text(envelope['id'], 128) ?? contentId(event);
    return { ok: true, record: result.value, eventId };
  }
  const eventId = text(envelope['id'], 128) ?? contentId(event);
  return { ok: false, reason: result.reason, eventId, finding: malformedEventFinding(result.reason, envelope, eventId) };
}
