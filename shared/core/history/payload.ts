import * as z from 'zod/mini';
import type { CarriedIntermittency } from './intermittency-carry.js';
import { LANGUAGES } from '../constants.js';
import type { Language } from '../types.js';
import { ACCOUNT_PATTERN, REGION_PATTERN } from '../replay/identifiers.js';
import type { ReplayTotals } from '../replay/resume.js';
import { MAX_QUERY_ACCOUNTS } from './query.js';
import { decodeHistoryResumeToken, isHistoryResumeToken } from './resume.js';
import type { SnapshotAccounts } from './accounts.js';

/**
 * The replay payload with `"source": "athena"`: the organization trail through Amazon Athena, with
 * no 90-day limit and every account in one query. Validated into a {@link HistoryRequest}; a bad
 * payload is a value naming the field.
 * @see https://docs.aws.amazon.com/athena/latest/ug/cloudtrail-logs.html
 */

/** The payload as a person writes it. */
export interface HistoryPayload {
  source: 'athena';
  /** ISO 8601 time or a duration before now (`-P30D`). Required unless `resume`. */
  from?: string;
  /** Same forms; default now. */
  to?: string;
  /** Accounts to read (the account partition is injected: a query must name them); default `HISTORY_ACCOUNTS`. */
  accounts?: string[];
  /** Source Regions; default every Region of the table. */
  regions?: string[];
  store?: boolean;
  notify?: boolean;
  dryRun?: boolean;
  resume?: string;
  maxEvents?: number;
  lang?: Language;
}

/** A validated Athena replay request. */
export interface HistoryRequest {
  from: string;
  to: string;
  accounts: string[];
  regions: string[];
  /** Set when resuming: the query to continue and where its results were left. */
  continuation: { queryExecutionId: string | null; pageToken: string | null; skipInPage: number; rowsRead: number } | null;
  previousTotals: ReplayTotals | null;
  /** Intermittency counts carried by the resume token; null for a fresh replay. */
  previousIntermittency?: CarriedIntermittency | null;
  resumed: boolean;
  store: boolean;
  notify: boolean;
  dryRun: boolean;
  maxEvents: number | null;
  lang: Language | null;
}

/** Result of {@link parseHistoryPayload}. */
export type HistoryPayloadResult = { ok: true; value: HistoryRequest } | { ok: false; field: string; reason: string };

/** Exported for docs and tests: the accepted fields. */
export const HISTORY_PAYLOAD_FIELDS = ['source', 'from', 'to', 'accounts', 'regions', 'store', 'notify', 'dryRun', 'resume', 'maxEvents', 'lang'] as const;

const RELATIVE = /^-P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;
const TIME_ERROR = 'must be an ISO 8601 time such as 2026-11-27T00:00:00Z, or a duration before now such as -P30D or -PT6H';
const time = z.union([z.iso.datetime({ offset: true }), z.string().check(z.regex(RELATIVE), z.refine((v) => v !== '-P' && !v.endsWith('T')))], { error: TIME_ERROR });

function resolveTime(value: string, now: number): number {
  const match = RELATIVE.exec(value);
  if (match === null) return Date.parse(value);
  const [, days = '0', hours = '0', minutes = '0'] = match;
  return now - ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000;
}

const schema = z.strictObject({
  source: z.literal('athena', { error: 'must be "athena" for this reader' }),
  from: z.optional(time),
  to: z.optional(time),
  accounts: z.optional(
    z
      .array(z.string({ error: 'must be a 12-digit account ID' }).check(z.regex(ACCOUNT_PATTERN, { error: (issue) => `${JSON.stringify(issue.input)} is not a 12-digit account ID` })), {
        error: 'must be a list of 12-digit account IDs',
      })
      .check(z.minLength(1, { error: 'must name at least one account' }), z.maxLength(MAX_QUERY_ACCOUNTS, { error: `names more than ${MAX_QUERY_ACCOUNTS} accounts` })),
  ),
  regions: z.optional(
    z
      .array(z.string({ error: 'must be a Region code such as ap-northeast-1' }).check(z.regex(REGION_PATTERN, { error: (issue) => `${JSON.stringify(issue.input)} is not a Region code such as ap-northeast-1` })), {
        error: 'must be a list of Region codes',
      })
      .check(z.minLength(1, { error: 'must name at least one Region (leave it out for every Region)' }), z.maxLength(40, { error: 'names more than 40 Regions' })),
  ),
  store: z.optional(z.boolean({ error: 'must be true or false' })),
  notify: z.optional(z.boolean({ error: 'must be true or false' })),
  dryRun: z.optional(z.boolean({ error: 'must be true or false' })),
  resume: z.optional(z.string({ error: 'must be the resume token string of a previous report' }).check(z.minLength(1, { error: 'is empty' }))),
  maxEvents: z.optional(z.int({ error: 'must be a whole number' }).check(z.minimum(1, { error: 'must be at least 1' }), z.maximum(10_000_000, { error: 'must be at most 10000000' }))),
  lang: z.optional(z.enum(LANGUAGES, { error: `must be one of ${LANGUAGES.join(', ')}` })),
});

function refuse(field: string, reason: string): HistoryPayloadResult {
  return { ok: false, field, reason: `${field}: ${reason}` };
}

/** True when a payload asks for the Athena reader (`source: "athena"`, or an Athena resume token). */
export function isHistoryPayload(payload: unknown): boolean {
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload) as unknown;
    } catch {
      return false;
    }
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return false;
  const record = payload as Record<string, unknown>;
  return record.source === 'athena' || (typeof record.resume === 'string' && isHistoryResumeToken(record.resume));
}

