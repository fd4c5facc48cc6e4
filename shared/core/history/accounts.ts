import type { OrgSnapshot } from '../preflight/index.js';

/**
 * Where an Athena replay finds its accounts when the request names none. The stack's trail table
 * projects `account` as `injected` (AWS's advice for organizations with many accounts), and an
 * injected partition key must be given in every query: a replay without accounts takes them from
 * `HISTORY_ACCOUNTS`, else from the organization snapshot (the one the stack refreshes daily, or the
 * CLI's `--org FILE`).
 * @see https://docs.aws.amazon.com/athena/latest/ug/partition-projection-dynamic-id-partitioning.html
 */

/** Accounts from a snapshot, or why there are none. */
export type SnapshotAccounts = { ok: true; accounts: string[]; source: string } | { ok: false; reason: string };

/** The accounts of a snapshot a trail can hold calls of: every account not suspended or closing, sorted. */
export function activeAccountsOf(snapshot: OrgSnapshot): string[] {
  return snapshot.accounts
    .filter((account) => account.status === null || account.status === 'ACTIVE')
    .map((account) => account.id)
    .sort();
}

/**
 * True when a payload leaves the accounts to the defaults and no default is set: the caller then
 * loads the snapshot (a read it can skip otherwise). A resume token carries its accounts.
 */
export function historyPayloadNeedsAccounts(payload: unknown, defaultAccounts: readonly string[]): boolean {
  if (defaultAccounts.length > 0) return false;
  let value = payload;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch {
      return false;
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return record.accounts === undefined && record.resume === undefined;
}
