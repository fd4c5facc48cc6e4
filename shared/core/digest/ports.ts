import type { Language } from '../types.js';
import type { Digest } from './aggregate.js';
import type { OrgSnapshot } from '../preflight/index.js';

/**
 * Ports of the digest: where a rendered digest goes. Adapters implement them
 * (`shared/adapters/ses-mailer.ts`, `shared/adapters/sns-text-publisher.ts`).
 */

/** One email with an HTML and a plain-text alternative. */
export interface DigestEmail {
  to: string[];
  subject: string;
  html: string;
  text: string;
}

/** Sends email; throws `DeliveryError` when the provider refused the message. */
export interface Mailer {
  /** Sends one message to all recipients; resolves to the provider's message ID. */
  send(email: DigestEmail): Promise<{ messageId: string | null }>;
}

/** Publishes a plain-text message to a topic; throws `DeliveryError` when refused. */
export interface TextPublisher {
  publish(message: { subject: string; text: string }): Promise<{ messageId: string | null }>;
}

/** Publishes a summary of the built digest to a chat channel (Amazon Q Developer); throws `DeliveryError` when refused. */
export interface DigestSummaryPublisher {
  publish(digest: Digest, lang: Language): Promise<{ messageId: string | null }>;
}

/** Result of claiming the right to send the digest of one window. */
export type DigestClaim =
  | { status: 'claimed'; token: string }
  /** The digest of this window already went out (`messageId` when known). */
  | { status: 'already-sent'; messageId: string | null }
  /** Another invocation is sending it right now (its lease has not expired). */
  | { status: 'in-progress' };

/**
 * Remembers which windows' digests were sent, so a retried or duplicated invocation does not mail
 * everyone twice. `claim` is atomic; a claim that is neither completed nor released expires after
 * its lease, so a crashed run can be retried.
 */
export interface DigestLedger {
  claim(input: { windowEnd: string; now: Date; leaseSeconds: number }): Promise<DigestClaim>;
  /** Records the window as sent by the holder of `token`. */
  complete(input: { windowEnd: string; token: string; now: Date; messageId: string | null }): Promise<void>;
  /** Gives the claim up after a failed send, so the next attempt may send. */
  release(input: { windowEnd: string; token: string }): Promise<void>;
}

/**
 * Where the digest finds the organization snapshot for its "will break" section: the snapshot the
 * stack refreshes daily. `load` resolves to null when none has been stored yet and throws when the
 * stored one cannot be read.
 */
export interface DigestSnapshotSource {
  load(): Promise<OrgSnapshot | null>;
}
