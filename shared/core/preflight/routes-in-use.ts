import type { Finding } from '../types.js';

/** A (system profile, source Region) pair in use, with how often it was seen. */
export interface RouteInUse {
  profile: string;
  sourceRegion: string;
  /** Occurrences counted in the findings read (a weight, for ordering). */
  seen: number;
}

/** An inference profile ID of the system catalog (`apac.…`, `us.…`, `global.…`); not an application profile ARN. */
const SYSTEM_PROFILE = /^[a-z]{2,6}\.[a-z0-9-]+\.[A-Za-z0-9.:_-]+$/;
const REGION = /^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/**
 * The profiles in use, as the deployed stack knows them: every system profile and source Region
 * named by a stored finding (the hourly aggregates), plus the pairs configured by hand (profiles that
 * never failed leave no finding). Application profile ARNs are left out: the catalog has no routes
 * for them. Sorted by occurrences, then by profile and Region, so the order is stable.
 * Contract: pure.
 */
export function routesInUse(
  findings: readonly { finding: Pick<Finding, 'profile' | 'sourceRegion'>; count: number }[],
  configured: readonly { profile: string; sourceRegion: string }[] = [],
): RouteInUse[] {
  const seen = new Map<string, RouteInUse>();
  const add = (profile: string, sourceRegion: string, count: number) => {
    if (!SYSTEM_PROFILE.test(profile) || !REGION.test(sourceRegion)) return;
    const key = `${profile}\u0000${sourceRegion}`;
    const current = seen.get(key);
    if (current === undefined) seen.set(key, { profile, sourceRegion, seen: count });
    else current.seen += count;
  };
  for (const { profile, sourceRegion } of configured) add(profile, sourceRegion, 0);
  for (const { finding, count } of findings) {
    if (finding.profile !== null && finding.sourceRegion !== null) add(finding.profile.id, finding.sourceRegion, count);
  }
  return [...seen.values()].sort((a, b) => b.seen - a.seen || a.profile.localeCompare(b.profile) || a.sourceRegion.localeCompare(b.sourceRegion));
}

/**
 * Daily call counts (stored by replays with `store`: successes included) as {@link routesInUse}
 * input, weighted by calls: a profile that never failed leaves no finding but is in use all the same.
 */
export function callCountsSeen(
  rows: readonly { profile: string; sourceRegion: string | null; calls: number }[],
): { finding: Pick<Finding, 'profile' | 'sourceRegion'>; count: number }[] {
  return rows.map((row) => ({ finding: { profile: { id: row.profile, scope: row.profile.split('.')[0] ?? '' }, sourceRegion: row.sourceRegion }, count: row.calls }));
}

/**
 * Parses `GUARD_PROFILES`-style text: `profile@region` pairs separated by commas or whitespace.
 * Returns the pairs, or the first entry that is not a pair.
 */
export function parseRouteList(text: string): { ok: true; value: { profile: string; sourceRegion: string }[] } | { ok: false; reason: string } {
  const value: { profile: string; sourceRegion: string }[] = [];
  for (const entry of text.split(/[\s,]+/).filter((part) => part !== '')) {
    const at = entry.lastIndexOf('@');
    const profile = entry.slice(0, at);
    const sourceRegion = entry.slice(at + 1);
    if (at <= 0 || !SYSTEM_PROFILE.test(profile) || !REGION.test(sourceRegion)) {
      return { ok: false, reason: `${JSON.stringify(entry.slice(0, 120))} is not profile@region (e.g. apac.anthropic.claude-sonnet-4-20250514-v1:0@ap-northeast-1)` };
    }
    value.push({ profile, sourceRegion });
  }
  return { ok: true, value };
}
