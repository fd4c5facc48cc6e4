import type { Notifier } from '../core/ports.js';
import { renderSlackMessage, type SlackMessage } from '../core/render/slack.js';
import type { Language } from '../core/types.js';
import { DEFAULT_WEBHOOK_RETRY, createWebhookSender, type WebhookRetryPolicy, type WebhookSenderOptions } from './webhook-sender.js';

/** Retry policy of the Slack webhook (the shared webhook sender's). */
export type SlackRetryPolicy = WebhookRetryPolicy;

/** Defaults sized for a Lambda function with a 30 s timeout. */
export const DEFAULT_SLACK_RETRY: SlackRetryPolicy = DEFAULT_WEBHOOK_RETRY;

/** Options of {@link createSlackWebhookSender}. */
export type SlackWebhookSenderOptions = WebhookSenderOptions;

/** Sends one Block Kit message to an incoming webhook. */
export type SlackSender = (message: SlackMessage) => Promise<void>;

/**
 * A sender for a Slack incoming webhook (`webhook-sender.ts`): retries network errors, timeouts,
 * 5xx and 429 (waiting at least its `Retry-After`); other 4xx answers (`invalid_payload`,
 * `invalid_blocks`, `no_service`, …) fail at once with a permanent `DeliveryError`.
 * @see https://api.slack.com/messaging/webhooks#handling_errors
 * @see https://api.slack.com/apis/rate-limits
 */
export function createSlackWebhookSender(options: SlackWebhookSenderOptions): SlackSender {
  return createWebhookSender<SlackMessage>('Slack', options);
}

/** Options of {@link createSlackNotifier}. */
export interface SlackNotifierOptions extends SlackWebhookSenderOptions {
  lang: Language;
  /** Replaces the HTTP sender (the local demo prints messages instead of posting them). */
  send?: SlackSender;
}

/**
 * The Slack channel of an alert: renders the Block Kit message (`shared/core/render/slack.ts`) and
 * sends it through {@link createSlackWebhookSender}.
 */
export function createSlackNotifier(options: SlackNotifierOptions): Notifier {
  const send = options.send ?? createSlackWebhookSender(options);
  return {
    async notify(alert) {
      await send(renderSlackMessage({ ...alert, lang: options.lang }));
    },
  };
}
