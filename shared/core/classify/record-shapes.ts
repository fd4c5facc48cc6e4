import type { CloudTrailRecord, Result } from '../types.js';

/**
 * The shapes of JSON value that carry CloudTrail records, as users hand them to us.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html
 */
export const INPUT_SHAPES = {
  /** An EventBridge event whose `detail` is a CloudTrail record. */
  eventBridge: 'eventbridge-event',
  /** One bare CloudTrail record. */
  record: 'cloudtrail-record',
  /** A CloudTrail log file as delivered to S3: `{"Records":[...]}`. */
  logFile: 'log-file',
  /** A `LookupEvents` response: `{"Events":[{"CloudTrailEvent":"<json>"}], "NextToken"?}`. */
  lookupEvents: 'lookup-events',
  /** One element of a `LookupEvents` response's `Events` (what `jq '.Events[]'` prints). */
  lookupEvent: 'lookup-event',
  /** A JSON array of any of these shapes. */
  array: 'array',
  /** A CloudTrail digest file (integrity validation); holds no records and is skipped. */
  digest: 'digest-file',
  /** Anything else. */
  unknown: 'unknown',
} as const;

/** A shape code; see {@link INPUT_SHAPES}. */
export type InputShape = (typeof INPUT_SHAPES)[keyof typeof INPUT_SHAPES];

/** Top-level key of a log file whose elements are records. */
export const LOG_FILE_KEY = 'Records';
/** Top-level key of a `LookupEvents` response whose elements wrap records as JSON strings. */
export const LOOKUP_EVENTS_KEY = 'Events';

/** Suffix of every EventBridge `detail-type` whose `detail` is a CloudTrail record. */
const CLOUDTRAIL_DETAIL_TYPE_SUFFIX = 'via CloudTrail';
const MAX_KEYS_SHOWN = 8;
const MAX_KEY_LENGTH = 40;

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function prefixed(where: string, reason: string): string {
  return where === '' ? reason : `${where}: ${reason}`;
}

/**
 * Names a JSON value for a message: `a string`, `null`, `an object with top-level keys a, b`.
 * Key names come from user files; they are shortened, never interpreted.
 */
export function describeJsonValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return `an array of ${value.length} element(s)`;
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return 'an empty object';
    const shown = keys
      .slice(0, MAX_KEYS_SHOWN)
      .map((key) => (key.length > MAX_KEY_LENGTH ? `${key.slice(0, MAX_KEY_LENGTH)}…` : key));
    const more = keys.length > MAX_KEYS_SHOWN ? `, … (${keys.length} keys)` : '';
    return `an object with top-level keys ${shown.join(', ')}${more}`;
  }
  return `a ${typeof value}`;
}

/**
 * Tells which input shape a parsed JSON value has. Checks run from the most specific wrapper to
 * the bare record, so an EventBridge event is never mistaken for a record.
 */
export function detectShape(value: unknown): InputShape {
  if (Array.isArray(value)) return INPUT_SHAPES.array;
  if (!isObject(value)) return INPUT_SHAPES.unknown;
  if ('detail-type' in value || ('detail' in value && 'source' in value)) return INPUT_SHAPES.eventBridge;
  if (Array.isArray(value[LOG_FILE_KEY])) return INPUT_SHAPES.logFile;
  if (Array.isArray(value[LOOKUP_EVENTS_KEY])) return INPUT_SHAPES.lookupEvents;
  if (typeof value.CloudTrailEvent === 'string') return INPUT_SHAPES.lookupEvent;
  if ('digestStartTime' in value && 'logFiles' in value) return INPUT_SHAPES.digest;
  if (
    typeof value.eventSource === 'string' ||
    typeof value.eventName === 'string' ||
    typeof value.eventVersion === 'string'
  ) {
    return INPUT_SHAPES.record;
  }
  return INPUT_SHAPES.unknown;
}

/**
 * One element of a log file's `Records` array as a record. Elements are records by definition of
 * the format, so any object is accepted (the classifier copes with partial records).
 * @param where position for messages, e.g. `Records[3]`
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
 */
export function recordFromLogFileEntry(value: unknown, where: string): Result<CloudTrailRecord> {
  if (isObject(value)) return { ok: true, value: value as CloudTrailRecord };
  return { ok: false, reason: prefixed(where, `is ${describeJsonValue(value)}, not a CloudTrail record object`) };
}

