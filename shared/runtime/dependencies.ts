/**
 * Adapters that several functions build the same way from their validated configuration: the
 * alert channels and the reader of the SCPs in force.
 */
import { SNSClient } from '@aws-sdk/client-sns';
import { createOrganizationsClient, createOrganizationsScpSource, type ScpSource } from '../adapters/organizations-scp-source.js';
import { createSlackNotifier } from '../adapters/slack-webhook.js';
import { createQDeveloperNotifier } from '../adapters/q-developer-publisher.js';
import { createSnsNotifier } from '../adapters/sns-publisher.js';
import { createTeamsNotifier } from '../adapters/teams-webhook.js';
import { createWebhookUrlSource } from '../adapters/webhook-secret.js';
import type { Notifier } from '../core/ports.js';
import type { Language } from '../core/types.js';
import type { AlertConfig } from './config.js';

/** How long SCPs read from AWS Organizations are reused (policies change rarely; reads are throttled). */
const SCP_CACHE_TTL_MS = 15 * 60_000;

/**
 * The configured alert channels by name (`slack`, `teams`, `sns`, `q-developer`); empty when none is configured.
 * Each name is recorded per delivered event, so a retry never re-posts to a channel that has the alert.
 */
export function createAlertChannels(config: {
  slack: AlertConfig['slack'];
  teams?: AlertConfig['teams'];
  topicArn: string | null;
  qDeveloperTopicArn?: string | null;
  locale: Language;
}): Record<string, Notifier> {
  const channels: Record<string, Notifier> = {};
  if (config.slack !== null) channels['slack'] = createSlackNotifier({ webhookUrl: createWebhookUrlSource(config.slack), lang: config.locale });
  if (config.teams != null) {
    channels['teams'] = createTeamsNotifier({ webhookUrl: createWebhookUrlSource({ ...config.teams, channel: 'Teams' }), lang: config.locale });
  }
  if (config.topicArn !== null) channels['sns'] = createSnsNotifier({ client: new SNSClient({}), topicArn: config.topicArn, lang: config.locale });
  if (config.qDeveloperTopicArn != null) {
    channels['q-developer'] = createQDeveloperNotifier({ client: new SNSClient({}), topicArn: config.qDeveloperTopicArn, lang: config.locale });
  }
  return channels;
}

/** Reads the SCPs in force through `ORG_READ_ROLE_ARN`, cached; null when no role is configured. */
export function createScpSourceFor(orgReadRoleArn: string | null): ScpSource | null {
  if (orgReadRoleArn === null) return null;
  return createOrganizationsScpSource({ client: createOrganizationsClient({ roleArn: orgReadRoleArn }), cacheTtlMs: SCP_CACHE_TTL_MS });
}
