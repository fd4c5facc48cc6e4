import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import * as z from 'zod/mini';
import type { Result } from '../types.js';
import { ACCOUNT_PATTERN, REGION_PATTERN } from './identifiers.js';
import { carriedIntermittencySchema, type CarriedIntermittency } from '../history/intermittency-carry.js';

/**
 * Resume tokens: where a replay stopped, per (account, Region) stream, so the next invocation
 * continues with no gap and no duplicate.
 *
 * `LookupEvents` returns events newest first, and its `StartTime`/`EndTime` are both inclusive. A
 * stream remembers the window its `NextToken` belongs to, the token itself, and the *boundary*: the
 * time of the oldest event emitted so far plus the IDs of every emitted event at that second.
 * Resuming uses the `NextToken`; when there is none (the run stopped inside a page) or CloudTrail
 * rejects it (tokens expire), the stream re-queries `[from, boundary]` and skips the boundary IDs.
 * Such a re-query makes progress once it can read `ceil((k + 1) / 50)` pages in one run, `k` being
 * the events of the boundary second: one page for fewer than 50 calls in a second, and always
 * within a Lambda invocation (hundreds of pages per Region).
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 */

/** Progress of one (account, Region) stream. */
export interface StreamCursor {
  /** Account whose CloudTrail is read; null for the caller's own account. */
  account: string | null;
  region: string;
  /** `StartTime` of the query the `nextToken` belongs to (ISO 8601). */
  from: string;
  /** `EndTime` of that query (ISO 8601, inclusive). */
  to: string;
  /** `NextToken` to continue the query with; null to (re)start it. */
  nextToken: string | null;
  /** Event time of the oldest event emitted so far; null before the first one. */
  boundary: string | null;
  /** IDs of every emitted event whose time equals `boundary`. */
  boundaryIds: string[];
  /** True when the stream has read its whole window. */
  done: boolean;
}

/** Everything a resume token carries. */
export interface ResumeState {
  /** The replay window as first requested. */
  from: string;
  to: string;
  /** Streams not finished yet. */
  streams: StreamCursor[];
  /** What the invocations before this one read, so the last report can give the totals. */
  totals?: ReplayTotals;
  /** The intermittency counts of the invocations before this one (bounded). */
  intermittency?: CarriedIntermittency;
}

/** Counts summed over the invocations of one replay. */
export interface ReplayTotals {
  invocations: number;
  recordsScanned: number;
  denials: number;
  /** Denials per verdict code (only verdicts seen). */
  byVerdict: Record<string, number>;
}

/** Version prefix of the token format; a new format gets a new prefix. */
export const RESUME_TOKEN_PREFIX = 'crr1';

const MAX_INFLATED_BYTES = 4 * 1024 * 1024;
const CHECKSUM_LENGTH = 16;

const isoTime = z.iso.datetime({ offset: true });

const wholeAtLeast = (minimum: number) => z.int().check(z.minimum(minimum));

const cursorSchema = z
  .strictObject({
    account: z.nullable(z.string().check(z.regex(ACCOUNT_PATTERN))),
    region: z.string().check(z.regex(REGION_PATTERN)),
    from: isoTime,
    to: isoTime,
    nextToken: z.nullable(z.string().check(z.minLength(1), z.maxLength(10_000))),
    boundary: z.nullable(isoTime),
    boundaryIds: z.array(z.string().check(z.minLength(1), z.maxLength(256))),
    done: z.boolean(),
  })
  .check(
    z.refine((c) => Date.parse(c.from) <= Date.parse(c.to), 'stream window starts after it ends'),
    z.refine((c) => c.boundary !== null || c.boundaryIds.length === 0, 'boundary IDs without a boundary'),
  );

const stateSchema = z
  .strictObject({
    v: z.literal(1),
    from: isoTime,
    to: isoTime,
    streams: z.array(cursorSchema).check(z.minLength(1)),
    totals: z.optional(
      z.strictObject({
        invocations: wholeAtLeast(1),
        recordsScanned: wholeAtLeast(0),
        denials: wholeAtLeast(0),
        byVerdict: z.record(z.string().check(z.regex(/^[a-z-]{1,40}$/)), wholeAtLeast(0)),
      }),
    ),
    intermittency: z.optional(carriedIntermittencySchema),
  })
  .check(
    z.refine((s) => Date.parse(s.from) <= Date.parse(s.to), 'window starts after it ends'),
    z.refine(
      (s) => s.streams.every((c) => Date.parse(c.from) >= Date.parse(s.from) && Date.parse(c.to) <= Date.parse(s.to)),
      'a stream reaches outside the window',
    ),
    z.refine((s) => new Set(s.streams.map(streamKey)).size === s.streams.length, 'the same stream appears twice'),
  );

function checksum(json: string): string {
  return createHash('sha256').update(json).digest('hex').slice(0, CHECKSUM_LENGTH);
}

/** The key of a stream: `<account or "self">|<region>`; also the rate limiter's key. */
export function streamKey(cursor: Pick<StreamCursor, 'account' | 'region'>): string {
  return `${cursor.account ?? 'self'}|${cursor.region}`;
}

/** The cursors of a fresh replay: one per account × Region, nothing read yet. */
export function initialCursors(input: {
  from: string;
  to: string;
  regions: readonly string[];
  accounts: readonly string[] | null;
}): StreamCursor[] {
  const accounts: (string | null)[] = input.accounts === null || input.accounts.length === 0 ? [null] : [...input.accounts];
  return accounts.flatMap((account) =>
    input.regions.map((region) => ({
      account,
      region,
      from: input.from,
      to: input.to,
      nextToken: null,
      boundary: null,
      boundaryIds: [],
      done: false,
    })),
  );
}

