import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DeliveryError } from '../core/errors.js';
import type { Notifier } from '../core/ports.js';
import { renderSnsMessage, type SnsAlertMessage } from '../core/render/sns.js';
import type { Language } from '../core/types.js';

/** Options of {@link createSnsNotifier}. */
export interface SnsNotifierOptions {
  /**
   * An SNS client; its endpoint comes from `AWS_ENDPOINT_URL_SNS` or its own config. Its retry
   * strategy (the SDK's standard mode: exponential backoff with jitter, `maxAttempts`) is the retry
   * of this channel.
   */
  client: SNSClient;
  topicArn: string;
  lang: Language;
}

/** Publishes one rendered message; resolves to the SNS `MessageId`. */
export async function publishSnsMessage(client: SNSClient, topicArn: string, message: SnsAlertMessage): Promise<string> {
  const output = await client.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: message.subject,
      Message: message.message,
      MessageStructure: 'json',
      MessageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
      ),
    }),
  );
  return output.MessageId ?? '';
}

/**
 * Whether SNS refused a publish for good: a 4xx answer (invalid parameter, missing authorization,
 * unknown topic, a disabled KMS key, …) that the SDK's retries did not turn into a success and that
 * retrying the event cannot fix. Throttling (`Throttled…`, also a 4xx) and 5xx are transient.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors
 */
export function isPermanentSnsError(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  const name = error instanceof Error ? error.name : '';
  if (typeof status !== 'number' || status < 400 || status >= 500 || status === 429) return false;
  return !/thrott/i.test(name);
}

/**
 * The SNS channel of an alert: one `Publish` per alert with `MessageStructure: json` (a readable
 * text for email, a JSON body for SQS/Lambda/HTTP subscribers), an ASCII subject and the message
 * attributes `verdict`, `accountId`, `sourceRegion`, `deniedRegion`, `severity` for filter
 * policies. Throws `DeliveryError` (with the SDK error as `cause`) when SNS refuses after the SDK's
 * retries.
 * @see https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
 */
export function createSnsNotifier(options: SnsNotifierOptions): Notifier {
  return {
    async notify(alert) {
      const message = renderSnsMessage({ ...alert, lang: options.lang });
      try {
        await publishSnsMessage(options.client, options.topicArn, message);
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        const code = (error as { code?: unknown } | null)?.code;
        const label = typeof code === 'string' && code !== name ? `${name} (${code})` : name;
        const detail = error instanceof Error && error.message !== '' && error.message !== name ? `: ${error.message.slice(0, 200)}` : '';
        throw new DeliveryError(`SNS did not accept the alert for topic ${options.topicArn}: ${label}${detail}`, {
          cause: error,
          permanent: isPermanentSnsError(error),
        });
      }
    },
  };
}
