/**
 * Key design of the single DynamoDB table shared by the alert, digest and replay functions.
 *
 * | item                 | pk                      | sk              | written by | read by |
 * |----------------------|-------------------------|-----------------|------------|---------|
 * | processed event      | `EVENT#<eventId>`       | `EVENT`         | alert      | alert (idempotency, conditional put) |
 * | fingerprint state    | `FP#<fingerprint>`      | `STATE`         | alert      | alert (suppression window, repeat counter) |
 * | hourly aggregate     | `HOUR#<yyyy-mm-ddThh>`  | `FP#<fingerprint>` | alert, replay(store) | digest: one Query per hour |
 * | digest sent marker   | `DIGEST#<yyyy-mm-ddThh>` (window end) | `SENT` | digest | digest (one mail per window, across retries) |
 * | daily call counts    | `CALLS#<yyyy-mm-dd>`    | `<account>#<source Region>#<profile>` | replay(store) | digest: the intermittency view, one Query per day |
 * | org change claim    | `ORGCHANGE#<eventId>`   | `CLAIM`         | guard      | guard (one alert per change event, conditional claim) |
 * | org snapshot head    | `ORGSNAP`               | `HEAD`          | org refresh, guard | guard, digest (version, which chunks) |
 * | org snapshot chunk   | `ORGSNAP#<writeId>`     | `CHUNK#<nnnn>`  | org refresh, guard | guard, digest (one Query per load) |
 *
 * The digest reads 24 hour partitions (plus 24 for the day before, to compare), each holding one
 * item per distinct fingerprint seen that hour: O(distinct fingerprints), never O(events).
 * Every item carries `ttl` (epoch seconds) for DynamoDB TTL.
 */

/** Attribute names of the table keys and TTL. */
export const TABLE_KEYS = { partition: 'pk', sort: 'sk', ttl: 'ttl' } as const;

/** How long items live before DynamoDB TTL removes them, in seconds. */
export const RETENTION_SECONDS = {
  event: 7 * 24 * 3600,
  state: 35 * 24 * 3600,
  hour: 35 * 24 * 3600,
  digest: 35 * 24 * 3600,
  calls: 35 * 24 * 3600,
  /** Renewed by every save (the daily refresh): a snapshot not refreshed for 35 days is gone, not stale. */
  orgSnapshot: 35 * 24 * 3600,
  /** Chunks of a superseded snapshot stay this long, for a load that read the previous head. */
  supersededOrgSnapshot: 3600,
} as const;

/** Attribute name prefixes of a call-count item: successes per routed Region, denials per denied Region, other errors per code. */
export const CALL_COUNT_PREFIX = { success: 's:', denial: 'd:', error: 'e:' } as const;

/** DynamoDB's limit on a sort key value, in bytes. */
const MAX_SORT_KEY_BYTES = 1024;

/**
 * Key of the call counts of one (UTC day, account, profile, source Region). A profile long enough
 * to push the sort key past DynamoDB's 1,024 bytes (an ARN of 2,048 characters) is keyed by its
 * SHA-256 (`hash` computes it; the core has no crypto) and kept whole in an attribute.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys
 */
export function callsKey(input: { day: string; accountId: string | null; sourceRegion: string | null; profile: string }, hash: (text: string) => string): { pk: string; sk: string } {
  const head = `${input.accountId ?? '-'}#${input.sourceRegion ?? '-'}#`;
  const sk = `${head}${input.profile}`;
  const bytes = new TextEncoder().encode(sk).length;
  return { pk: `CALLS#${input.day}`, sk: bytes <= MAX_SORT_KEY_BYTES ? sk : `${head}sha256:${hash(input.profile)}` };
}

/** Key of the marker that records one CloudTrail event as processed. */
export function eventKey(eventId: string): { pk: string; sk: string } {
  return { pk: `EVENT#${eventId}`, sk: 'EVENT' };
}

/** Key of the alert state of one fingerprint. */
export function stateKey(fingerprint: string): { pk: string; sk: string } {
  return { pk: `FP#${fingerprint}`, sk: 'STATE' };
}

/** Key of the marker that records the digest of the window ending at `windowEnd` as sent. */
export function digestKey(windowEnd: string): { pk: string; sk: string } {
  return { pk: `DIGEST#${hourBucket(windowEnd)}`, sk: 'SENT' };
}

/** Key of the guard's claim of one Organizations change event (CloudTrail `eventID`). */
export function orgChangeKey(eventId: string): { pk: string; sk: string } {
  return { pk: `ORGCHANGE#${eventId}`, sk: 'CLAIM' };
}

/** Key of the head item of the stored organization snapshot: version and the write its chunks belong to. */
export function orgSnapshotHeadKey(): { pk: string; sk: string } {
  return { pk: 'ORGSNAP', sk: 'HEAD' };
}

/** Partition of the chunks of one snapshot write (a fresh ID per save, so racing writers never share chunks). */
export function orgSnapshotChunkPartition(writeId: string): string {
  return `ORGSNAP#${writeId}`;
}

/** Key of chunk `index` (0-based) of one snapshot write; sort keys order the chunks. */
export function orgSnapshotChunkKey(writeId: string, index: number): { pk: string; sk: string } {
  return { pk: orgSnapshotChunkPartition(writeId), sk: `CHUNK#${String(index).padStart(4, '0')}` };
}

/** The UTC hour bucket (`yyyy-mm-ddThh`) an ISO timestamp falls in. */
export function hourBucket(isoTime: string): string {
  return new Date(isoTime).toISOString().slice(0, 13);
}

/** Key of the hourly aggregate of one fingerprint. */
export function hourKey(isoTime: string, fingerprint: string): { pk: string; sk: string } {
  return { pk: `HOUR#${hourBucket(isoTime)}`, sk: `FP#${fingerprint}` };
}

/** Every hour bucket that overlaps `[from, to)`, oldest first. */
export function hourBucketsBetween(from: Date, to: Date): string[] {
  const buckets: string[] = [];
  const cursor = new Date(from);
  cursor.setUTCMinutes(0, 0, 0);
  while (cursor < to) {
    buckets.push(cursor.toISOString().slice(0, 13));
    cursor.setUTCHours(cursor.getUTCHours() + 1);
  }
  return buckets;
}

/** Every UTC day bucket (`yyyy-mm-dd`, the `CALLS#` partitions) from `from` to `to`, both included. */
export function dayBucketsBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  for (let day = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); day <= to.getTime(); day += 86_400_000) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  return days;
}

/**
 * Attribute names of the items, shared by the writers (alert, replay) and the reader (digest).
 * `finding` holds the finding as a JSON string.
 */
export const ITEM_ATTRIBUTES = {
  count: 'count',
  firstSeen: 'firstSeen',
  lastSeen: 'lastSeen',
  verdict: 'verdict',
  accountId: 'accountId',
  fingerprint: 'fingerprint',
  finding: 'finding',
  lastAlertAt: 'lastAlertAt',
  repeatsSinceAlert: 'repeatsSinceAlert',
  totalCount: 'totalCount',
} as const;
