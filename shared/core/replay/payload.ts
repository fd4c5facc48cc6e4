import * as z from 'zod/mini';
import type { CarriedIntermittency } from '../history/intermittency-carry.js';
import { LANGUAGES } from '../constants.js';
import type { Language } from '../types.js';
import { ACCOUNT_PATTERN, LOOKUP_EVENTS_HISTORY_DAYS, REGION_PATTERN } from './identifiers.js';
import { decodeResumeToken, initialCursors, type ReplayTotals, type StreamCursor } from './resume.js';

/**
 * The replay payload (`aws lambda invoke --payload …`, or built by the CLI from its flags), validated
 * into a {@link ReplayRequest}. Invalid payloads are values naming the bad field, never exceptions.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events.html
 */

/** The payload as a person writes it. */
export interface ReplayPayload {
  /**
   * Start of the window, at most 90 days ago: ISO 8601 (`2026-11-27T00:00:00Z`) or a duration
   * before now (`-P7D`, `-PT6H`). Required unless `resume` is given.
   */
  from?: string;
  /** End of the window (inclusive), absolute or relative like `from`; defaults to now; a future time is read as now. */
  to?: string;
  /** Regions to read; defaults to `REPLAY_REGIONS`, else the function's own Region. */
  regions?: string[];
  /** Member accounts to read through `REPLAY_ROLE_NAME`; default: the function's own account. */
  accounts?: string[];
  /** Record findings in the alert store so the digest sees them. Default false. */
  store?: boolean;
  /** Send alerts (one per distinct fingerprint). Default false, so a replay never floods Slack. */
  notify?: boolean;
  /** Read and classify, write and send nothing. Default false. */
  dryRun?: boolean;
  /** Token from a previous report's `resume`: continue where that run stopped. */
  resume?: string;
  /** Stop (with a resume token) after reading this many CloudTrail records. */
  maxEvents?: number;
  /** Language of the fix texts in the report (`en` or `ja`); default `LOCALE`. */
  lang?: Language;
}

/** A validated replay request. */
export interface ReplayRequest {
  from: string;
  to: string;
  regions: string[];
  accounts: string[] | null;
  /** Where each stream starts: fresh, or from the resume token. */
  cursors: StreamCursor[];
  resumed: boolean;
  /** Totals of the earlier invocations of a resumed replay; null for a fresh one. */
  previousTotals: ReplayTotals | null;
  /** Intermittency counts carried by the resume token; null for a fresh replay. */
  previousIntermittency?: CarriedIntermittency | null;
  store: boolean;
  notify: boolean;
  dryRun: boolean;
  maxEvents: number | null;
  lang: Language | null;
}

/**
 * Result of {@link parseReplayPayload}. On refusal, `field` is the bad field's path (`regions[1]`,
 * `payload` for the whole) and `reason` a sentence starting with it.
 */
export type PayloadResult = { ok: true; value: ReplayRequest } | { ok: false; field: string; reason: string };

const FIELDS = ['from', 'to', 'regions', 'accounts', 'store', 'notify', 'dryRun', 'resume', 'maxEvents', 'lang'] as const;
const DAY_MS = 24 * 3600 * 1000;
const ISO_EXAMPLE = '2026-11-27T00:00:00Z';

/** `-P7D`, `-PT24H`, `-P1DT12H30M`: a time before now, as an ISO 8601 duration with a minus sign. */
const RELATIVE = /^-P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/;
const TIME_ERROR = `must be an ISO 8601 time such as ${ISO_EXAMPLE}, or a duration before now such as -P7D or -PT6H`;
const time = z.union([z.iso.datetime({ offset: true }), z.string().check(z.regex(RELATIVE), z.refine((v) => v !== '-P' && !v.endsWith('T')))], { error: TIME_ERROR });

/** Resolves an absolute or relative (`-P1D`) time against `now`, in epoch milliseconds. */
function resolveTime(value: string, now: number): number {
  const match = RELATIVE.exec(value);
  if (match === null) return Date.parse(value);
  const [, days = '0', hours = '0', minutes = '0'] = match;
  return now - ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000;
}

const payloadSchema = z.strictObject({
  from: z.optional(time),
  to: z.optional(time),
  regions: z.optional(
    z
      .array(
        z.string({ error: 'must be a Region code such as ap-northeast-1' }).check(
          z.regex(REGION_PATTERN, { error: (issue) => `${JSON.stringify(issue.input)} is not a Region code such as ap-northeast-1` }),
        ),
        { error: 'must be a list of Region codes' },
      )
      .check(z.minLength(1, { error: 'must name at least one Region' }), z.maxLength(40, { error: 'names more than 40 Regions' })),
  ),
  accounts: z.optional(
    z
      .array(
        z.string({ error: 'must be a 12-digit account ID' }).check(
          z.regex(ACCOUNT_PATTERN, { error: (issue) => `${JSON.stringify(issue.input)} is not a 12-digit account ID` }),
        ),
        { error: 'must be a list of 12-digit account IDs' },
      )
      .check(z.minLength(1, { error: 'must name at least one account' }), z.maxLength(200, { error: 'names more than 200 accounts' })),
  ),
  store: z.optional(z.boolean({ error: 'must be true or false' })),
  notify: z.optional(z.boolean({ error: 'must be true or false' })),
  dryRun: z.optional(z.boolean({ error: 'must be true or false' })),
  resume: z.optional(z.string({ error: 'must be the resume token string of a previous report' }).check(z.minLength(1, { error: 'is empty' }))),
  maxEvents: z.optional(
    z.int({ error: 'must be a whole number' }).check(z.minimum(1, { error: 'must be at least 1' }), z.maximum(1_000_000, { error: 'must be at most 1000000' })),
  ),
  lang: z.optional(z.enum(LANGUAGES, { error: `must be one of ${LANGUAGES.join(', ')}` })),
});

