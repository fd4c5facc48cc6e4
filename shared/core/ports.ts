import type { Finding } from './types.js';

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
