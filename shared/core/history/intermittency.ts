import { BEDROCK_EVENT_SOURCE } from '../constants.js';
import { parseModelId } from '../classify/model-id.js';
import type { Finding, Language } from '../types.js';

/**
 * The intermittency view: for each (account, profile, source Region), how many calls there were,
 * where the successful ones were routed (`additionalEventData.inferenceRegion`), where the denied
 * ones were denied, and the share that failed. A cross-Region profile whose destinations are partly
 * denied fails only when routing picks a denied Region, so this share is what users feel as
 * "Bedrock is flaky".
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/cross-region-inference.html
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/logging-using-cloudtrail.html
 */

/** Successful calls whose record names no routed Region are counted under this key. */
export const ROUTE_NOT_RECORDED = 'not-recorded';
/** Denials whose Region could not be told (no resource ARN in the message) are counted under this key. */
export const REGION_UNKNOWN = 'unknown';
/** Rows listed in a report, most failing first. */
export const MAX_INTERMITTENCY_ROWS = 200;

/** One (account, profile, source Region). */
export interface IntermittencyRow {
  accountId: string | null;
  /** The inference profile ID, else the model ID, as called. */
  profile: string;
  sourceRegion: string | null;
  calls: number;
  successes: number;
  /** Denials plus other errors. */
  failures: number;
  /** failures / calls, rounded to 4 decimals. */
  failedShare: number;
  /** Successful calls per routed Region (`not-recorded` when the record names none). */
  successesByRegion: Record<string, number>;
  /** AccessDenied calls per denied Region. */
  denialsByRegion: Record<string, number>;
  /** Other failures per error code (`ThrottlingException`, `ValidationException`, …). */
  otherErrors: Record<string, number>;
  /** Policy IDs (`p-…`) or types named by the denials, sorted. */
  deniedBy: string[];
}

/** One (account, profile, source Region) on one UTC day: the unit the alert table stores. */
export interface DailyIntermittencyRow extends IntermittencyRow {
  /** UTC day of the calls' `eventTime`, `yyyy-mm-dd`. */
  day: string;
}

/** Calls whose record has no readable `eventTime` are counted under this day. */
export const DAY_UNKNOWN = 'unknown';

/** Collects calls; memory grows with distinct (day, account, profile, source Region), not calls. */
export interface IntermittencyAccumulator {
  /** Adds one Bedrock record; `finding` is its classification when it is a denial. Other records are ignored. */
  add(record: unknown, finding: Finding | null): void;
  /** Rows over every day, most failing first. */
  rows(): IntermittencyRow[];
  /** The same counts split per UTC day (what a replay with `store` writes). */
  dailyRows(): DailyIntermittencyRow[];
}

