import { hourBucketsBetween } from '../alert/store-keys.js';
import type { Result } from '../types.js';

/**
 * The period a digest covers, and the period before it that it is compared with. Both are whole
 * UTC hours because the store aggregates per UTC hour (`HOUR#<yyyy-mm-ddThh>`): consecutive daily
 * runs therefore cover every hour exactly once, with no gap and no overlap.
 */
export interface DigestWindow {
  /** Start of the window, inclusive (ISO 8601, UTC). */
  from: string;
  /** End of the window, exclusive (ISO 8601, UTC). */
  to: string;
  /** Start of the comparison window, which ends at `from`. */
  previousFrom: string;
  /** Hour buckets of the window, oldest first (24 for a daily digest). */
  hours: string[];
  /** Hour buckets of the comparison window, oldest first. */
  previousHours: string[];
  /** IANA time zone the window is shown in. */
  timeZone: string;
}

const HOUR_MS = 3_600_000;

/**
 * Whether `timeZone` is an IANA time zone name this runtime knows (`Asia/Tokyo`, `UTC`, …).
 * @see https://developer.mozilla.org/docs/Web/JavaScript/Reference/Global_Objects/Intl/DateTimeFormat/DateTimeFormat#timezone
 */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The window `[from, to)` and the one before it from `previousFrom`, with their hour buckets. */
function windowOf(from: Date, to: Date, previousFrom: Date, timeZone: string): DigestWindow {
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    previousFrom: previousFrom.toISOString(),
    hours: hourBucketsBetween(from, to),
    previousHours: hourBucketsBetween(previousFrom, from),
    timeZone,
  };
}

/**
 * The window of a digest invoked at `now`: the `hours` hours (default 24) ending at `now`
 * truncated to the hour, and the same length before it for comparison. A run at 09:00:07
 * Asia/Tokyo covers 09:00 the day before to 09:00 today. In zones with a non-whole-hour offset
 * (Asia/Kolkata, Asia/Kathmandu) the end is the last full UTC hour, the store's granularity.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
 */
export function computeDigestWindow(options: {
  now: Date;
  timeZone: string;
  hours?: number;
}): Result<DigestWindow> {
  const { now, timeZone, hours = 24 } = options;
  if (Number.isNaN(now.getTime())) return { ok: false, reason: 'invocation time is not a valid date' };
  if (!isValidTimeZone(timeZone)) return { ok: false, reason: `time zone "${timeZone}" is not an IANA time zone name` };
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 31) {
    return { ok: false, reason: `window length ${hours} h must be a whole number of hours between 1 and 744` };
  }
  const to = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  const from = new Date(to.getTime() - hours * HOUR_MS);
  const previousFrom = new Date(from.getTime() - hours * HOUR_MS);
  return { ok: true, value: windowOf(from, to, previousFrom, timeZone) };
}

/**
 * An explicit window `[from, to)` (CLI preview, manual runs), compared with the window of the same
 * length before it. Bounds are kept as given; the hour lists cover every hour they touch.
 */
export function explicitDigestWindow(options: { from: Date; to: Date; timeZone: string }): Result<DigestWindow> {
  const { from, to, timeZone } = options;
  if (Number.isNaN(from.getTime())) return { ok: false, reason: '--from is not a valid ISO 8601 time' };
  if (Number.isNaN(to.getTime())) return { ok: false, reason: '--to is not a valid ISO 8601 time' };
  if (to <= from) return { ok: false, reason: '--to must be later than --from' };
  if (!isValidTimeZone(timeZone)) return { ok: false, reason: `time zone "${timeZone}" is not an IANA time zone name` };
  const previousFrom = new Date(from.getTime() - (to.getTime() - from.getTime()));
  return { ok: true, value: windowOf(from, to, previousFrom, timeZone) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Wall-clock time of an ISO timestamp in `timeZone`, as `yyyy-mm-dd hh:mm` (locale-neutral, so the
 * same in every language). Returns the input unchanged when it is not a valid time.
 */
export function formatInTimeZone(isoTime: string, timeZone: string): string {
  const date = new Date(isoTime);
  if (Number.isNaN(date.getTime())) return isoTime;
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The calendar date (`yyyy-mm-dd`) of an ISO timestamp in `timeZone`. */
export function dateInTimeZone(isoTime: string, timeZone: string): string {
  return formatInTimeZone(isoTime, timeZone).slice(0, 10);
}

/** Where the invocation time of a digest run came from. */
export type InvocationTimeSource = 'scheduler' | 'eventbridge' | 'clock';

/**
 * The time a digest run is for. EventBridge Scheduler passes it when the target input carries
 * `"scheduledTime": "<aws.scheduler.scheduled-time>"`; an EventBridge scheduled rule passes `time`.
 * Using it (rather than the clock) keeps a retried or late run on the same window. Without either,
 * the run is for `now`. A field that is present but not a time is a reason, not a guess.
 * @see https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
 */
export function digestInvocationTime(event: unknown, now: Date): Result<{ time: Date; source: InvocationTimeSource }> {
  const fields = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
  for (const [key, source] of [['scheduledTime', 'scheduler'], ['time', 'eventbridge']] as const) {
    const value = fields[key];
    if (value === undefined) continue;
    const time = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
    if (Number.isNaN(time.getTime())) return { ok: false, reason: `event field "${key}" is not an ISO 8601 time` };
    return { ok: true, value: { time, source } };
  }
  return { ok: true, value: { time: now, source: 'clock' } };
}
