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
