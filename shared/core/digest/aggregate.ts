import { VERDICT_ORDER, VERDICTS } from '../constants.js';
import { principalIdentity } from '../alert/fingerprint.js';
import type { HourlyAggregate } from '../ports.js';
import { hourBucket } from '../alert/store-keys.js';
import type { Finding, FixOption, Verdict } from '../types.js';
import type { DigestWindow } from './schedule.js';
import type { DigestIntermittency } from './intermittency.js';
import type { DigestReadiness } from './readiness.js';

/** One row of a "top" list: a value, how many denials carried it and in how many fingerprints. */
export interface DigestRankEntry {
  key: string;
  count: number;
  fingerprints: number;
}

/** Denials of one verdict in the window, and against the window before. */
export interface DigestVerdictTotals {
  verdict: Verdict;
  count: number;
  fingerprints: number;
  previousCount: number;
  /** `count - previousCount`. */
  change: number;
}

/** One fingerprint over the whole window: the unit the digest lists and the fix applies to. */
export interface DigestGroup {
  fingerprint: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Not seen in the comparison window. */
  isNew: boolean;
  /** Denials of this fingerprint in the comparison window. */
  previousCount: number;
  /** The most recent finding of the fingerprint (values are attacker-controlled: escape them). */
  finding: Finding;
  /** The recommended way out, when the fix engine attached one. */
  recommendedFix: FixOption | null;
}

/**
 * Everything a digest says, independent of language and format. Built by {@link buildDigest};
 * rendered by `renderDigestHtml` and `renderDigestText`.
 */
export interface Digest {
  window: DigestWindow;
  totals: {
    count: number;
    fingerprints: number;
    newFingerprints: number;
    recurringFingerprints: number;
    previousCount: number;
    previousFingerprints: number;
    /** `count - previousCount`. */
    change: number;
  };
  /** Verdicts seen in either window, in precedence order. */
  byVerdict: DigestVerdictTotals[];
  top: {
    accounts: DigestRankEntry[];
    roles: DigestRankEntry[];
    profiles: DigestRankEntry[];
    deniedRegions: DigestRankEntry[];
  };
  /** Every `cross-region-scp` fingerprint of the window, most denials first. */
  crossRegionScpGroups: DigestGroup[];
  /** Failure rates per (account, profile, source Region) from the stored call counts; absent or null when none were stored. */
  intermittency?: DigestIntermittency | null;
  /** The "will break" section; absent or null when the digest was built without readiness (CLI preview). */
  readiness?: DigestReadiness | null;
}

interface MergedGroup {
  fingerprint: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  finding: Finding;
}

/** Folds the hourly items of one window into one entry per fingerprint (count summed, seen extended). */
function mergeByFingerprint(aggregates: readonly HourlyAggregate[]): Map<string, MergedGroup> {
  const merged = new Map<string, MergedGroup>();
  for (const aggregate of aggregates) {
    const existing = merged.get(aggregate.fingerprint);
    if (existing === undefined) {
      merged.set(aggregate.fingerprint, {
        fingerprint: aggregate.fingerprint,
        count: aggregate.count,
        firstSeen: aggregate.firstSeen,
        lastSeen: aggregate.lastSeen,
        finding: aggregate.finding,
      });
      continue;
    }
    existing.count += aggregate.count;
    if (aggregate.firstSeen < existing.firstSeen) existing.firstSeen = aggregate.firstSeen;
    if (aggregate.lastSeen >= existing.lastSeen) {
      existing.lastSeen = aggregate.lastSeen;
      existing.finding = aggregate.finding;
    }
  }
  return merged;
}

function rank(tally: Map<string, { count: number; fingerprints: number }>, limit: number): DigestRankEntry[] {
  return [...tally]
    .map(([key, value]) => ({ key, count: value.count, fingerprints: value.fingerprints }))
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, limit);
}

function tallyInto(tally: Map<string, { count: number; fingerprints: number }>, key: string | null, count: number): void {
  if (key === null || key === '') return;
  const entry = tally.get(key);
  if (entry === undefined) tally.set(key, { count, fingerprints: 1 });
  else {
    entry.count += count;
    entry.fingerprints += 1;
  }
}

function inWindow(aggregates: readonly HourlyAggregate[], hours: readonly string[]): HourlyAggregate[] {
  const wanted = new Set(hours);
  return aggregates.filter((aggregate) => wanted.has(aggregate.hour));
}

/**
 * Builds the digest of a window from its hourly aggregates and those of the comparison window.
 * Pure and O(n log n) in the number of aggregates: it never sees individual events. Aggregates
 * outside the window's hour buckets are ignored, so callers may pass a superset.
 * A fingerprint is *new* when it has no aggregate in the comparison window.
 */
