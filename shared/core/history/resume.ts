import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import * as z from 'zod/mini';
import type { Result } from '../types.js';
import { ACCOUNT_PATTERN, REGION_PATTERN } from '../replay/identifiers.js';
import type { ReplayTotals } from '../replay/resume.js';

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
  })
  .check(z.refine((s) => Date.parse(s.from) <= Date.parse(s.to), 'window starts after it ends'));

function checksum(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, 16);
}

/** Encodes the state as `cra1.<base64url(deflate(json))>.<sha256/16>`. */
export function encodeHistoryResumeToken(state: HistoryResumeState): string {
  const { totals, ...rest } = state;
  const json = JSON.stringify({ v: 1, ...rest, ...(totals === undefined ? {} : { totals }) });
  return `${HISTORY_RESUME_PREFIX}.${deflateRawSync(Buffer.from(json, 'utf8')).toString('base64url')}.${checksum(json)}`;
}

/** True when the token is an Athena replay's (by its prefix), whether or not it is valid. */
export function isHistoryResumeToken(token: string): boolean {
  return token.trim().startsWith(`${HISTORY_RESUME_PREFIX}.`);
}

/** Decodes and validates a token; a truncated, edited or foreign token is a reason, not an exception. */
export function decodeHistoryResumeToken(token: string): Result<HistoryResumeState> {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== HISTORY_RESUME_PREFIX) {
    return { ok: false, reason: `not a ${HISTORY_RESUME_PREFIX} resume token (expected three dot-separated parts starting with "${HISTORY_RESUME_PREFIX}.")` };
  }
  const [, body = '', sum = ''] = parts;
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return { ok: false, reason: 'resume token body is not base64url' };
  let json: string;
  try {
    json = inflateRawSync(Buffer.from(body, 'base64url'), { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8');
  } catch {
    return { ok: false, reason: 'resume token is truncated or corrupted (cannot be decompressed)' };
  }
  if (checksum(json) !== sum) return { ok: false, reason: 'resume token checksum does not match (truncated or edited)' };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'resume token does not contain JSON' };
  }
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    return { ok: false, reason: `resume token is invalid${path === '' ? '' : ` at ${path}`}: ${issue?.message ?? 'unknown problem'}` };
  }
  const { v: _version, totals, ...state } = parsed.data;
  return { ok: true, value: totals === undefined ? state : { ...state, totals } };
}
