/**
 * An SCP-affecting change recorded by CloudTrail for AWS Organizations (a global service: its API
 * calls are recorded in us-east-1), read from the record, and applied to an organization snapshot
 * to get the tree as it is after the change.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_cloudtrail-integration.html
 */
import type { CloudTrailRecord, Result } from '../types.js';
import type { OrgSnapshot } from '../preflight/index.js';

/** The Organizations API calls the guard reacts to. */
export const GUARDED_EVENT_NAMES = [
  'UpdatePolicy',
  'AttachPolicy',
  'DetachPolicy',
  'CreatePolicy',
  'DeletePolicy',
  'MoveAccount',
  'EnablePolicyType',
  'DisablePolicyType',
] as const;

/** One guarded event name. */
export type GuardedEventName = (typeof GUARDED_EVENT_NAMES)[number];

/** A change read from a CloudTrail record. Fields the event does not carry are null. */
export interface OrganizationsChange {
  eventId: string;
  eventName: GuardedEventName;
  eventTime: string | null;
  /** Who made the change (the principal ARN, attacker-controlled text when shown). */
  actor: string | null;
  policyId: string | null;
  targetId: string | null;
  accountId: string | null;
  sourceParentId: string | null;
  destinationParentId: string | null;
  /** The new policy text (`UpdatePolicy`), or null when the call did not change it. */
  content: string | null;
  policyType: string | null;
}

const string = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Reads a change from a CloudTrail record (or an EventBridge event's `detail`). Refused as values:
 * another service, an event name the guard does not watch, a failed call (`errorCode`), a missing
 * event ID.
 */
export function readOrganizationsChange(record: CloudTrailRecord): Result<OrganizationsChange> {
  if (record.eventSource !== 'organizations.amazonaws.com') return { ok: false, reason: `not an Organizations event (${String(record.eventSource)})` };
  const name = record.eventName as GuardedEventName;
  if (!(GUARDED_EVENT_NAMES as readonly string[]).includes(String(record.eventName))) return { ok: false, reason: `eventName ${String(record.eventName)} is not guarded` };
  if (typeof record.errorCode === 'string' && record.errorCode !== '') return { ok: false, reason: `the call failed (${record.errorCode}): nothing changed` };
  const eventId = string(record.eventID);
  if (eventId === null) return { ok: false, reason: 'the record has no eventID' };
  const p = (record.requestParameters ?? {}) as Record<string, unknown>;
  const response = (record.responseElements ?? {}) as { policy?: { policySummary?: { id?: unknown } } };
  return {
    ok: true,
    value: {
      eventId,
      eventName: name,
      eventTime: string(record.eventTime),
      actor: string(record.userIdentity?.arn),
      policyId: string(p.policyId) ?? string(response.policy?.policySummary?.id),
      targetId: string(p.targetId) ?? string(p.rootId),
      accountId: string(p.accountId),
      sourceParentId: string(p.sourceParentId),
      destinationParentId: string(p.destinationParentId),
      content: string(p.content),
      policyType: string(p.policyType) ?? string(p.type),
    },
  };
}

/** Whether the change can alter which SCPs apply (creating or deleting a detached policy cannot). */
export function changesScpChains(change: OrganizationsChange): boolean {
  if (change.eventName === 'CreatePolicy' || change.eventName === 'DeletePolicy') return false;
  if (change.eventName === 'EnablePolicyType' || change.eventName === 'DisablePolicyType') return change.policyType === 'SERVICE_CONTROL_POLICY';
  if (change.eventName === 'UpdatePolicy') return change.content !== null;
  return true;
}

/**
 * The snapshot after the change, or a reason it cannot be computed from the snapshot alone (an
 * attachment of a policy the snapshot does not hold: read it with DescribePolicy first and add it).
 * `DisablePolicyType` of SCPs at the root lifts every SCP; `EnablePolicyType` attaches
 * `FullAWSAccess` everywhere, as Organizations does. Contract: pure; the input is not modified.
 */
export function applyChange(snapshot: OrgSnapshot, change: OrganizationsChange): Result<OrgSnapshot> {
  const next: OrgSnapshot = structuredClone(snapshot);
  const nodes = [...next.roots, ...next.organizationalUnits, ...next.accounts];
  const node = (id: string | null) => nodes.find((n) => n.id === id);
  switch (change.eventName) {
    case 'UpdatePolicy': {
      const policy = next.policies.find((p) => p.id === change.policyId);
      if (policy === undefined) return { ok: false, reason: `policy ${change.policyId ?? '?'} is not in the snapshot` };
      if (change.content !== null) policy.content = change.content;
      return { ok: true, value: next };
    }
    case 'AttachPolicy':
    case 'DetachPolicy': {
      const target = node(change.targetId);
      if (target === undefined) return { ok: false, reason: `target ${change.targetId ?? '?'} is not in the snapshot` };
      if (change.policyId === null) return { ok: false, reason: 'the event names no policyId' };
      if (change.eventName === 'AttachPolicy') {
        if (!next.policies.some((p) => p.id === change.policyId)) return { ok: false, reason: `policy ${change.policyId} is not in the snapshot: describe it first` };
        if (!target.policyIds.includes(change.policyId)) target.policyIds.push(change.policyId);
      } else {
        target.policyIds = target.policyIds.filter((id) => id !== change.policyId);
      }
      return { ok: true, value: next };
    }
    case 'MoveAccount': {
      const account = next.accounts.find((a) => a.id === change.accountId);
      if (account === undefined) return { ok: false, reason: `account ${change.accountId ?? '?'} is not in the snapshot` };
      if (node(change.destinationParentId) === undefined || change.destinationParentId === null) return { ok: false, reason: `parent ${change.destinationParentId ?? '?'} is not in the snapshot` };
      account.parentId = change.destinationParentId;
      return { ok: true, value: next };
    }
    case 'DisablePolicyType':
      if (change.policyType === 'SERVICE_CONTROL_POLICY') for (const n of nodes) n.policyIds = [];
      return { ok: true, value: next };
    case 'EnablePolicyType': {
      if (change.policyType !== 'SERVICE_CONTROL_POLICY') return { ok: true, value: next };
      const full = next.policies.find((p) => p.id === 'p-FullAWSAccess');
      if (full === undefined) return { ok: false, reason: 'FullAWSAccess is not in the snapshot' };
      for (const n of nodes) if (!n.policyIds.includes(full.id)) n.policyIds = [full.id, ...n.policyIds];
      return { ok: true, value: next };
    }
    default:
      return { ok: true, value: next };
  }
}
