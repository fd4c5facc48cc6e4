import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { DeliveryError } from '../core/errors.js';
import type { Notifier } from '../core/ports.js';
import type { DigestSummaryPublisher } from '../core/digest/ports.js';
import { renderQDeveloperAlert, renderQDeveloperDigest, type QDeveloperNotification } from '../core/render/q-developer.js';
import { describeIntermittency } from '../core/history/intermittency.js';
import type { Language } from '../core/types.js';

/** Options of {@link createQDeveloperNotifier}. */
export interface QDeveloperPublisherOptions {
  /** An SNS client; its endpoint comes from `AWS_ENDPOINT_URL_SNS`. Its standard retries are this channel's. */
  client: SNSClient;
  /** The topic mapped to the Q Developer channel configuration (`Q_DEVELOPER_TOPIC_ARN`). */
  topicArn: string;
}

function describe(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code !== name ? `${name} (${code})` : name;
}

/**
 * Publishes one custom notification: the event JSON as the raw SNS message (no
 * `MessageStructure`, no subject), which is what Q Developer reads from a topic it subscribes to.
 * Resolves to the SNS `MessageId`; throws `DeliveryError` (SDK error as `cause`) when SNS refuses
 * after the SDK's retries.
 * @see https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html
 */
export async function publishQDeveloperNotification(options: QDeveloperPublisherOptions, notification: QDeveloperNotification, what: string): Promise<string | null> {
  try {
    const output = await options.client.send(new PublishCommand({ TopicArn: options.topicArn, Message: JSON.stringify(notification) }));
    return output.MessageId ?? null;
  } catch (error) {
    throw new DeliveryError(`SNS did not accept the Q Developer ${what} for topic ${options.topicArn}: ${describe(error)}`, { cause: error });
  }
}

/**
 * The Amazon Q Developer channel of an alert (`q-developer`): renders the custom notification
 * (`shared/core/render/q-developer.ts`) and publishes it to the chat topic.
 */
export function createQDeveloperNotifier(options: QDeveloperPublisherOptions & { lang: Language }): Notifier {
  return {
    async notify(alert) {
      await publishQDeveloperNotification(options, renderQDeveloperAlert({ ...alert, lang: options.lang }), 'notification');
    },
  };
}

/**
 * The digest summary for the Q Developer channel: the day's totals, verdict counts and top
 * cross-Region SCP fingerprints as one custom notification (`renderQDeveloperDigest`).
 */
export function createQDeveloperDigestPublisher(options: QDeveloperPublisherOptions): DigestSummaryPublisher {
  return {
    async publish(digest, lang) {
      const notification = renderQDeveloperDigest({
        lang,
        window: { from: digest.window.from, to: digest.window.to, timeZone: digest.window.timeZone },
        totals: digest.totals,
        byVerdict: digest.byVerdict.map(({ verdict, count }) => ({ verdict, count })),
        groups: digest.crossRegionScpGroups.map((group) => ({
          fingerprint: group.fingerprint,
          count: group.count,
          isNew: group.isNew,
          finding: group.finding,
          recommendedTitle: group.recommendedFix?.title ?? null,
        })),
        intermittency: (digest.intermittency?.failing ?? []).map((row) => ({ accountId: row.accountId, sentence: describeIntermittency(row, lang) })),
        willBreak:
          digest.readiness?.status === 'computed'
            ? digest.readiness.groups.map((group) => ({
                profile: group.profile,
                sourceRegion: group.sourceRegion,
                deniedDestinations: group.deniedDestinations,
                targetsTotal: group.targetsTotal,
                recommendedTitle: group.fix?.recommended?.title ?? null,
              }))
            : [],
      });
      return { messageId: await publishQDeveloperNotification(options, notification, 'digest summary') };
    },
  };
}