export function buildDigest(input: {
  window: DigestWindow;
  current: readonly HourlyAggregate[];
  previous: readonly HourlyAggregate[];
  /** Length of each "top" list (default 10). */
  topLimit?: number;
}): Digest {
  const { window, topLimit = 10 } = input;
  const current = mergeByFingerprint(inWindow(input.current, window.hours));
  const previous = mergeByFingerprint(inWindow(input.previous, window.previousHours));

  const verdicts = new Map<Verdict, DigestVerdictTotals>();
  const verdictEntry = (verdict: Verdict): DigestVerdictTotals => {
    let entry = verdicts.get(verdict);
    if (entry === undefined) {
      entry = { verdict, count: 0, fingerprints: 0, previousCount: 0, change: 0 };
      verdicts.set(verdict, entry);
    }
    return entry;
  };

  const accounts = new Map<string, { count: number; fingerprints: number }>();
  const roles = new Map<string, { count: number; fingerprints: number }>();
  const profiles = new Map<string, { count: number; fingerprints: number }>();
  const deniedRegions = new Map<string, { count: number; fingerprints: number }>();
  const groups: DigestGroup[] = [];
  let count = 0;
  let newFingerprints = 0;

  for (const group of current.values()) {
    const { finding } = group;
    count += group.count;
    const before = previous.get(group.fingerprint);
    if (before === undefined) newFingerprints += 1;
    const totals = verdictEntry(finding.verdict);
    totals.count += group.count;
    totals.fingerprints += 1;
    tallyInto(accounts, finding.accountId, group.count);
    tallyInto(roles, principalIdentity(finding.principalArn), group.count);
    tallyInto(profiles, finding.profile?.id ?? finding.modelId, group.count);
    tallyInto(deniedRegions, finding.deniedRegion, group.count);
    if (finding.verdict === VERDICTS.crossRegionScp) {
      groups.push({
        fingerprint: group.fingerprint,
        count: group.count,
        firstSeen: group.firstSeen,
        lastSeen: group.lastSeen,
        isNew: before === undefined,
        previousCount: before?.count ?? 0,
        finding,
        recommendedFix: finding.fix?.recommended ?? null,
      });
    }
  }

  let previousCount = 0;
  for (const group of previous.values()) {
    previousCount += group.count;
    verdictEntry(group.finding.verdict).previousCount += group.count;
  }

  const byVerdict = VERDICT_ORDER.flatMap((verdict) => {
    const entry = verdicts.get(verdict);
    if (entry === undefined) return [];
    entry.change = entry.count - entry.previousCount;
    return [entry];
  });

  groups.sort(
    (a, b) => b.count - a.count || (a.lastSeen > b.lastSeen ? -1 : a.lastSeen < b.lastSeen ? 1 : 0) || (a.fingerprint < b.fingerprint ? -1 : 1),
  );

  return {
    window,
    totals: {
      count,
      fingerprints: current.size,
      newFingerprints,
      recurringFingerprints: current.size - newFingerprints,
      previousCount,
      previousFingerprints: previous.size,
      change: count - previousCount,
    },
    byVerdict,
    top: {
      accounts: rank(accounts, topLimit),
      roles: rank(roles, topLimit),
      profiles: rank(profiles, topLimit),
      deniedRegions: rank(deniedRegions, topLimit),
    },
    crossRegionScpGroups: groups,
  };
}

/** A finding with its fingerprint, ready to be counted into hourly aggregates. */
export interface FingerprintedFinding {
  fingerprint: string;
  finding: Finding;
}

/**
 * Counts findings into hourly aggregates exactly as the alert function stores them (one per
 * fingerprint per UTC hour; the latest finding kept), for digests built from local files.
 * Findings without a valid `eventTime` cannot be placed in an hour and are skipped; the number
 * skipped is returned so callers can say so.
 */
export function aggregateFindings(findings: Iterable<FingerprintedFinding>): { aggregates: HourlyAggregate[]; undated: number } {
  const byKey = new Map<string, HourlyAggregate>();
  let undated = 0;
  for (const { fingerprint, finding } of findings) {
    const time = finding.eventTime === null ? Number.NaN : Date.parse(finding.eventTime);
    if (Number.isNaN(time)) {
      undated += 1;
      continue;
    }
    const iso = new Date(time).toISOString();
    const hour = hourBucket(iso);
    const key = `${hour}\u0000${fingerprint}`;
    const existing = byKey.get(key);
    if (existing === undefined) {
      byKey.set(key, { hour, fingerprint, count: 1, firstSeen: iso, lastSeen: iso, finding });
      continue;
    }
    existing.count += 1;
    if (iso < existing.firstSeen) existing.firstSeen = iso;
    if (iso >= existing.lastSeen) {
      existing.lastSeen = iso;
      existing.finding = finding;
    }
  }
  return { aggregates: [...byKey.values()], undated };
}
