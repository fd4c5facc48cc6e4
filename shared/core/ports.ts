import type { Finding } from './types.js';
import type { DailyIntermittencyRow, IntermittencyRow } from './history/intermittency.js';
import type { OrgSnapshot } from './preflight/index.js';

/**
 * Ports: the small interfaces the core and the functions need from the outside world. Adapters in
 * `shared/adapters/` implement them; tests and the local demo can swap them.
 */

/** Counts of one fingerprint within one UTC hour, as stored in the table (see `store-keys.ts`). */
export interface HourlyAggregate {
  /** UTC hour bucket, `yyyy-mm-ddThh`. */
  hour: string;
  fingerprint: string;
  /** Exact number of denials of this fingerprint in this hour. */
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The most recent finding of this fingerprint in this hour (with its fix when computed). */
  finding: Finding;
}

/** Writes occurrences into the hourly aggregates (alert function, replay with `store`). */
export interface AggregateWriter {
  /** Adds `count` occurrences of a fingerprint seen between `firstSeen` and `lastSeen`. */
  addOccurrences(input: {
    fingerprint: string;
    finding: Finding;
    count: number;
    firstSeen: string;
    lastSeen: string;
  }): Promise<void>;
}

/** Reads the hourly aggregates back (digest). */
export interface AggregateReader {
  /** Every aggregate of one hour bucket; one item per distinct fingerprint. */
  listHour(hour: string): Promise<HourlyAggregate[]>;
}

/** A rendered notification ready for one channel. */
export interface Notifier {
  /** Delivers one alert for a finding; throws `DeliveryError` when the channel refused it after retries. */
  notify(alert: { finding: Finding; fingerprint: string; repeats: number }): Promise<void>;
}

/**
 * Writes the per-day call counts of the intermittency view (replay with `store`): one item per
 * (UTC day, account, profile, source Region), counts added atomically.
 */
export interface CallCountWriter {
  /** Adds the rows' counts; resolves to what was written and what failed (never throws for one row). */
  addCalls(rows: readonly DailyIntermittencyRow[]): Promise<{ written: number; failures: number; firstError: string | null }>;
}

/** Reads the per-day call counts back (digest). */
export interface CallCountReader {
  /** Every (account, profile, source Region) of one UTC day (`yyyy-mm-dd`), with its counts. */
  listDay(day: string): Promise<IntermittencyRow[]>;
}

/** The organization snapshot as the stack stores it (daily refresh, SCP-change guard; read by the digest). */
export interface StoredOrgSnapshot {
  snapshot: OrgSnapshot;
  /** Version of the stored snapshot: 1 for the first save, one more on every save. Pass it to `save`. */
  version: number;
  /** ISO 8601 time of the save (the snapshot's own `takenAt` says when the tree was read). */
  savedAt: string;
}

/** Outcome of {@link OrgSnapshotStore.save}: the new version, or a conflict with the version now stored. */
export type OrgSnapshotSaveResult = { ok: true; version: number } | { ok: false; reason: 'conflict'; currentVersion: number | null };

/**
 * The stack's one organization snapshot, with optimistic concurrency: `save` succeeds only when the
 * stored version is still `expectedVersion` (null: nothing stored yet), so two guards (or a guard and
 * the daily refresh) racing on the same snapshot never lose a change silently; the loser reloads and
 * reapplies. `load` returns null when nothing is stored (or it expired); a stored snapshot that cannot
 * be read back whole throws.
 */
export interface OrgSnapshotStore {
  load(): Promise<StoredOrgSnapshot | null>;
  save(snapshot: OrgSnapshot, expectedVersion: number | null): Promise<OrgSnapshotSaveResult>;
}
