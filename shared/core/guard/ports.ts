import type { SnapshotPolicy } from '../preflight/index.js';
import type { GuardAlert } from './alert.js';

/**
 * Ports of the SCP-change guard. Adapters: `shared/adapters/dynamodb-guard-claims.ts`,
 * `dynamodb-org-snapshot-store.ts`, `organizations-tree.ts` (DescribePolicy) and the Slack / SNS
 * senders the alert function uses.
 */

/** The claim of one change event: who processes it, what was already delivered. */
export type GuardClaim =
  | {
      status: 'claimed';
      /** Fencing token: only the holder may record deliveries or complete. */
      token: string;
      /** Channels that already have this change's alert (an earlier attempt delivered them). */
      deliveredChannels: string[];
      /** The alert an earlier attempt recorded before it saved the snapshot; null when none. */
      recordedAlert: GuardAlert | null;
    }
  | { status: 'duplicate'; state: 'done' | 'in-flight' };

/**
 * One conditional claim per change event (CloudTrail `eventID`), as the alert function's event
 * markers: a redelivery, a Lambda retry or a concurrent invocation of the same event finds it and
 * sends nothing; a failed attempt releases it for the retry; an expired lease can be taken over.
 */
export interface GuardClaimStore {
  claim(input: { key: string; now: Date; leaseUntil: Date }): Promise<GuardClaim>;
  /** Records the alert to send (before the snapshot is saved, so a retry sends the same alert). */
  recordAlert(input: { key: string; token: string; alert: GuardAlert | null }): Promise<void>;
  markDelivered(input: { key: string; token: string; channel: string }): Promise<void>;
  markRejected(input: { key: string; token: string; channel: string; reason: string }): Promise<void>;
  complete(input: { key: string; token: string; now: Date; outcome: string }): Promise<void>;
  release(input: { key: string; token: string; reason: string }): Promise<void>;
}

/** A policy read with `DescribePolicy`, with its type (the guard only follows SCPs). */
export interface DescribedPolicy {
  policy: SnapshotPolicy;
  /** `SERVICE_CONTROL_POLICY`, `TAG_POLICY`, `RESOURCE_CONTROL_POLICY`, … */
  type: string;
}

/** Reads what a change event does not carry. Null when the policy no longer exists. */
export type PolicyDescriber = (policyId: string) => Promise<DescribedPolicy | null>;

/** One alert channel of the guard (Slack, SNS); throws `DeliveryError` when the channel refused it. */
export type GuardChannel = (alert: GuardAlert) => Promise<void>;
