import type { StreamCursor } from './resume.js';

/**
 * The port a replay reads CloudTrail history through. `shared/adapters/cloudtrail-lookup.ts`
 * implements it with `LookupEvents`; tests can implement it in memory.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 */

/** One event of a `LookupEvents` page. */
export interface LookupRecord {
  /** `EventId`. */
  id: string;
  /** `EventTime` (ISO 8601). */
  time: string;
  /** The parsed `CloudTrailEvent` JSON; null when it was missing or not JSON. */
  record: unknown;
}

/** Why a stream stopped in this run. */
export const STREAM_STOPS = {
  done: 'done',
  deadline: 'deadline',
  budget: 'max-events',
  interrupted: 'interrupted',
  error: 'error',
} as const;

/** A {@link STREAM_STOPS} code. */
export type StreamStop = (typeof STREAM_STOPS)[keyof typeof STREAM_STOPS];

/** What one stream did in one run. */
export interface StreamOutcome {
  /** Progress after this run; `cursor.done` when its window is read completely. */
  cursor: StreamCursor;
  stoppedBy: StreamStop;
  /** HTTP requests sent, including throttled ones. */
  requests: number;
  pages: number;
  throttled: number;
  /** Events handed to `onEvents`. */
  recordsRead: number;
  /** Events left out because an earlier run already emitted them. */
  skipped: number;
  /** A person-readable error when `stoppedBy` is `error`. */
  error: string | null;
}

/** Reads CloudTrail history stream by stream, stopping cleanly at a deadline or budget. */
export interface EventLookup {
  lookup(input: {
    cursors: readonly StreamCursor[];
    /** Epoch milliseconds after which no new request may start. */
    deadline: number;
    /** Aborted to stop early (Ctrl-C in the CLI): like the deadline, streams stop resumable. */
    stop?: AbortSignal | undefined;
    /** Total events to read in this run across streams; null for no limit. */
    maxEvents: number | null;
    /** Called once per page with the page's new events, before the cursor moves past them. */
    onEvents(cursor: StreamCursor, events: LookupRecord[]): void | Promise<void>;
  }): Promise<StreamOutcome[]>;
}
