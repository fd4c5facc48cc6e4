import type { DeniedBy, PreflightFix } from '../preflight/index.js';
import type { GuardReport, ReadinessFlip } from './guard.js';

/** Targets listed per group of an alert; the rest are counted. Keeps every channel (and the stored claim) small. */
export const MAX_TARGETS_PER_GROUP = 25;
/** Groups per direction (breaks, repairs) an alert lists; the rest are counted. */
export const MAX_GROUPS = 10;

/** Targets that flipped the same way for one (profile, source Region), with the same denial and fix. */
export interface GuardAlertGroup {
  profile: string;
  sourceRegion: string;
  /** After the change: the destinations denied (empty for a repair). */
  deniedDestinations: string[];
  sourceCallDenied: boolean;
  deniedBy: DeniedBy[];
  fix: PreflightFix | null;
  /** Up to {@link MAX_TARGETS_PER_GROUP} targets: accounts first, then OUs. */
  targets: { id: string; name: string | null; kind: 'account' | 'ou' }[];
  /** Targets of the group left out of `targets`. */
  moreTargets: number;
  /** Accounts in the whole group (OUs excluded). */
  accounts: number;
}

/**
 * What one guard alert says, independent of the channel; a plain JSON value, so the claim can
 * record it and a retry sends exactly the same alert. Caller-controlled text (the actor ARN, names)
 * is raw here; every renderer escapes it.
 */
export interface GuardAlert {
  eventId: string;
  eventName: string;
  eventTime: string | null;
  actor: string | null;
  policyId: string | null;
  policyName: string | null;
  targetId: string | null;
  accountId: string | null;
  destinationParentId: string | null;
  affectedTargets: number;
  breaks: GuardAlertGroup[];
  repairs: GuardAlertGroup[];
  /** Groups left out (beyond {@link MAX_GROUPS}) per direction. */
  moreGroups: { breaks: number; repairs: number };
  /** When the tree the guard compared against was read. */
  snapshotTakenAt: string;
}

function groupKey(flip: ReadinessFlip): string {
  const row = flip.after;
  return JSON.stringify([row.profile, row.sourceRegion, row.deniedDestinations, row.sourceCallDenied, row.deniedBy, row.fix?.option ?? null, row.fix?.snippet ?? null]);
}

function groups(flips: readonly ReadinessFlip[], kindOf: (id: string) => 'account' | 'ou'): { groups: GuardAlertGroup[]; more: number } {
  const byKey = new Map<string, { first: ReadinessFlip; flips: ReadinessFlip[] }>();
  for (const flip of flips) {
    const key = groupKey(flip);
    const entry = byKey.get(key);
    if (entry === undefined) byKey.set(key, { first: flip, flips: [flip] });
    else entry.flips.push(flip);
  }
  const all = [...byKey.values()].map(({ first, flips: members }): GuardAlertGroup => {
    const targets = members
      .map((flip) => ({ id: flip.target, name: flip.targetName, kind: kindOf(flip.target) }))
      .sort((a, b) => (a.kind === b.kind ? a.id.localeCompare(b.id) : a.kind === 'account' ? -1 : 1));
    const repaired = first.to === 'ready';
    return {
      profile: first.profile,
      sourceRegion: first.sourceRegion,
      deniedDestinations: repaired ? [] : first.after.deniedDestinations,
      sourceCallDenied: repaired ? false : first.after.sourceCallDenied,
      deniedBy: repaired ? [] : first.after.deniedBy,
      fix: repaired ? null : first.after.fix,
      targets: targets.slice(0, MAX_TARGETS_PER_GROUP),
      moreTargets: Math.max(0, targets.length - MAX_TARGETS_PER_GROUP),
      accounts: targets.filter((t) => t.kind === 'account').length,
    };
  });
  all.sort((a, b) => b.accounts - a.accounts || a.profile.localeCompare(b.profile) || a.sourceRegion.localeCompare(b.sourceRegion));
  return { groups: all.slice(0, MAX_GROUPS), more: Math.max(0, all.length - MAX_GROUPS) };
}

/**
 * The alert of a guard report, or null when nothing flipped (no alert for a no-op change).
 * Contract: pure; bounded in size whatever the organization (at most {@link MAX_GROUPS} groups of
 * {@link MAX_TARGETS_PER_GROUP} targets per direction).
 */
export function guardAlertOf(report: GuardReport, snapshotTakenAt: string): GuardAlert | null {
  if (report.breaks.length === 0 && report.repairs.length === 0) return null;
  const kindOf = (id: string): 'account' | 'ou' => (id.startsWith('ou-') ? 'ou' : 'account');
  const breaks = groups(report.breaks, kindOf);
  const repairs = groups(report.repairs, kindOf);
  const { change } = report;
  const policy = change.policyId === null ? undefined : report.after.policies.find((p) => p.id === change.policyId);
  return {
    eventId: change.eventId,
    eventName: change.eventName,
    eventTime: change.eventTime,
    actor: change.actor,
    policyId: change.policyId,
    policyName: policy?.name ?? null,
    targetId: change.targetId,
    accountId: change.accountId,
    destinationParentId: change.destinationParentId,
    affectedTargets: report.affectedTargets,
    breaks: breaks.groups,
    repairs: repairs.groups,
    moreGroups: { breaks: breaks.more, repairs: repairs.more },
    snapshotTakenAt,
  };
}
