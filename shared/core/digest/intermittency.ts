import { mergeIntermittency, type IntermittencyRow } from '../history/intermittency.js';
import type { DigestWindow } from './schedule.js';

/**
 * The digest's intermittency view: how often each (account, profile, source Region) failed on the
 * UTC day the window mostly covers, from the per-day call counts replays with `store` write (the
 * alert function sees denials only, never the successful calls a failure rate needs).
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/cross-region-inference.html
 */

/** Failing rows shown in a digest at most; the rest are counted. */
export const MAX_DIGEST_INTERMITTENCY_ROWS = 20;

/** What the digest says about failure rates. */
export interface DigestIntermittency {
  /** The UTC day (`yyyy-mm-dd`) the counts are of. */
  day: string;
  /** Rows with at least one failed call, most failing first, at most {@link MAX_DIGEST_INTERMITTENCY_ROWS}. */
  failing: IntermittencyRow[];
  /** Rows with a failed call in all. */
  failingTotal: number;
  /** Rows whose every call succeeded. */
  healthy: number;
  /** Calls counted that day, over every row. */
  calls: number;
}

/**
 * The UTC day whose counts a window shows: the day its midpoint falls in, so a 24-hour window
 * reads the one day it overlaps most (09:00 Asia/Tokyo → the whole UTC day before; a 09:00 UTC
 * run → the day before, 15 of whose hours it covers).
 */
export function intermittencyDay(window: Pick<DigestWindow, 'from' | 'to'>): string {
  const middle = (Date.parse(window.from) + Date.parse(window.to)) / 2;
  return new Date(middle).toISOString().slice(0, 10);
}

/** Builds the view from the rows stored for `day`; null when none were stored (no replay with `store` ran). */
export function buildDigestIntermittency(day: string, rows: readonly IntermittencyRow[]): DigestIntermittency | null {
  const merged = mergeIntermittency(rows);
  if (merged.length === 0) return null;
  const failing = merged.filter((row) => row.failures > 0);
  return {
    day,
    failing: failing.slice(0, MAX_DIGEST_INTERMITTENCY_ROWS),
    failingTotal: failing.length,
    healthy: merged.length - failing.length,
    calls: merged.reduce((sum, row) => sum + row.calls, 0),
  };
}
