import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { TextPublisher } from '../core/digest/ports.js';
import { DeliveryError } from '../core/errors.js';
import { cutMarker } from '../core/text-safety.js';

/** Options of {@link createSnsTextPublisher}. */
export interface SnsTextPublisherOptions {
  /** An SNS client; its endpoint comes from `AWS_ENDPOINT_URL_SNS` or its own config. */
  client: SNSClient;
  topicArn: string;
}

/** SNS accepts 256 KiB per message; a margin is kept for the envelope. */
export const SNS_TEXT_MAX_BYTES = 250 * 1024;

/** What ends a cut copy: the visible mark every channel uses, then where the whole text is. */
function cutNote(count: number): string {
  return `\n${cutMarker(count)}\nThe full digest is in the email.\n`;
}

/**
 * Cuts `text` to at most `maxBytes` UTF-8 bytes on a character boundary, ending with
 * `…(N characters cut)` (N in code points) and where the whole text is.
 */
export function fitUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const chars = Array.from(text);
  // Room for the longest note this text can need (every character cut).
  const budget = maxBytes - Buffer.byteLength(cutNote(chars.length), 'utf8');
  let bytes = 0;
  let kept = 0;
  for (const char of chars) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > budget) break;
    bytes += size;
    kept += 1;
  }
  return `${chars.slice(0, kept).join('')}${cutNote(chars.length - kept)}`;
}

/**
 * Publishes a plain-text message (the text digest) to an SNS topic: one `Publish` with a raw
 * message, cut to fit the 256 KiB limit. The subject must already be ASCII and shorter than 100
 * characters (SNS rejects anything else; see `renderDigestAsciiSubject`). Throws `DeliveryError`
 * (SDK error as `cause`) when SNS refuses after the SDK's retries.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export function createSnsTextPublisher(options: SnsTextPublisherOptions): TextPublisher {
  return {
    async publish(message) {
      try {
        const output = await options.client.send(
          new PublishCommand({ TopicArn: options.topicArn, Subject: message.subject, Message: fitUtf8(message.text, SNS_TEXT_MAX_BYTES) }),
        );
        return { messageId: output.MessageId ?? null };
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        throw new DeliveryError(`SNS did not accept the digest for topic ${options.topicArn}: ${name}`, { cause: error });
      }
    },
  };
}
