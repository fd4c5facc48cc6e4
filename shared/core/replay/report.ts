import { VERDICTS, VERDICT_ORDER } from '../constants.js';
import { fingerprintFinding, principalIdentity } from '../alert/fingerprint.js';
import { hourBucket } from '../alert/store-keys.js';
import type { Finding, Fix, FixOption, Verdict } from '../types.js';
import type { StreamOutcome, StreamStop } from './lookup-port.js';
import type { ReplayTotals } from './resume.js';
import { MAX_INTERMITTENCY_ROWS, type IntermittencyRow } from '../history/intermittency.js';
import type { AthenaQueryReport } from '../history/athena-report.js';

/**
 * The JSON report of a replay, and the accumulator that builds it from findings in O(distinct
 * fingerprints) memory.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 */

/** Occurrences of one fingerprint. */
export interface FingerprintGroup {
  fingerprint: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** The most recent finding of the group. */
  finding: Finding;
  sourceRegions: string[];
  /** The same occurrences split per UTC hour bucket, as the alert store keeps them. */
  hours: Map<string, { count: number; firstSeen: string; lastSeen: string; finding: Finding }>;
}

/** Collects findings per fingerprint; memory grows with distinct fingerprints, not events. */
export interface ReplayAccumulator {
  add(finding: Finding, eventTime: string): void;
  groups(): FingerprintGroup[];
  byVerdict(): Record<Verdict, number>;
  denials(): number;
}

/** Creates an empty {@link ReplayAccumulator}. */
export function createReplayAccumulator(): ReplayAccumulator {
  const groups = new Map<string, FingerprintGroup>();
  const verdicts = Object.fromEntries(VERDICT_ORDER.map((v) => [v, 0])) as Record<Verdict, number>;
  let total = 0;
  return {
    add(finding, eventTime) {
      total += 1;
      verdicts[finding.verdict] += 1;
      const time = finding.eventTime !== null && !Number.isNaN(Date.parse(finding.eventTime)) ? finding.eventTime : eventTime;
      const fingerprint = fingerprintFinding(finding);
      let group = groups.get(fingerprint);
      if (group === undefined) {
        group = { fingerprint, count: 0, firstSeen: time, lastSeen: time, finding, sourceRegions: [], hours: new Map() };
        groups.set(fingerprint, group);
      }
      group.count += 1;
      if (Date.parse(time) < Date.parse(group.firstSeen)) group.firstSeen = time;
      if (Date.parse(time) >= Date.parse(group.lastSeen)) {
        group.lastSeen = time;
        group.finding = finding;
      }
      if (finding.sourceRegion !== null && !group.sourceRegions.includes(finding.sourceRegion)) {
        group.sourceRegions.push(finding.sourceRegion);
      }
      const hour = hourBucket(time);
      const slot = group.hours.get(hour);
      if (slot === undefined) {
        group.hours.set(hour, { count: 1, firstSeen: time, lastSeen: time, finding });
      } else {
        slot.count += 1;
        if (Date.parse(time) < Date.parse(slot.firstSeen)) slot.firstSeen = time;
        if (Date.parse(time) >= Date.parse(slot.lastSeen)) {
          slot.lastSeen = time;
          slot.finding = finding;
        }
      }
    },
    groups: () => [...groups.values()],
    byVerdict: () => ({ ...verdicts }),
    denials: () => total,
  };
}

/** One cross-Region SCP problem: the same account, role, profile and denied Region. */
export interface CrossRegionScpGroup {
  fingerprint: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  accountId: string | null;
  /** The role (for assumed-role sessions) or principal ARN. */
  principal: string | null;
  profileId: string | null;
  modelId: string | null;
  sourceRegions: string[];
  deniedRegion: string | null;
  reason: string;
  /** The fix engine's first-ranked option; null when no fix engine ran. */
  recommendedFix: FixOption | null;
}

/** Per-stream progress in the report. */
export interface StreamReport {
  account: string | null;
  region: string;
  recordsScanned: number;
  denials: number;
  requests: number;
  throttled: number;
  stoppedBy: StreamStop;
  complete: boolean;
  error: string | null;
}

/** The replay report: what `functions/replay.ts` returns and `cris-audit replay --json` prints. */
export interface ReplayReport {
  /** Where the history was read: CloudTrail `LookupEvents`, or the org trail through Amazon Athena. */
  source: 'lookup-events' | 'athena';
  window: { from: string; to: string };
  resumed: boolean;
  mode: { store: boolean; notify: boolean; dryRun: boolean };
  /** CloudTrail records read in this run (Bedrock records of any outcome). */
  recordsScanned: number;
  /** Bedrock denials among them. */
  denials: number;
  findingsByVerdict: Record<Verdict, number>;
  /** Cross-Region SCP problems, most frequent first; at most {@link MAX_REPORTED_GROUPS}. */
  crossRegionScpGroups: CrossRegionScpGroup[];
  /** How many cross-Region SCP groups there were in all (more than listed when the list was cut). */
  crossRegionScpGroupsTotal: number;
  distinctFingerprints: number;
  streams: StreamReport[];
  errors: Array<{ account: string | null; region: string; message: string }>;
  /** Aggregates written to the alert store; null when not storing. */
  stored: { aggregates: number; failures: number } | null;
  /** Per-day call-count items written (the digest's intermittency view); null when not storing them. */
  storedCalls: { items: number; failures: number } | null;
  /** Alerts sent (one per distinct fingerprint); null when not notifying. */
  notified: { alerts: number; failures: number } | null;
  warnings: string[];
  /** This invocation plus every earlier one of the same (resumed) replay. */
  totals: ReplayTotals;
  /** True when every stream read its whole window. */
  complete: boolean;
  /** Pass as `resume` to continue; null when complete. */
  resume: string | null;
  /**
   * Per (account, profile, source Region): calls, successes by routed Region, denials by denied
   * Region, failed share; most failing first, at most {@link MAX_INTERMITTENCY_ROWS}. Over every
   * invocation of a resumed replay (the token carries the counts), like `totals`.
   */
  intermittency: IntermittencyRow[];
  /** Rows there were in all (more than listed when the list was cut). */
  intermittencyTotal: number;
  /** The Athena query (id, state, data scanned, cost); null for `lookup-events`. */
  athena: AthenaQueryReport | null;
}

