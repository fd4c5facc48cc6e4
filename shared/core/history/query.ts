import { BEDROCK_EVENT_SOURCE, INFERENCE_EVENT_NAMES } from '../constants.js';
import type { Result } from '../types.js';
import { ACCOUNT_PATTERN, REGION_PATTERN } from '../replay/identifiers.js';

/**
 * The one history query: Bedrock inference calls of a time window, read from the organization
 * trail's Athena table (the CloudTrail table of the Athena guide, with partition projection on
 * `account` (injected), `region` (enum) and `timestamp` (date, `yyyy/MM/dd`)).
 *
 * The SQL is written in the subset Trino (Athena engine v3) and DuckDB both accept: quoted
 * identifiers, string literals, `IN`, `BETWEEN`, `>=`/`<=` on strings and struct field access. JSON
 * columns (`requestparameters`, `additionaleventdata`) are selected as text and parsed by
 * {@link recordFromRow}, so no engine-specific JSON function is needed.
 * @see https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 * @see https://docs.aws.amazon.com/athena/latest/ug/partition-projection-dynamic-id-partitioning.html
 */

/** Where the trail table lives. */
export interface HistoryTable {
  /** Glue database (`cris_auditor_history` in the stack). */
  database: string;
  /** Glue table over the org trail (`cloudtrail` in the stack). */
  table: string;
}

/** What to read. */
export interface HistoryWindow {
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, inclusive. */
  to: string;
  /** Member accounts: required, the account partition is `injected` so every query must name its values. */
  accounts: readonly string[];
  /** Source Regions; empty for every Region of the table's enum. */
  regions: readonly string[];
}

/**
 * Columns the classifier and the intermittency view read, in this order. Aliases are the names
 * {@link recordFromRow} maps back to CloudTrail's record fields.
 */
export const HISTORY_COLUMNS = [
  ['eventid', 'eventid'],
  ['eventtime', 'eventtime'],
  ['eventname', 'eventname'],
  ['eventsource', 'eventsource'],
  ['awsregion', 'awsregion'],
  ['recipientaccountid', 'recipientaccountid'],
  ['useridentity.type', 'useridentity_type'],
  ['useridentity.arn', 'useridentity_arn'],
  ['useridentity.accountid', 'useridentity_accountid'],
  ['useridentity.principalid', 'useridentity_principalid'],
  ['useridentity.sessioncontext.sessionissuer.arn', 'sessionissuer_arn'],
  ['useridentity.sessioncontext.sessionissuer.type', 'sessionissuer_type'],
  ['useridentity.sessioncontext.sessionissuer.username', 'sessionissuer_username'],
  ['sourceipaddress', 'sourceipaddress'],
  ['useragent', 'useragent'],
  ['errorcode', 'errorcode'],
  ['errormessage', 'errormessage'],
  ['requestparameters', 'requestparameters'],
  ['additionaleventdata', 'additionaleventdata'],
  ['account', 'account'],
] as const;

/** A column alias of {@link HISTORY_COLUMNS}. */
export type HistoryColumn = (typeof HISTORY_COLUMNS)[number][1];

/**
 * CloudTrail writes each log file under the UTC day it is *delivered*, typically within minutes of
 * the call (not guaranteed): a call late on one day can sit in the next day's folder. The query
 * therefore reads one more day when the window ends this close to midnight.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/how-cloudtrail-works.html
 */
export const DELIVERY_SLACK_MS = 60 * 60 * 1000;

/** At most this many accounts in one query (the SQL grows with the list; Athena caps a query at 256 KB). */
export const MAX_QUERY_ACCOUNTS = 1000;

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,254}$/;

/** The built query and the partitions it names. */
export interface HistoryQuery {
  sql: string;
  /** `yyyy/MM/dd` of the first and last day partition read. */
  days: { first: string; last: string };
  accounts: string[];
  regions: string[];
}

function day(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
}

function quoteList(values: readonly string[]): string {
  // Only pattern-checked values reach here (digits, Region codes, event names): no quote to escape.
  return values.map((value) => `'${value}'`).join(', ');
}

/** Formats an ISO time as CloudTrail writes `eventTime` (`2026-11-27T01:01:07Z`), so string comparison orders it. */
function eventTimeText(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * Builds the history query, or says which input is wrong. Pure: the same input gives the same SQL.
 * Reads denials and successes alike (the intermittency view needs both); classification is ours.
 */
export function buildHistoryQuery(table: HistoryTable, window: HistoryWindow): Result<HistoryQuery> {
  if (!IDENTIFIER.test(table.database)) return { ok: false, reason: `database ${JSON.stringify(table.database)} is not a Glue name (lower-case letters, digits, _)` };
  if (!IDENTIFIER.test(table.table)) return { ok: false, reason: `table ${JSON.stringify(table.table)} is not a Glue name (lower-case letters, digits, _)` };
  const fromMs = Date.parse(window.from);
  const toMs = Date.parse(window.to);
  if (Number.isNaN(fromMs) || Number.isNaN(toMs)) return { ok: false, reason: 'from and to must be ISO 8601 times' };
  if (fromMs > toMs) return { ok: false, reason: `from (${window.from}) is after to (${window.to})` };
  const accounts = [...new Set(window.accounts)].sort();
  if (accounts.length === 0) {
    return { ok: false, reason: 'no account to read: the table projects account as injected, so every query must name its accounts (payload accounts, or HISTORY_ACCOUNTS)' };
  }
  if (accounts.length > MAX_QUERY_ACCOUNTS) return { ok: false, reason: `${accounts.length} accounts: at most ${MAX_QUERY_ACCOUNTS} per query` };
  const badAccount = accounts.find((a) => !ACCOUNT_PATTERN.test(a));
  if (badAccount !== undefined) return { ok: false, reason: `${JSON.stringify(badAccount)} is not a 12-digit account ID` };
  const regions = [...new Set(window.regions)].sort();
  const badRegion = regions.find((r) => !REGION_PATTERN.test(r));
  if (badRegion !== undefined) return { ok: false, reason: `${JSON.stringify(badRegion)} is not a Region code such as ap-northeast-1` };

  const first = day(fromMs);
  const last = day(toMs + DELIVERY_SLACK_MS);
  const columns = HISTORY_COLUMNS.map(([expression, alias]) => (expression === alias ? `  ${expression}` : `  ${expression} AS ${alias}`)).join(',\n');
  const where = [
    `account IN (${quoteList(accounts)})`,
    ...(regions.length === 0 ? [] : [`region IN (${quoteList(regions)})`]),
    `"timestamp" BETWEEN '${first}' AND '${last}'`,
    `eventsource = '${BEDROCK_EVENT_SOURCE}'`,
    `eventname IN (${quoteList(INFERENCE_EVENT_NAMES)})`,
    `eventtime >= '${eventTimeText(fromMs)}'`,
    `eventtime <= '${eventTimeText(toMs)}'`,
  ];
  const sql = `SELECT\n${columns}\nFROM "${table.database}"."${table.table}"\nWHERE ${where.join('\n  AND ')}`;
  return { ok: true, value: { sql, days: { first, last }, accounts, regions } };
}
