import type { Notifier } from '../core/ports.js';
import { renderTeamsMessage, type TeamsMessage } from '../core/render/teams.js';
import type { Language } from '../core/types.js';
import { DEFAULT_WEBHOOK_RETRY, createWebhookSender, type WebhookRetryPolicy, type WebhookSenderOptions } from './webhook-sender.js';

/** Retry policy of the Teams webhook: the Slack channel's (the shared webhook sender's). */
export type TeamsRetryPolicy = WebhookRetryPolicy;

/** Defaults sized for a Lambda function with a 30 s timeout (as for Slack). */
export const DEFAULT_TEAMS_RETRY: TeamsRetryPolicy = DEFAULT_WEBHOOK_RETRY;

/** Options of {@link createTeamsWebhookSender}. */
export type TeamsWebhookSenderOptions = WebhookSenderOptions;

/** Sends one card message to a Teams webhook. */
export type TeamsSender = (message: TeamsMessage) => Promise<void>;

/**
 * A sender for a Teams webhook (Workflows "When a Teams webhook request is received", which answers
 * 202 Accepted, or a legacy Incoming Webhook, 200), through the shared `webhook-sender.ts`: retries
 * network errors, timeouts, 5xx and 429 (Teams throttles beyond four requests a second; at least its
 * `Retry-After`). Other 4xx answers — 400 for a card Teams cannot read, 413 for one over 28 KB, 404
 * for a deleted flow — are permanent and fail at once. The URL (it carries the flow's signature)
 * never appears in errors.
 * @see https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook
 */
export function createTeamsWebhookSender(options: TeamsWebhookSenderOptions): TeamsSender {
  return createWebhookSender<TeamsMessage>('Teams', options);
}

/** Options of {@link createTeamsNotifier}. */
export interface TeamsNotifierOptions extends TeamsWebhookSenderOptions {
  lang: Language;
  /** Replaces the HTTP sender (the local demo prints cards instead of posting them). */
  send?: TeamsSender;
}

/**
 * The Microsoft Teams channel of an alert: renders the Adaptive Card (`shared/core/render/teams.ts`)
 * and sends it through {@link createTeamsWebhookSender}.
 */
export function createTeamsNotifier(options: TeamsNotifierOptions): Notifier {
  const send = options.send ?? createTeamsWebhookSender(options);
  return {
    async notify(alert) {
      await send(renderTeamsMessage({ ...alert, lang: options.lang }));
    },
  };
}
