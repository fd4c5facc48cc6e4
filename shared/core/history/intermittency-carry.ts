import * as z from 'zod/mini';
import { mergeIntermittency, type IntermittencyRow } from './intermittency.js';

/**
 * The intermittency counts a resume token carries from one invocation to the next, so a replay
 * resumed with its token reports the same totals as one uninterrupted run. Rows are packed as
 * positional arrays (a token is deflated, but the JSON still counts against Lambda's payload
 * limits) and bounded: at most {@link MAX_CARRIED_ROWS} rows, each field within fixed lengths.
 * When a replay has more distinct (account, profile, source Region) than that, the rows with the
 * fewest failures are dropped and counted, and every later report says so.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */

/** Rows carried in a token at most. */
export const MAX_CARRIED_ROWS = 1_000;
/** Keys per count map of a carried row (Regions and error codes). */
export const MAX_CARRIED_KEYS = 64;

/** What a token carries: the packed rows, and what had to be dropped so far. */
export interface CarriedIntermittency {
  rows: PackedIntermittencyRow[];
  /** Rows dropped over every invocation so far. */
  droppedRows: number;
  /** Calls those rows held. */
  droppedCalls: number;
}

/** `[account, profile, sourceRegion, calls, successes, failures, successesByRegion, denialsByRegion, otherErrors, deniedBy]`. */
export type PackedIntermittencyRow = [
  string | null,
  string,
  string | null,
  number,
  number,
  number,
  Record<string, number>,
  Record<string, number>,
  Record<string, number>,
  string[],
];

const whole = z.int().check(z.minimum(0));
const counts = z.record(z.string().check(z.minLength(1), z.maxLength(128)), whole).check(z.refine((m) => Object.keys(m).length <= MAX_CARRIED_KEYS, `more than ${MAX_CARRIED_KEYS} keys`));

/** The schema both token formats (`crr1`, `cra1`) validate the carried counts with. */
export const carriedIntermittencySchema = z.strictObject({
  rows: z
    .array(
      z.tuple([
        z.nullable(z.string().check(z.regex(/^\d{12}$/))),
        z.string().check(z.minLength(1), z.maxLength(2048)),
        z.nullable(z.string().check(z.maxLength(64))),
        whole,
        whole,
        whole,
        counts,
        counts,
        counts,
        z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(MAX_CARRIED_KEYS)),
      ]),
    )
    .check(z.maxLength(MAX_CARRIED_ROWS)),
  droppedRows: whole,
  droppedCalls: whole,
});

function firstKeys(map: Record<string, number>): Record<string, number> {
  const entries = Object.entries(map);
  if (entries.length <= MAX_CARRIED_KEYS) return map;
  // More keys than any real row has (Regions, error codes): keep the largest counts, fold the rest.
  entries.sort(([, a], [, b]) => b - a);
  const kept = Object.fromEntries(entries.slice(0, MAX_CARRIED_KEYS - 1));
  kept['other'] = (kept['other'] ?? 0) + entries.slice(MAX_CARRIED_KEYS - 1).reduce((sum, [, n]) => sum + n, 0);
  return kept;
}

/**
 * Packs the rows so far (earlier invocations merged with this one) for a token. Rows arrive most
 * failing first (as {@link mergeIntermittency} sorts them): those past {@link MAX_CARRIED_ROWS}
 * are dropped and counted.
 */
export function packIntermittency(rows: readonly IntermittencyRow[], previous: Pick<CarriedIntermittency, 'droppedRows' | 'droppedCalls'> | null): CarriedIntermittency {
  const kept = rows.slice(0, MAX_CARRIED_ROWS);
  const dropped = rows.slice(MAX_CARRIED_ROWS);
  return {
    rows: kept.map((row) => [
      row.accountId,
      row.profile.slice(0, 2048),
      row.sourceRegion === null ? null : row.sourceRegion.slice(0, 64),
      row.calls,
      row.successes,
      row.failures,
      firstKeys(row.successesByRegion),
      firstKeys(row.denialsByRegion),
      firstKeys(row.otherErrors),
      row.deniedBy.slice(0, MAX_CARRIED_KEYS).map((label) => label.slice(0, 256)),
    ]),
    droppedRows: (previous?.droppedRows ?? 0) + dropped.length,
    droppedCalls: (previous?.droppedCalls ?? 0) + dropped.reduce((sum, row) => sum + row.calls, 0),
  };
}

/** The rows a token carried, ready to merge with the next invocation's. */
export function unpackIntermittency(carried: CarriedIntermittency | null | undefined): IntermittencyRow[] {
  if (carried == null) return [];
  return mergeIntermittency(
    carried.rows.map(([accountId, profile, sourceRegion, calls, successes, failures, successesByRegion, denialsByRegion, otherErrors, deniedBy]) => ({
      accountId, profile, sourceRegion, calls, successes, failures, failedShare: 0, successesByRegion, denialsByRegion, otherErrors, deniedBy,
    })),
  );
}

/** The warning a report gives when carried rows had to be dropped. */
export function droppedRowsWarning(carried: Pick<CarriedIntermittency, 'droppedRows' | 'droppedCalls'>): string | null {
  if (carried.droppedRows === 0) return null;
  return `the intermittency view covers the ${MAX_CARRIED_ROWS} most failing (account, profile, source Region) carried across invocations: ${carried.droppedRows} rows with ${carried.droppedCalls} calls were left out of its totals`;
}