function utcDay(value: unknown): string {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(time) ? DAY_UNKNOWN : new Date(time).toISOString().slice(0, 10);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

function object(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

function policyLabel(finding: Finding): string | null {
  if (finding.policyArn !== null) {
    const id = /\/(p-[0-9a-z]+)$/.exec(finding.policyArn)?.[1];
    return id ?? finding.policyArn;
  }
  return finding.policyType;
}

interface Slot {
  row: DailyIntermittencyRow;
  policies: Set<string>;
}

function finish<T extends IntermittencyRow>(row: T, policies: Iterable<string>): T {
  return { ...row, failedShare: row.calls === 0 ? 0 : Math.round((row.failures / row.calls) * 10_000) / 10_000, deniedBy: [...new Set(policies)].sort() };
}

/** Creates an empty {@link IntermittencyAccumulator}. */
export function createIntermittencyAccumulator(): IntermittencyAccumulator {
  const slots = new Map<string, Slot>();
  return {
    add(record, finding) {
      const entry = object(record);
      if (entry.eventSource !== BEDROCK_EVENT_SOURCE) return;
      const identity = object(entry.userIdentity);
      const request = object(entry.requestParameters);
      const modelId = text(request.modelId);
      const target = parseModelId(modelId);
      const profile = target.profile?.id ?? modelId ?? finding?.modelId ?? 'unknown-model';
      const accountId = finding?.accountId ?? text(entry.recipientAccountId) ?? text(identity.accountId);
      const sourceRegion = text(entry.awsRegion);
      const day = utcDay(entry.eventTime);
      const key = `${day}\u0000${accountId ?? ''}\u0000${profile}\u0000${sourceRegion ?? ''}`;
      let slot = slots.get(key);
      if (slot === undefined) {
        slot = {
          row: { day, accountId, profile, sourceRegion, calls: 0, successes: 0, failures: 0, failedShare: 0, successesByRegion: {}, denialsByRegion: {}, otherErrors: {}, deniedBy: [] },
          policies: new Set(),
        };
        slots.set(key, slot);
      }
      const row = slot.row;
      row.calls += 1;
      const errorCode = text(entry.errorCode);
      if (errorCode === null) {
        row.successes += 1;
        bump(row.successesByRegion, text(object(entry.additionalEventData).inferenceRegion) ?? ROUTE_NOT_RECORDED);
        return;
      }
      row.failures += 1;
      if (errorCode.startsWith('AccessDenied')) {
        bump(row.denialsByRegion, finding?.deniedRegion ?? REGION_UNKNOWN);
        const label = finding === null ? null : policyLabel(finding);
        if (label !== null) slot.policies.add(label);
      } else {
        bump(row.otherErrors, errorCode);
      }
    },
    rows() {
      return mergeIntermittency([...slots.values()].map(({ row, policies }) => finish(row, policies)));
    },
    dailyRows() {
      return [...slots.values()].map(({ row, policies }) => finish(row, policies)).sort(byFailures);
    },
  };
}

function byFailures(a: IntermittencyRow, b: IntermittencyRow): number {
  return b.failures - a.failures || b.calls - a.calls || (a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : 0) || ((a.accountId ?? '') < (b.accountId ?? '') ? -1 : (a.accountId ?? '') > (b.accountId ?? '') ? 1 : 0) || ((a.sourceRegion ?? '') < (b.sourceRegion ?? '') ? -1 : (a.sourceRegion ?? '') > (b.sourceRegion ?? '') ? 1 : 0);
}

/** Merges rows of several accumulators, invocations or days into one list per (account, profile, source Region), summing counts. */
export function mergeIntermittency(...lists: ReadonlyArray<readonly IntermittencyRow[]>): IntermittencyRow[] {
  const merged = new Map<string, IntermittencyRow>();
  const add = (into: Record<string, number>, from: Record<string, number>): void => {
    for (const [key, count] of Object.entries(from)) into[key] = (into[key] ?? 0) + count;
  };
  for (const row of lists.flat()) {
    const key = `${row.accountId ?? ''}\u0000${row.profile}\u0000${row.sourceRegion ?? ''}`;
    const into = merged.get(key);
    if (into === undefined) {
      // Fields picked one by one: a daily row's `day` must not leak into the merged row.
      merged.set(key, {
        accountId: row.accountId, profile: row.profile, sourceRegion: row.sourceRegion, calls: row.calls, successes: row.successes, failures: row.failures, failedShare: 0,
        successesByRegion: { ...row.successesByRegion }, denialsByRegion: { ...row.denialsByRegion }, otherErrors: { ...row.otherErrors }, deniedBy: [...row.deniedBy],
      });
      continue;
    }
    into.calls += row.calls;
    into.successes += row.successes;
    into.failures += row.failures;
    add(into.successesByRegion, row.successesByRegion);
    add(into.denialsByRegion, row.denialsByRegion);
    add(into.otherErrors, row.otherErrors);
    into.deniedBy = [...new Set([...into.deniedBy, ...row.deniedBy])].sort();
  }
  return [...merged.values()].map((row) => finish(row, row.deniedBy)).sort(byFailures);
}

function percent(share: number): string {
  const value = share * 100;
  if (value > 0 && value < 1) return '<1%';
  if (value < 100 && value > 99) return '>99%';
  return `${Math.round(value)}%`;
}

function orList(items: string[], lang: Language): string {
  if (lang === 'ja') return items.join('、');
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1) ?? ''}`;
}

/**
 * One sentence for a row: "apac.… from ap-northeast-1: 37% of 1,204 calls failed; every failure
 * was routed to ap-south-1 or ap-southeast-2, denied by p-…". Values come from logs: callers escape
 * the sentence for their channel.
 */
export function describeIntermittency(row: IntermittencyRow, lang: Language): string {
  const t = INTERMITTENCY_TEXT[lang];
  const calls = row.calls.toLocaleString('en-US');
  const source = row.sourceRegion ?? '?';
  const denied = orList(Object.keys(row.denialsByRegion).sort(), lang);
  const others = Object.entries(row.otherErrors).sort(([a], [b]) => (a < b ? -1 : 1));
  const deniedCount = Object.values(row.denialsByRegion).reduce((sum, n) => sum + n, 0);
  const policies = row.deniedBy.join(t.separator);
  const head = t.head({ profile: row.profile, source, calls, percent: percent(row.failedShare) });
  if (row.failures === 0) return t.noFailures({ head });
  if (others.length === 0) return t.allDenied({ head, denied, by: row.deniedBy.length === 0 ? '' : t.deniedBy({ policies }), failures: row.failures });
  const by = row.deniedBy.length === 0 ? '' : t.deniedByShort({ policies });
  const parts = [...(deniedCount > 0 ? [t.deniedPart({ deniedCount, denied, by })] : []), ...others.map(([code, n]) => t.otherPart({ code, n }))];
  return t.breakdown({ head, parts: parts.join(t.partsSeparator) });
}

/** The texts of {@link describeIntermittency}, per language; profile IDs, Regions and error codes are inserted verbatim. */
export const INTERMITTENCY_TEXT: Readonly<
  Record<
    Language,
    {
      separator: string;
      partsSeparator: string;
      head: (v: { profile: string; source: string; calls: string; percent: string }) => string;
      noFailures: (v: { head: string }) => string;
      allDenied: (v: { head: string; denied: string; by: string; failures: number }) => string;
      deniedBy: (v: { policies: string }) => string;
      deniedByShort: (v: { policies: string }) => string;
      deniedPart: (v: { deniedCount: number; denied: string; by: string }) => string;
      otherPart: (v: { code: string; n: number }) => string;
      breakdown: (v: { head: string; parts: string }) => string;
    }
  >
> = {
  en: {
    separator: ', ',
    partsSeparator: '; ',
    head: ({ profile, source, calls, percent }) => `${profile} from ${source}: ${percent} of ${calls} calls failed`,
    noFailures: ({ head }) => `${head}.`,
    allDenied: ({ head, denied, by, failures }) => `${head}; ${failures === 1 ? 'the failure was' : 'every failure was'} routed to ${denied}${by}.`,
    deniedBy: ({ policies }) => `, denied by ${policies}`,
    deniedByShort: ({ policies }) => ` by ${policies}`,
    deniedPart: ({ deniedCount, denied, by }) => `${deniedCount} denied in ${denied}${by}`,
    otherPart: ({ code, n }) => `${n} ${code}`,
    breakdown: ({ head, parts }) => `${head}: ${parts}.`,
  },
  ja: {
    separator: '、',
    partsSeparator: '、',
    head: ({ profile, source, calls, percent }) => `${profile}（送信元リージョン ${source}）: ${calls} 回の呼び出しのうち ${percent} が失敗`,
    noFailures: ({ head }) => `${head}。`,
    allDenied: ({ head, denied, by, failures }) => `${head}。${failures === 1 ? '失敗は' : '失敗はすべて'} ${denied} へのルーティングで拒否されました${by}。`,
    deniedBy: ({ policies }) => `（拒否したポリシー: ${policies}）`,
    deniedByShort: ({ policies }) => `（拒否したポリシー: ${policies}）`,
    deniedPart: ({ deniedCount, denied, by }) => `拒否 ${deniedCount} 回（${denied}）${by}`,
    otherPart: ({ code, n }) => `${code} ${n} 回`,
    breakdown: ({ head, parts }) => `${head}。内訳: ${parts}。`,
  },
};
