/**
 * One Organizations change event through the guard, end to end, over ports: claim the event,
 * load the snapshot, read what the event does not carry, decide, record the alert, save the
 * after-snapshot, deliver to each channel once, complete.
 *
 * Ordering is what makes it exactly-once per change event: the alert is recorded on the claim
 * *before* the after-snapshot is saved, so an attempt that dies after the save still has the alert
 * to send on retry (the saved snapshot already holds the change, so recomputing would find no
 * flip). Channels are marked one by one, so a retry never re-posts to a channel that has it. A lost
 * race on the snapshot (another change saved first) recomputes on the newer snapshot.
 */
import type { ProfileCatalog } from '../classify/profile-catalog.js';
import { CrisAuditorError, DeliveryError } from '../errors.js';
import type { OrgSnapshotStore } from '../ports.js';
import type { OrgSnapshot } from '../preflight/index.js';
import type { Language } from '../types.js';
import { guardAlertOf, type GuardAlert } from './alert.js';
import { readOrganizationsChange, type OrganizationsChange } from './change.js';
import { guardChange } from './guard.js';
import type { GuardChannel, GuardClaimStore, PolicyDescriber } from './ports.js';

/** What the guard needs from the outside world. */
export interface GuardDependencies {
  claims: GuardClaimStore;
  snapshots: OrgSnapshotStore;
  /** DescribePolicy through the org read role; null when no role is configured. */
  describePolicy: PolicyDescriber | null;
  /** The profiles in use with their source Regions (stored findings, plus configured pairs). */
  routes: () => Promise<readonly { profile: string; sourceRegion: string }[]>;
  /** Alert channels by name (`slack`, `sns`). */
  channels: Record<string, GuardChannel>;
  catalog: ProfileCatalog;
  lang: Language;
}

/** The outcome of one event, for logs and metrics. */
export type GuardOutcome =
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'duplicate'; state: 'done' | 'in-flight' }
  /** The guard could not judge the change (no snapshot, a stale snapshot, no read role): nothing sent, said why. */
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'no-flip'; affectedTargets: number; routes: number; version: number | null }
  | {
      outcome: 'alerted';
      breaks: number;
      repairs: number;
      channels: string[];
      alreadyDelivered: string[];
      rejected: { channel: string; reason: string }[];
      version: number | null;
    };

/** Snapshot saves retried when other changes keep winning the race. */
const MAX_SAVE_ROUNDS = 4;

function detailOf(event: unknown): Record<string, unknown> {
  if (typeof event !== 'object' || event === null) return {};
  const detail = (event as { detail?: unknown }).detail;
  return typeof detail === 'object' && detail !== null ? (detail as Record<string, unknown>) : (event as Record<string, unknown>);
}

type Prepared = { ok: true; snapshot: OrgSnapshot } | { ok: false; outcome: GuardOutcome };

/**
 * Adds to the snapshot what the change needs and the event does not carry: the policy an
 * `AttachPolicy` names when the snapshot does not hold it (never attached when it was read). A
 * policy that is not an SCP (tag, backup, RCP…) cannot change SCP readiness.
 */
async function prepare(snapshot: OrgSnapshot, change: OrganizationsChange, describe: PolicyDescriber | null): Promise<Prepared> {
  const missing = change.policyId !== null && !snapshot.policies.some((p) => p.id === change.policyId);
  if (!missing || (change.eventName !== 'AttachPolicy' && change.eventName !== 'UpdatePolicy')) return { ok: true, snapshot };
  if (change.eventName === 'UpdatePolicy') {
    // Not in the snapshot: attached nowhere when the tree was read (or not an SCP); an update cannot change any chain.
    return { ok: false, outcome: { outcome: 'no-flip', affectedTargets: 0, routes: 0, version: null } };
  }
  if (describe === null) return { ok: false, outcome: { outcome: 'skipped', reason: `policy ${change.policyId} is not in the snapshot and no org read role is configured to describe it` } };
  const described = await describe(change.policyId as string);
  if (described === null) return { ok: false, outcome: { outcome: 'skipped', reason: `policy ${change.policyId} no longer exists (DescribePolicy: not found)` } };
  if (described.type !== 'SERVICE_CONTROL_POLICY') return { ok: false, outcome: { outcome: 'ignored', reason: `policy ${change.policyId} is ${described.type.startsWith('not ') ? described.type : `a ${described.type}, not an SCP`}` } };
  return { ok: true, snapshot: { ...snapshot, policies: [...snapshot.policies, described.policy] } };
}