/** Inputs of {@link buildReplayReport}. */
export interface ReportInput {
  window: { from: string; to: string };
  resumed: boolean;
  mode: { store: boolean; notify: boolean; dryRun: boolean };
  outcomes: readonly StreamOutcome[];
  perStream: ReadonlyMap<string, { scanned: number; denials: number }>;
  accumulator: ReplayAccumulator;
  fixes: ReadonlyMap<string, Fix | null>;
  stored: ReplayReport['stored'];
  notified: ReplayReport['notified'];
  /** Defaults to null. */
  storedCalls?: ReplayReport['storedCalls'];
  warnings: string[];
  resume: string | null;
  totals: ReplayTotals;
  streamKey(outcome: StreamOutcome): string;
  /** Defaults to `lookup-events`. */
  source?: ReplayReport['source'];
  intermittency?: readonly IntermittencyRow[];
  athena?: AthenaQueryReport | null;
  /** Errors that belong to no stream (the Athena query). */
  extraErrors?: ReplayReport['errors'];
  /** Overrides the stream-based completeness (Athena has no streams). */
  complete?: boolean;
  /** Overrides the stream-based count (Athena has no streams). */
  recordsScanned?: number;
}

/** Adds this invocation's counts to the totals of the earlier ones. */
export function addTotals(previous: ReplayTotals | null, recordsScanned: number, byVerdict: Readonly<Record<string, number>>): ReplayTotals {
  const merged: Record<string, number> = { ...(previous?.byVerdict ?? {}) };
  let denials = previous?.denials ?? 0;
  for (const [verdict, count] of Object.entries(byVerdict)) {
    if (count === 0) continue;
    merged[verdict] = (merged[verdict] ?? 0) + count;
    denials += count;
  }
  return {
    invocations: (previous?.invocations ?? 0) + 1,
    recordsScanned: (previous?.recordsScanned ?? 0) + recordsScanned,
    denials,
    byVerdict: merged,
  };
}

/** Groups listed in a report, so the answer stays far below Lambda's 6 MB response limit. */
export const MAX_REPORTED_GROUPS = 200;

/** Assembles the report; pure. */
export function buildReplayReport(input: ReportInput): ReplayReport {
  const groups = input.accumulator.groups();
  const crossRegion = groups.filter((g) => g.finding.verdict === VERDICTS.crossRegionScp);
  const crossRegionScpGroups = crossRegion
    .sort((a, b) => b.count - a.count || a.fingerprint.localeCompare(b.fingerprint))
    .slice(0, MAX_REPORTED_GROUPS)
    .map((g) => ({
      fingerprint: g.fingerprint,
      count: g.count,
      firstSeen: g.firstSeen,
      lastSeen: g.lastSeen,
      accountId: g.finding.accountId,
      principal: principalIdentity(g.finding.principalArn),
      profileId: g.finding.profile?.id ?? null,
      modelId: g.finding.modelId,
      sourceRegions: [...g.sourceRegions].sort(),
      deniedRegion: g.finding.deniedRegion,
      reason: g.finding.reason,
      recommendedFix: input.fixes.get(g.fingerprint)?.recommended ?? null,
    }));
  const streams = input.outcomes.map((o) => {
    const counts = input.perStream.get(input.streamKey(o)) ?? { scanned: 0, denials: 0 };
    return {
      account: o.cursor.account,
      region: o.cursor.region,
      recordsScanned: counts.scanned,
      denials: counts.denials,
      requests: o.requests,
      throttled: o.throttled,
      stoppedBy: o.stoppedBy,
      complete: o.cursor.done,
      error: o.error,
    };
  });
  const complete = input.complete ?? input.outcomes.every((o) => o.cursor.done);
  const intermittency = input.intermittency ?? [];
  return {
    source: input.source ?? 'lookup-events',
    window: input.window,
    resumed: input.resumed,
    mode: input.mode,
    recordsScanned: input.recordsScanned ?? streams.reduce((sum, s) => sum + s.recordsScanned, 0),
    denials: input.accumulator.denials(),
    findingsByVerdict: input.accumulator.byVerdict(),
    crossRegionScpGroups,
    crossRegionScpGroupsTotal: crossRegion.length,
    distinctFingerprints: groups.length,
    streams,
    errors: input.outcomes
      .filter((o) => o.error !== null)
      .map((o) => ({ account: o.cursor.account, region: o.cursor.region, message: o.error ?? '' }))
      .concat(input.extraErrors ?? []),
    stored: input.stored,
    storedCalls: input.storedCalls ?? null,
    notified: input.notified,
    warnings: input.warnings,
    totals: input.totals,
    complete,
    resume: complete ? null : input.resume,
    intermittency: intermittency.slice(0, MAX_INTERMITTENCY_ROWS),
    intermittencyTotal: intermittency.length,
    athena: input.athena ?? null,
  };
}
