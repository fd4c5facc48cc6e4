import * as z from 'zod/mini';
import type { Result } from '../types.js';
import { ACCOUNT_PATTERN, REGION_PATTERN } from '../replay/identifiers.js';
import { openToken, sealToken, type ReplayTotals } from '../replay/resume.js';
import { carriedIntermittencySchema, type CarriedIntermittency } from './intermittency-carry.js';

/**
 * Resume tokens of an Athena replay: the query already running (or done) and where its results
 * were left, so the next invocation neither starts (nor pays for) a second query nor reads a row
 * twice. `GetQueryResults` pages are positional: the token holds the page token of the page being
 * read and how many of its rows were handled, plus the rows read in all — when Athena refuses the
 * page token, reading restarts from the first page and skips that many rows.
 * @see https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html
 */

/** Version prefix of the token format. */
export const HISTORY_RESUME_PREFIX = 'cra1';

/** Everything an Athena resume token carries. */
export interface HistoryResumeState {
  from: string;
  to: string;
  accounts: string[];
  regions: string[];
  /** The query to continue; null to start it again (the previous one failed before it had an ID). */
  queryExecutionId: string | null;
  /** Page token of the page being read; null for the first page. */
  pageToken: string | null;
  /** Rows of that page already handled. */
  skipInPage: number;
  /** Rows handled in all, over every invocation. */
  rowsRead: number;
  totals?: ReplayTotals;
  /** The intermittency counts of the invocations before this one (bounded). */
  intermittency?: CarriedIntermittency;
}

const MAX_INFLATED_BYTES = 1024 * 1024;
const isoTime = z.iso.datetime({ offset: true });
const whole = z.int().check(z.minimum(0));

const stateSchema = z
  .strictObject({
    v: z.literal(1),
    from: isoTime,
    to: isoTime,
    accounts: z.array(z.string().check(z.regex(ACCOUNT_PATTERN))).check(z.minLength(1)),
    regions: z.array(z.string().check(z.regex(REGION_PATTERN))),
    queryExecutionId: z.nullable(z.string().check(z.regex(/^[A-Za-z0-9-]{1,128}$/))),
    pageToken: z.nullable(z.string().check(z.minLength(1), z.maxLength(4096))),
    skipInPage: whole,
    rowsRead: whole,
    totals: z.optional(
      z.strictObject({
        invocations: z.int().check(z.minimum(1)),
        recordsScanned: whole,
        denials: whole,
        byVerdict: z.record(z.string().check(z.regex(/^[a-z-]{1,40}$/)), whole),
      }),
    ),
    intermittency: z.optional(carriedIntermittencySchema),
  })
  .check(z.refine((s) => Date.parse(s.from) <= Date.parse(s.to), 'window starts after it ends'));

/** Encodes the state as `cra1.<base64url(deflate(json))>.<sha256/16>`. */
export function encodeHistoryResumeToken(state: HistoryResumeState): string {
  const { totals, intermittency, ...rest } = state;
  const json = JSON.stringify({ v: 1, ...rest, ...(totals === undefined ? {} : { totals }), ...(intermittency === undefined ? {} : { intermittency }) });
  return sealToken(HISTORY_RESUME_PREFIX, json);
}

/** True when the token is an Athena replay's (by its prefix), whether or not it is valid. */
export function isHistoryResumeToken(token: string): boolean {
  return token.trim().startsWith(`${HISTORY_RESUME_PREFIX}.`);
}

/** Decodes and validates a token; a truncated, edited or foreign token is a reason, not an exception. */
export function decodeHistoryResumeToken(token: string): Result<HistoryResumeState> {
  const opened = openToken(token, HISTORY_RESUME_PREFIX, MAX_INFLATED_BYTES);
  if (!opened.ok) return opened;
  const raw = opened.value;
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    return { ok: false, reason: `resume token is invalid${path === '' ? '' : ` at ${path}`}: ${issue?.message ?? 'unknown problem'}` };
  }
  const { v: _version, totals, intermittency, ...state } = parsed.data;
  return { ok: true, value: { ...state, ...(totals === undefined ? {} : { totals }), ...(intermittency === undefined ? {} : { intermittency: intermittency as CarriedIntermittency }) } };
}