/**
 * Validates an Athena replay payload. Refuses, naming the field: unknown fields, malformed times,
 * `from` after `to`, no accounts (none given and no `HISTORY_ACCOUNTS`), malformed IDs and Regions,
 * an invalid resume token, and a window or account list that contradicts the token.
 */
export function parseHistoryPayload(
  payload: unknown,
  context: {
    now: number;
    defaultAccounts: readonly string[];
    /** The organization snapshot's accounts, used when neither the payload nor `defaultAccounts` names any; null when no snapshot was looked at. */
    snapshotAccounts?: SnapshotAccounts | null;
    /** How the caller names the ways to give accounts, for the error when there are none (default: the payload's words). */
    accountsHint?: string;
  },
): HistoryPayloadResult {
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload) as unknown;
    } catch {
      return refuse('payload', 'is a string that is not JSON; send a JSON object');
    }
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return refuse('payload', `must be a JSON object with fields ${HISTORY_PAYLOAD_FIELDS.join(', ')}`);
  // A resume token alone says which reader it belongs to.
  const input = { source: 'athena', ...(payload as Record<string, unknown>) };
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') return refuse(issue.keys[0] ?? 'payload', `unknown field; expected one of ${HISTORY_PAYLOAD_FIELDS.join(', ')}`);
    const field = issue === undefined || issue.path.length === 0 ? 'payload' : issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
    return refuse(field, issue?.message ?? 'is invalid');
  }
  const data = parsed.data;
  const flags = { store: data.store ?? false, notify: data.notify ?? false, dryRun: data.dryRun ?? false, maxEvents: data.maxEvents ?? null, lang: data.lang ?? null };

  if (data.resume !== undefined) {
    const decoded = decodeHistoryResumeToken(data.resume);
    if (!decoded.ok) return refuse('resume', decoded.reason);
    const state = decoded.value;
    if (data.from !== undefined && !RELATIVE.test(data.from) && Date.parse(data.from) !== Date.parse(state.from)) {
      return refuse('from', `${data.from} contradicts the resume token's window start ${state.from}; leave it out when resuming`);
    }
    if (data.to !== undefined && !RELATIVE.test(data.to) && Date.parse(data.to) !== Date.parse(state.to)) {
      return refuse('to', `${data.to} contradicts the resume token's window end ${state.to}; leave it out when resuming`);
    }
    if (data.accounts !== undefined && [...new Set(data.accounts)].sort().join() !== state.accounts.join()) {
      return refuse('accounts', `the resume token continues accounts ${state.accounts.join(', ')}; leave accounts out when resuming`);
    }
    if (data.regions !== undefined && [...new Set(data.regions)].sort().join() !== state.regions.join()) {
      return refuse('regions', `the resume token continues ${state.regions.length === 0 ? 'every Region' : `Regions ${state.regions.join(', ')}`}; leave regions out when resuming`);
    }
    return {
      ok: true,
      value: {
        from: state.from,
        to: state.to,
        accounts: state.accounts,
        regions: state.regions,
        continuation: { queryExecutionId: state.queryExecutionId, pageToken: state.pageToken, skipInPage: state.skipInPage, rowsRead: state.rowsRead },
        previousTotals: state.totals ?? null,
        previousIntermittency: state.intermittency ?? null,
        resumed: true,
        ...flags,
      },
    };
  }

  if (data.from === undefined) return refuse('from', 'is required (an ISO 8601 time such as 2026-11-01T00:00:00Z, or -P30D) unless resume is given');
  const fromMs = resolveTime(data.from, context.now);
  const toMs = Math.min(data.to === undefined ? context.now : resolveTime(data.to, context.now), context.now);
  if (fromMs > toMs) return refuse('from', `${data.from} is after to (${data.to ?? new Date(context.now).toISOString()}); the window must start before it ends`);
  let accounts = [...new Set(data.accounts ?? context.defaultAccounts)].sort();
  const hint = context.accountsHint ?? 'name them in accounts, set HISTORY_ACCOUNTS, or let the daily organization refresh store a snapshot';
  if (accounts.length === 0) {
    const fromSnapshot = context.snapshotAccounts ?? null;
    if (fromSnapshot === null) return refuse('accounts', `is required: the trail table projects account as injected, so a query must name its accounts; ${hint}`);
    if (!fromSnapshot.ok) return refuse('accounts', `is required: the trail table projects account as injected, so a query must name its accounts, and none could be taken from the organization snapshot (${fromSnapshot.reason}); ${hint}`);
    if (fromSnapshot.accounts.length === 0) return refuse('accounts', `is required: the organization snapshot (${fromSnapshot.source}) has no active account; ${hint}`);
    if (fromSnapshot.accounts.length > MAX_QUERY_ACCOUNTS) {
      return refuse('accounts', `the organization snapshot (${fromSnapshot.source}) has ${fromSnapshot.accounts.length} active accounts, more than the ${MAX_QUERY_ACCOUNTS} one query names: name at most ${MAX_QUERY_ACCOUNTS} accounts per replay`);
    }
    accounts = [...fromSnapshot.accounts];
  }
  const badDefault = accounts.find((a) => !ACCOUNT_PATTERN.test(a));
  if (badDefault !== undefined) return refuse('accounts', `${JSON.stringify(badDefault)} (from HISTORY_ACCOUNTS) is not a 12-digit account ID`);
  return {
    ok: true,
    value: {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      accounts,
      regions: [...new Set(data.regions ?? [])].sort(),
      continuation: null,
      previousTotals: null,
      previousIntermittency: null,
      resumed: false,
      ...flags,
    },
  };
}