/**
 * One element of a `LookupEvents` response's `Events` array as a record: its `CloudTrailEvent`
 * string parsed. A missing or unparsable string is an expected failure, not an exception.
 * @param where position for messages, e.g. `Events[3]`
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_Event.html
 */
export function recordFromLookupEvent(value: unknown, where: string): Result<CloudTrailRecord> {
  if (!isObject(value)) {
    return { ok: false, reason: prefixed(where, `is ${describeJsonValue(value)}, not a LookupEvents event object`) };
  }
  const text = value.CloudTrailEvent;
  if (typeof text !== 'string') {
    return { ok: false, reason: prefixed(where, 'has no CloudTrailEvent string, so it is not a CloudTrail LookupEvents event (or the response was trimmed)') };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: prefixed(`${where}.CloudTrailEvent`, `is not valid JSON: ${syntaxErrorText(error)}`) };
  }
  if (!isObject(parsed)) {
    return { ok: false, reason: prefixed(`${where}.CloudTrailEvent`, `holds ${describeJsonValue(parsed)}, not a record object`) };
  }
  return { ok: true, value: parsed as CloudTrailRecord };
}

/**
 * Every CloudTrail record in one parsed JSON value, in document order, each as a {@link Result}:
 * a record, or a reason a person can act on for a part that holds none. Arrays may nest and mix
 * shapes. A digest file yields nothing (see {@link detectShape} to tell it apart from an empty log).
 * @param where position prefix for messages (empty at the top)
 */
export function* recordsIn(value: unknown, where = ''): Generator<Result<CloudTrailRecord>, void, undefined> {
  switch (detectShape(value)) {
    case INPUT_SHAPES.array: {
      const items = value as unknown[];
      for (let index = 0; index < items.length; index++) yield* recordsIn(items[index], `${where}[${index}]`);
      return;
    }
    case INPUT_SHAPES.eventBridge: {
      yield eventBridgeDetail(value as JsonObject, where);
      return;
    }
    case INPUT_SHAPES.logFile: {
      const records = (value as JsonObject)[LOG_FILE_KEY] as unknown[];
      const base = `${where}${where === '' ? '' : '.'}${LOG_FILE_KEY}`;
      for (let index = 0; index < records.length; index++) {
        yield recordFromLogFileEntry(records[index], `${base}[${index}]`);
      }
      return;
    }
    case INPUT_SHAPES.lookupEvents: {
      const events = (value as JsonObject)[LOOKUP_EVENTS_KEY] as unknown[];
      const base = `${where}${where === '' ? '' : '.'}${LOOKUP_EVENTS_KEY}`;
      for (let index = 0; index < events.length; index++) {
        yield recordFromLookupEvent(events[index], `${base}[${index}]`);
      }
      return;
    }
    case INPUT_SHAPES.lookupEvent: {
      yield recordFromLookupEvent(value, where);
      return;
    }
    case INPUT_SHAPES.record: {
      yield { ok: true, value: value as CloudTrailRecord };
      return;
    }
    case INPUT_SHAPES.digest:
      return;
    default:
      yield {
        ok: false,
        reason: prefixed(
          where,
          `not a CloudTrail record, EventBridge event, log file or LookupEvents response: ${unknownDetail(value)}`,
        ),
      };
  }
}

function eventBridgeDetail(event: JsonObject, where: string): Result<CloudTrailRecord> {
  const detailType = event['detail-type'];
  if (typeof detailType === 'string' && !detailType.endsWith(CLOUDTRAIL_DETAIL_TYPE_SUFFIX)) {
    const shown = detailType.length > 80 ? `${detailType.slice(0, 80)}…` : detailType;
    return {
      ok: false,
      reason: prefixed(
        where,
        `EventBridge event with detail-type "${shown}" carries no CloudTrail record (expected "AWS API Call via CloudTrail")`,
      ),
    };
  }
  if (!isObject(event.detail)) {
    return { ok: false, reason: prefixed(where, `EventBridge event whose detail is ${describeJsonValue(event.detail)}, not a CloudTrail record`) };
  }
  return { ok: true, value: event.detail as CloudTrailRecord };
}

function unknownDetail(value: unknown): string {
  if (isObject(value)) {
    const description = describeJsonValue(value);
    return description.startsWith('an object with ') ? description.slice('an object with '.length) : description;
  }
  return describeJsonValue(value);
}

/** The message of a JSON.parse failure, kept short (V8 may quote a slice of the input). */
export function syntaxErrorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > 160 ? `${message.slice(0, 160)}…` : message;
}
