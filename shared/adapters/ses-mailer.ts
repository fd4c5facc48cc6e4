import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../core/digest/ports.js';
import { DeliveryError } from '../core/errors.js';

/** Options of {@link createSesMailer}. */
export interface SesMailerOptions {
  /**
   * An SES v2 client; its endpoint comes from `AWS_ENDPOINT_URL_SESV2` or its own config. Its
   * retry strategy (the SDK's standard mode) is the retry of this channel.
   */
  client: SESv2Client;
  /** A verified SES identity: `noreply@example.com` or `cris-auditor <noreply@example.com>`. */
  from: string;
  /** SES configuration set (event publishing, dedicated IPs), when the account uses one. */
  configurationSetName?: string;
}

const UTF8 = 'UTF-8';

/**
 * Sends one email through SES v2 `SendEmail` with `Simple` content: a UTF-8 subject and both an
 * HTML and a text part (SES builds the multipart/alternative MIME message and encodes non-ASCII
 * subjects). All recipients go in `To` of one message. Throws `DeliveryError` (with the SDK error
 * as `cause`) when SES refuses after the SDK's retries, e.g. an unverified sender in the sandbox.
 * @see https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html
 * @see https://docs.aws.amazon.com/ses/latest/dg/send-email-raw.html#send-email-mime-encoding-headers
 */
export function createSesMailer(options: SesMailerOptions): Mailer {
  return {
    async send(email) {
      if (/[\r\n]/.test(email.subject)) throw new DeliveryError('email subject must be one line');
      try {
        const output = await options.client.send(
          new SendEmailCommand({
            FromEmailAddress: options.from,
            Destination: { ToAddresses: email.to },
            ConfigurationSetName: options.configurationSetName,
            Content: {
              Simple: {
                Subject: { Data: email.subject, Charset: UTF8 },
                Body: {
                  Html: { Data: email.html, Charset: UTF8 },
                  Text: { Data: email.text, Charset: UTF8 },
                },
              },
            },
          }),
        );
        return { messageId: output.MessageId ?? null };
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        throw new DeliveryError(`SES did not accept the digest from ${options.from} to ${email.to.length} recipient(s): ${name}`, { cause: error });
      }
    },
  };
}
