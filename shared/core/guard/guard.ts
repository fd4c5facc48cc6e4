/**
 * The SCP-change guard's decision: readiness of the profiles in use, recomputed for the targets a
 * change touches before and after it, and every (target, profile, source Region) whose status
 * flipped. One report per change event, keyed by the CloudTrail event ID, so a redelivered event
 * is recognised and never alerts twice.
 */
import type { ProfileCatalog } from '../classify/profile-catalog.js';
import { runPreflight, snapshotTargets, type OrgSnapshot, type PreflightRow } from '../preflight/index.js';
import type { Language, Result } from '../types.js';
import { applyChange, changesScpChains, type OrganizationsChange } from './change.js';

/** A (target, profile, source Region) whose readiness the change flipped. */
export interface ReadinessFlip {
  target: string;
  targetName: string | null;
  profile: string;
  sourceRegion: string;
  from: PreflightRow['status'];
  to: PreflightRow['status'];
  /** The row after the change: denied destinations, denying statements, the fix. */
  after: PreflightRow;
}

/** The guard's report on one change. */
export interface GuardReport {
  /** Idempotency and deduplication key: one alert per change event. */
  dedupeKey: string;
  change: OrganizationsChange;
  /** Targets whose chain the change touches. */
  affectedTargets: number;
  /** Ready → blocked. */
  breaks: ReadinessFlip[];
  /** Blocked → ready. */
  repairs: ReadinessFlip[];
  /** The tree after the change, to store as the new snapshot. */
  after: OrgSnapshot;
}

/** Options of {@link guardChange}. */
export interface GuardChangeOptions {
  snapshot: OrgSnapshot;
  change: OrganizationsChange;
  /** The profiles in use (from stored findings and history), with their source Regions. */
  routes: readonly { profile: string; sourceRegion: string }[];
  catalog: ProfileCatalog;
  lang: Language;
}

function chainSignature(snapshot: OrgSnapshot): Map<string, string> {
  const byId = new Map(snapshot.policies.map((p) => [p.id, p.content]));
  return new Map(
    snapshotTargets(snapshot).map((t) => [t.id, JSON.stringify(t.levels.map((level) => level.map((d) => [d.id, d.content ?? byId.get(d.id)])))]),
  );
}

/**
 * Recomputes readiness before and after the change for the targets it touches and lists the flips.
 * Contract: pure; expected failures (the change cannot be applied to the snapshot) are values.
 */
export function guardChange(options: GuardChangeOptions): Result<GuardReport> {
  const { snapshot, change } = options;
  const applied = applyChange(snapshot, change);
  if (!applied.ok) return applied;
  const after = applied.value;
  const report: GuardReport = { dedupeKey: `org-change#${change.eventId}`, change, affectedTargets: 0, breaks: [], repairs: [], after };
  if (!changesScpChains(change)) return { ok: true, value: report };
  const beforeChains = chainSignature(snapshot);
  const afterChains = chainSignature(after);
  const affected = new Set([...afterChains].filter(([id, signature]) => beforeChains.get(id) !== signature).map(([id]) => id));
  report.affectedTargets = affected.size;
  if (affected.size === 0) return { ok: true, value: report };
  const run = (tree: OrgSnapshot) =>
    runPreflight({ targets: snapshotTargets(tree).filter((t) => affected.has(t.id)), routes: options.routes, catalog: options.catalog, lang: options.lang }).rows;
  const beforeRows = new Map(run(snapshot).map((row) => [`${row.target}\u0000${row.profile}\u0000${row.sourceRegion}`, row]));
  for (const row of run(after)) {
    const previous = beforeRows.get(`${row.target}\u0000${row.profile}\u0000${row.sourceRegion}`);
    // A target that appears only after the change (an account moved in) starts from ready.
    const from = previous?.status ?? 'ready';
    if (from === row.status) continue;
    const flip: ReadinessFlip = { target: row.target, targetName: row.targetName, profile: row.profile, sourceRegion: row.sourceRegion, from, to: row.status, after: row };
    (row.status === 'blocked' ? report.breaks : report.repairs).push(flip);
  }
  return { ok: true, value: report };
}
