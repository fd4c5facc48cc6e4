import type { ProfileCatalog } from '../classify/profile-catalog.js';
import { suggestFix } from '../fix/suggest-fix.js';
import type { IntermittencyRow } from '../history/intermittency.js';
import type { HourlyAggregate } from '../ports.js';
import { callCountsSeen, chainKey, routeFinding, routeLegs, routesInUse, runPreflight, snapshotTargets, type DeniedBy, type OrgSnapshot, type PreflightTarget } from '../preflight/index.js';
import type { Fix, Language } from '../types.js';

/**
 * The digest's "will break" section: the profiles in use (profile and source Region seen in the
 * stored findings and call counts) checked with `runPreflight` against every account and OU of the
 * organization snapshot the stack refreshes daily, and for each blocked route the fix engine's
 * recommended way out for that SCP chain, with its verification outcome. A call through a
 * cross-Region profile fails when any destination Region is denied, so a blocked row breaks
 * whenever routing picks it.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
 */

/** Groups shown in full at most; the rest are counted. */
export const MAX_READINESS_GROUPS = 20;
/** Targets named per group at most; the rest are counted. */
export const MAX_READINESS_TARGETS = 10;

/** A (profile, source Region) seen in use. */
export interface RouteInUse {
  profile: string;
  sourceRegion: string;
}

/** Why readiness was not computed (a stable code; the digest words it per language). */
export type ReadinessNotComputedReason = 'no-snapshot' | 'snapshot-unreadable' | 'not-configured';

/** Targets blocked the same way: same route, same denied Regions, same denying statements, same fix. */
export interface ReadinessGroup {
  profile: string;
  sourceRegion: string;
  deniedDestinations: string[];
  /** The profile call in the source Region itself is denied. */
  sourceCallDenied: boolean;
  deniedBy: DeniedBy[];
  /** The first {@link MAX_READINESS_TARGETS} targets (accounts and OUs), snapshot order. */
  targets: Array<Pick<PreflightTarget, 'id' | 'name' | 'kind'>>;
  targetsTotal: number;
  /** The fix engine's answer for the group's SCP chain (its recommended option and verification); null when it had none. */
  fix: Fix | null;
}

/** What the digest says about readiness. */
export type DigestReadiness =
  | {
      status: 'computed';
      /** When the snapshot was taken (ISO 8601, as the snapshot says). */
      takenAt: string;
      routes: RouteInUse[];
      /** Accounts and OUs checked. */
      targets: number;
      /** Blocked (target, profile, source Region) rows in all. */
      blockedRows: number;
      /** Most targets first, at most {@link MAX_READINESS_GROUPS}. */
      groups: ReadinessGroup[];
      groupsTotal: number;
    }
  | { status: 'not-computed'; reason: ReadinessNotComputedReason; detail: string | null };

/**
 * The (profile, source Region) pairs in use: the guard's own rule (`routesInUse`: system profiles
 * named by stored findings, application profiles left out) over the aggregates the digest read, plus
 * every row of the call counts (profiles that never fail leave no finding), plus the pairs configured
 * for the guard (`GUARD_PROFILES`). Most seen first.
 */
export function profilesInUse(input: {
  aggregates: readonly HourlyAggregate[];
  calls?: readonly IntermittencyRow[];
  configured?: readonly { profile: string; sourceRegion: string }[];
}): RouteInUse[] {
  const seen = [...input.aggregates.map((aggregate) => ({ finding: aggregate.finding, count: aggregate.count })), ...callCountsSeen(input.calls ?? [])];
  return routesInUse(seen, input.configured ?? []).map(({ profile, sourceRegion }) => ({ profile, sourceRegion }));
}

function deniersKey(deniedBy: readonly DeniedBy[]): string {
  return deniedBy.map((d) => `${d.policyId ?? '-'}/${d.sid ?? '-'}/${d.level}`).join(',');
}

/**
 * Computes the section. Pure: the snapshot was loaded by the caller. Rows come from
 * `runPreflight` (without its fixes); the fix is asked once per (route, SCP chain) with that
 * chain, as preflight does, so the recommended option and its verification outcome are the fix
 * engine's own.
 */
export function computeDigestReadiness(input: { snapshot: OrgSnapshot; routes: readonly RouteInUse[]; catalog: ProfileCatalog; lang: Language }): DigestReadiness {
  const targets = snapshotTargets(input.snapshot);
  const chains = new Map(targets.map((target) => [target.id, { key: chainKey(target.levels), levels: target.levels }]));
  const result = runPreflight({ targets, routes: input.routes, catalog: input.catalog, lang: input.lang, withFix: false });
  const byTarget = new Map(targets.map((target) => [target.id, target]));
  const fixes = new Map<string, Fix | null>();
  const groups = new Map<string, ReadinessGroup>();
  let blockedRows = 0;
  for (const row of result.rows) {
    if (row.status !== 'blocked') continue;
    blockedRows += 1;
    const chain = chains.get(row.target);
    const fixKey = `${row.profile}\u0000${row.sourceRegion}\u0000${chain?.key ?? row.target}`;
    let fix = fixes.get(fixKey);
    if (fix === undefined) {
      const legs = routeLegs(row.profile, row.sourceRegion, input.catalog);
      const finding = routeFinding(row.profile, row.sourceRegion, { regions: legs?.catalogRegions ?? row.destinations, source: row.destinationsSource }, row.deniedDestinations[0] ?? row.sourceRegion);
      fix = chain === undefined ? null : suggestFix(finding, { catalog: input.catalog, lang: input.lang, scps: chain.levels });
      fixes.set(fixKey, fix);
    }
    const option = fix?.recommended ?? null;
    const key = [row.profile, row.sourceRegion, row.deniedDestinations.join(','), String(row.sourceCallDenied), deniersKey(row.deniedBy), option?.id ?? '-', option?.snippet?.content ?? '', fix?.verification.outcome ?? fix?.verification.status ?? '-'].join('\u0000');
    let group = groups.get(key);
    if (group === undefined) {
      group = { profile: row.profile, sourceRegion: row.sourceRegion, deniedDestinations: row.deniedDestinations, sourceCallDenied: row.sourceCallDenied, deniedBy: row.deniedBy, targets: [], targetsTotal: 0, fix };
      groups.set(key, group);
    }
    group.targetsTotal += 1;
    const target = byTarget.get(row.target);
    if (group.targets.length < MAX_READINESS_TARGETS && target !== undefined) group.targets.push({ id: target.id, name: target.name, kind: target.kind });
  }
  const sorted = [...groups.values()].sort((a, b) => b.targetsTotal - a.targetsTotal || (a.profile < b.profile ? -1 : a.profile > b.profile ? 1 : 0) || (a.sourceRegion < b.sourceRegion ? -1 : 1));
  return {
    status: 'computed',
    takenAt: input.snapshot.takenAt,
    routes: [...input.routes],
    targets: targets.length,
    blockedRows,
    groups: sorted.slice(0, MAX_READINESS_GROUPS),
    groupsTotal: sorted.length,
  };
}