function refuse(field: string, reason: string): PayloadResult {
  return { ok: false, field, reason: `${field}: ${reason}` };
}

/**
 * Validates a replay payload against the clock and the defaults.
 *
 * Refuses, naming the field: unknown fields (typos such as `dryrun`), malformed times, `from` after
 * `to`, `from` older than CloudTrail's 90 days, malformed Regions or accounts, an invalid resume
 * token, and `from`/`to`/`regions`/`accounts` that contradict the resume token.
 */
export function parseReplayPayload(
  payload: unknown,
  context: { now: number; defaultRegions: readonly string[] },
): PayloadResult {
  if (typeof payload === 'string') {
    try {
      payload = JSON.parse(payload) as unknown;
    } catch {
      return refuse('payload', 'is a string that is not JSON; send a JSON object');
    }
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return refuse('payload', `must be a JSON object with fields ${FIELDS.join(', ')}`);
  }
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      return refuse(issue.keys[0] ?? 'payload', `unknown field; expected one of ${FIELDS.join(', ')}`);
    }
    const field = issue === undefined || issue.path.length === 0 ? 'payload' : issue.path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
    return refuse(field, issue?.message ?? 'is invalid');
  }
  const input = parsed.data;
  const nowIso = new Date(context.now).toISOString();
  const earliestMs = context.now - LOOKUP_EVENTS_HISTORY_DAYS * DAY_MS;
  const flags = {
    store: input.store ?? false,
    notify: input.notify ?? false,
    dryRun: input.dryRun ?? false,
    maxEvents: input.maxEvents ?? null,
    lang: input.lang ?? null,
  };

  if (input.resume !== undefined) {
    const decoded = decodeResumeToken(input.resume);
    if (!decoded.ok) return refuse('resume', decoded.reason);
    const state = decoded.value;
    if (input.from !== undefined && !RELATIVE.test(input.from) && Date.parse(input.from) !== Date.parse(state.from)) {
      return refuse('from', `${input.from} contradicts the resume token's window start ${state.from}; leave it out when resuming`);
    }
    // The token's end may be the original `to` clamped to the time of the first run, so a later `to` agrees.
    if (input.to !== undefined && !RELATIVE.test(input.to) && Date.parse(input.to) < Date.parse(state.to)) {
      return refuse('to', `${input.to} contradicts the resume token's window end ${state.to}; leave it out when resuming`);
    }
    const tokenRegions = [...new Set(state.streams.map((c) => c.region))];
    if (input.regions !== undefined && !tokenRegions.every((r) => input.regions?.includes(r))) {
      return refuse('regions', `the resume token continues Regions ${tokenRegions.join(', ')}; leave regions out when resuming`);
    }
    const tokenAccounts = [...new Set(state.streams.map((c) => c.account).filter((a): a is string => a !== null))];
    if (input.accounts !== undefined && !tokenAccounts.every((a) => input.accounts?.includes(a))) {
      return refuse('accounts', `the resume token continues accounts ${tokenAccounts.join(', ')}; leave accounts out when resuming`);
    }
    return {
      ok: true,
      value: {
        from: state.from,
        to: state.to,
        regions: tokenRegions,
        accounts: tokenAccounts.length === 0 ? null : tokenAccounts,
        cursors: state.streams,
        resumed: true,
        previousTotals: state.totals ?? null,
        previousIntermittency: state.intermittency ?? null,
        ...flags,
      },
    };
  }

  if (input.from === undefined) return refuse('from', `is required (an ISO 8601 time such as ${ISO_EXAMPLE}) unless resume is given`);
  const fromMs = resolveTime(input.from, context.now);
  const toMs = Math.min(input.to === undefined ? context.now : resolveTime(input.to, context.now), context.now);
  if (fromMs > toMs) {
    return refuse('from', `${input.from} is after to (${input.to ?? nowIso}); the window must start before it ends`);
  }
  if (fromMs < earliestMs) {
    return refuse(
      'from',
      `${input.from} is more than ${LOOKUP_EVENTS_HISTORY_DAYS} days ago; CloudTrail LookupEvents keeps ${LOOKUP_EVENTS_HISTORY_DAYS} days (earliest ${new Date(earliestMs).toISOString()}); use Athena over the trail's S3 files for older history`,
    );
  }
  const regions = [...new Set(input.regions ?? context.defaultRegions)];
  if (regions.length === 0) return refuse('regions', 'is required: no REPLAY_REGIONS default is configured');
  const badDefault = regions.find((r) => !REGION_PATTERN.test(r));
  if (badDefault !== undefined) return refuse('regions', `${JSON.stringify(badDefault)} is not a Region code such as ap-northeast-1`);
  const accounts = input.accounts === undefined ? null : [...new Set(input.accounts)];
  const from = new Date(fromMs).toISOString();
  const to = new Date(toMs).toISOString();
  return {
    ok: true,
    value: {
      from,
      to,
      regions,
      accounts,
      cursors: initialCursors({ from, to, regions, accounts }),
      resumed: false,
      previousTotals: null,
      previousIntermittency: null,
      ...flags,
    },
  };
}

/** Exported for tests and docs: the accepted payload fields. */
export const REPLAY_PAYLOAD_FIELDS = FIELDS;