/**
 * Encodes a resume state as an opaque, URL-safe token: `crr1.<base64url(deflate(json))>.<sha256/16>`.
 * Finished streams are dropped.
 */
export function encodeResumeToken(state: ResumeState): string {
  const json = JSON.stringify({
    v: 1,
    from: state.from,
    to: state.to,
    streams: state.streams.filter((c) => !c.done),
    ...(state.totals === undefined ? {} : { totals: state.totals }),
    ...(state.intermittency === undefined ? {} : { intermittency: state.intermittency }),
  });
  return sealToken(RESUME_TOKEN_PREFIX, json);
}

/** Wraps JSON text as `<prefix>.<base64url(deflate(json))>.<sha256/16>`: the envelope of every resume token. */
export function sealToken(prefix: string, json: string): string {
  return `${prefix}.${deflateRawSync(Buffer.from(json, 'utf8')).toString('base64url')}.${checksum(json)}`;
}

/**
 * Opens a {@link sealToken} envelope: the parsed JSON, or a reason naming what is wrong (foreign
 * prefix, not base64url, truncated, edited, not JSON). Inflation stops at `maxInflatedBytes`.
 */
export function openToken(token: string, prefix: string, maxInflatedBytes: number): Result<unknown> {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[0] !== prefix) {
    return { ok: false, reason: `not a ${prefix} resume token (expected three dot-separated parts starting with "${prefix}.")` };
  }
  const [, body = '', sum = ''] = parts;
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return { ok: false, reason: 'resume token body is not base64url' };
  let json: string;
  try {
    json = inflateRawSync(Buffer.from(body, 'base64url'), { maxOutputLength: maxInflatedBytes }).toString('utf8');
  } catch {
    return { ok: false, reason: 'resume token is truncated or corrupted (cannot be decompressed)' };
  }
  if (checksum(json) !== sum) return { ok: false, reason: 'resume token checksum does not match (truncated or edited)' };
  try {
    return { ok: true, value: JSON.parse(json) as unknown };
  } catch {
    return { ok: false, reason: 'resume token does not contain JSON' };
  }
}

/**
 * Decodes and validates a resume token. Expected failures (wrong version, truncated or edited
 * token, invalid contents) come back as `{ ok: false, reason }` naming what is wrong.
 */
export function decodeResumeToken(token: string): Result<ResumeState> {
  const opened = openToken(token, RESUME_TOKEN_PREFIX, MAX_INFLATED_BYTES);
  if (!opened.ok) return opened;
  const raw = opened.value;
  const parsed = stateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    return { ok: false, reason: `resume token is invalid${path === '' ? '' : ` at ${path}`}: ${issue?.message ?? 'unknown problem'}` };
  }
  const { from, to, streams, totals, intermittency } = parsed.data;
  return { ok: true, value: { from, to, streams, ...(totals === undefined ? {} : { totals }), ...(intermittency === undefined ? {} : { intermittency: intermittency as CarriedIntermittency }) } };
}

/** The minimum an event must carry for cursor bookkeeping. */
export interface CursorEvent {
  id: string;
  /** Event time (ISO 8601). */
  time: string;
}

/** Outcome of {@link acceptPage}. */
export interface AcceptedPage<T extends CursorEvent> {
  /** Events to process, in page order; events already emitted by an earlier run are left out. */
  emitted: T[];
  /** Events left out because an earlier run emitted them. */
  skipped: number;
  cursor: StreamCursor;
}

/**
 * Advances a cursor over one `LookupEvents` page. Emits at most `budget` new events; when the
 * budget ends inside the page, the cursor drops the `NextToken` and narrows its window to
 * `[from, boundary]` so the rest of the page is read again next time, minus the boundary IDs.
 */
export function acceptPage<T extends CursorEvent>(
  cursor: StreamCursor,
  page: { events: readonly T[]; nextToken: string | null },
  budget = Number.POSITIVE_INFINITY,
): AcceptedPage<T> {
  const seen = new Set(cursor.boundaryIds);
  let boundary = cursor.boundary;
  let boundaryMs = boundary === null ? null : Date.parse(boundary);
  let boundaryIds = [...cursor.boundaryIds];
  const emitted: T[] = [];
  let skipped = 0;
  let stoppedEarly = false;

  for (const event of page.events) {
    if (seen.has(event.id)) {
      skipped += 1;
      continue;
    }
    if (emitted.length >= budget) {
      stoppedEarly = true;
      break;
    }
    emitted.push(event);
    seen.add(event.id);
    const timeMs = Date.parse(event.time);
    if (boundaryMs === null || timeMs < boundaryMs) {
      boundary = new Date(timeMs).toISOString();
      boundaryMs = timeMs;
      boundaryIds = [event.id];
    } else {
      // Same second as the boundary (or out of order): remember it so a re-query skips it.
      boundaryIds.push(event.id);
    }
  }

  if (stoppedEarly) {
    return {
      emitted,
      skipped,
      cursor: { ...cursor, to: boundary ?? cursor.to, nextToken: null, boundary, boundaryIds, done: false },
    };
  }
  return {
    emitted,
    skipped,
    cursor: { ...cursor, nextToken: page.nextToken, boundary, boundaryIds, done: page.nextToken === null },
  };
}

/**
 * The cursor to use when CloudTrail rejects its `NextToken` (expired or invalid): the same stream
 * re-queried over `[from, boundary]`, skipping the events already emitted at the boundary.
 */
export function restartCursor(cursor: StreamCursor): StreamCursor {
  return { ...cursor, to: cursor.boundary ?? cursor.to, nextToken: null };
}