/**
 * Processes one EventBridge event (or bare CloudTrail record). Expected failures are outcomes;
 * a thrown error means the event must be retried (the claim is released first).
 */
export async function processGuardEvent(event: unknown, deps: GuardDependencies, clock: { now: Date; leaseUntil: Date }): Promise<GuardOutcome> {
  const read = readOrganizationsChange(detailOf(event));
  if (!read.ok) return { outcome: 'ignored', reason: read.reason };
  const change = read.value;
  const key = `org-change#${change.eventId}`;
  const claim = await deps.claims.claim({ key, now: clock.now, leaseUntil: clock.leaseUntil });
  if (claim.status === 'duplicate') return { outcome: 'duplicate', state: claim.state };
  const { token } = claim;
  const finish = async (outcome: GuardOutcome): Promise<GuardOutcome> => {
    await deps.claims.complete({ key, token, now: clock.now, outcome: outcome.outcome });
    return outcome;
  };
  try {
    const routes = await deps.routes();
    let alert: GuardAlert | null = claim.recordedAlert;
    let version: number | null = null;
    let affected = 0;
    let saved = false;
    for (let round = 0; round < MAX_SAVE_ROUNDS && !saved; round += 1) {
      const stored = await deps.snapshots.load();
      if (stored === null) {
        if (alert !== null) break;
        return await finish({ outcome: 'skipped', reason: 'no organization snapshot is stored yet (the daily refresh writes it)' });
      }
      const prepared = await prepare(stored.snapshot, change, deps.describePolicy);
      if (!prepared.ok) {
        if (alert !== null) break;
        return await finish(prepared.outcome.outcome === 'no-flip' ? { ...prepared.outcome, routes: routes.length, version: stored.version } : prepared.outcome);
      }
      const decided = guardChange({ snapshot: prepared.snapshot, change, routes, catalog: deps.catalog, lang: deps.lang });
      if (!decided.ok) {
        if (alert !== null) break;
        return await finish({ outcome: 'skipped', reason: `the snapshot of ${stored.snapshot.takenAt} cannot take this change (${decided.reason}); it is refreshed daily` });
      }
      affected = decided.value.affectedTargets;
      if (claim.recordedAlert === null) {
        const previous = alert;
        alert = guardAlertOf(decided.value, stored.snapshot.takenAt);
        // A recomputation after a lost race replaces what an earlier round recorded (or clears it).
        if (alert !== null || previous !== null) await deps.claims.recordAlert({ key, token, alert });
      }
      const after = decided.value.after;
      if (JSON.stringify(after) === JSON.stringify(stored.snapshot)) {
        version = stored.version;
        saved = true;
        break;
      }
      const result = await deps.snapshots.save(after, stored.version);
      if (result.ok) {
        version = result.version;
        saved = true;
      }
    }
    if (!saved && alert === null) throw new CrisAuditorError(`the organization snapshot kept changing; gave up saving after ${MAX_SAVE_ROUNDS} rounds`);
    if (alert === null) return await finish({ outcome: 'no-flip', affectedTargets: affected, routes: routes.length, version });
    const delivered: string[] = [];
    const rejected: { channel: string; reason: string }[] = [];
    for (const [name, send] of Object.entries(deps.channels)) {
      if (claim.deliveredChannels.includes(name)) continue;
      try {
        await send(alert);
      } catch (error) {
        if (!(error instanceof DeliveryError) || !error.permanent) throw error;
        await deps.claims.markRejected({ key, token, channel: name, reason: error.message });
        rejected.push({ channel: name, reason: error.message });
        continue;
      }
      await deps.claims.markDelivered({ key, token, channel: name });
      delivered.push(name);
    }
    const count = (groups: GuardAlert['breaks']) => groups.reduce((sum, g) => sum + g.targets.length + g.moreTargets, 0);
    return await finish({
      outcome: 'alerted',
      breaks: count(alert.breaks),
      repairs: count(alert.repairs),
      channels: delivered,
      alreadyDelivered: claim.deliveredChannels,
      rejected,
      version,
    });
  } catch (error) {
    // The original error is what the retry and the logs need; a failed release only delays the retry to the lease's end.
    await deps.claims.release({ key, token, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) }).catch(() => undefined);
    throw error;
  }
}
