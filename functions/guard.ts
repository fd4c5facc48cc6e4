import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { createDynamoDbAggregateReader } from '../shared/adapters/dynamodb-aggregate-reader.js';
import { createDynamoDbCallCountReader } from '../shared/adapters/dynamodb-call-count-reader.js';
import { createDynamoDbGuardClaims } from '../shared/adapters/dynamodb-guard-claims.js';
import { createDynamoDbOrgSnapshotStore } from '../shared/adapters/dynamodb-org-snapshot-store.js';
import { createOrganizationsClient } from '../shared/adapters/organizations-scp-source.js';
import { createPolicyDescriber } from '../shared/adapters/organizations-tree.js';
import { createSlackWebhookSender } from '../shared/adapters/slack-webhook.js';
import { createSnsTextPublisher } from '../shared/adapters/sns-text-publisher.js';
import { createWebhookUrlSource } from '../shared/adapters/webhook-secret.js';
import { dayBucketsBetween, hourBucketsBetween } from '../shared/core/alert/store-keys.js';
import { loadBundledCatalog } from '../shared/core/classify/profile-catalog.js';
import { listHours } from '../shared/core/digest/read-window.js';
import { processGuardEvent, renderGuardSlack, renderGuardSubject, renderGuardText, type GuardChannel, type GuardDependencies, type GuardOutcome } from '../shared/core/guard/index.js';
import { callCountsSeen, routesInUse } from '../shared/core/preflight/index.js';
import { loadGuardConfig } from '../shared/runtime/config.js';
import { METRIC_NAMES, countMetric, logger, withRuntime } from '../shared/runtime/middleware.js';

/** Builds the guard's dependencies from its configuration (once per cold start). */
export function buildGuardDependencies(env: Record<string, string | undefined> = process.env, clock: () => Date = () => new Date()): GuardDependencies {
  const config = loadGuardConfig(env);
  const dynamo = new DynamoDBClient({});
  const reader = createDynamoDbAggregateReader({
    client: dynamo,
    tableName: config.tableName,
    onInvalidItem: (item) => logger.warn('Stored aggregate skipped', { ...item }),
  });
  const calls = createDynamoDbCallCountReader({
    client: dynamo,
    tableName: config.tableName,
    onInvalidItem: (item) => logger.warn('Stored call count skipped', { ...item }),
  });
  const channels: Record<string, GuardChannel> = {};
  if (config.slack !== null) {
    const send = createSlackWebhookSender({ webhookUrl: createWebhookUrlSource(config.slack) });
    channels['slack'] = (alert) => send(renderGuardSlack(alert, config.locale));
  }
  if (config.topicArn !== null) {
    const sns = createSnsTextPublisher({ client: new SNSClient({}), topicArn: config.topicArn });
    channels['sns'] = async (alert) => {
      await sns.publish({ subject: renderGuardSubject(alert), text: renderGuardText(alert, config.locale) });
    };
  }
  return {
    claims: createDynamoDbGuardClaims({ client: dynamo, tableName: config.tableName }),
    snapshots: createDynamoDbOrgSnapshotStore({ client: dynamo, tableName: config.tableName }),
    describePolicy: config.orgReadRoleArn === null ? null : createPolicyDescriber(createOrganizationsClient({ roleArn: config.orgReadRoleArn, sessionName: 'cris-auditor-guard' })),
    routes: async () => {
      const now = clock();
      const since = new Date(now.getTime() - config.lookbackHours * 3_600_000);
      // Denials (hourly aggregates) and, from replays with `store`, every call: a profile whose
      // calls all succeed so far is exactly the one a change can break first.
      const [aggregates, counted] = await Promise.all([
        listHours(reader, hourBucketsBetween(since, now)),
        Promise.all(dayBucketsBetween(since, now).map((day) => calls.listDay(day))),
      ]);
      return routesInUse([...aggregates, ...callCountsSeen(counted.flat())], config.profiles);
    },
    channels,
    catalog: loadBundledCatalog(),
    lang: config.locale,
  };
}

/** Logs and counts one outcome; the CloudTrail event ID is already on every line. */
function report(outcome: GuardOutcome): void {
  if (outcome.outcome === 'ignored') {
    countMetric(METRIC_NAMES.eventsIgnored);
    logger.info('Organizations event ignored', { reason: outcome.reason });
  } else if (outcome.outcome === 'duplicate') {
    countMetric(METRIC_NAMES.duplicatesSkipped);
    logger.info('Duplicate delivery skipped', { state: outcome.state });
  } else if (outcome.outcome === 'skipped') {
    logger.warn('SCP change not judged', { reason: outcome.reason });
  } else if (outcome.outcome === 'no-flip') {
    logger.info('SCP change flips no route in use', { affectedTargets: outcome.affectedTargets, routes: outcome.routes, snapshotVersion: outcome.version });
  } else {
    countMetric(METRIC_NAMES.alertsSent);
    logger.info('SCP change alert sent', { breaks: outcome.breaks, repairs: outcome.repairs, channels: outcome.channels, alreadyDelivered: outcome.alreadyDelivered, snapshotVersion: outcome.version });
    for (const rejection of outcome.rejected) {
      countMetric(METRIC_NAMES.channelRejections);
      logger.error('Guard alert refused for good; recorded, not retried', { channel: rejection.channel, reason: rejection.reason });
    }
  }
}

/**
 * Creates the guard handler over `dependencies` (an object, or a factory called lazily on the first
 * invocation). EventBridge invokes it asynchronously: a thrown error makes Lambda retry the event,
 * then send it to the dead-letter queue; the claim makes every retry send nothing twice.
 */
export function createGuardHandler(dependencies: GuardDependencies | (() => GuardDependencies), options: { clock?: () => Date } = {}) {
  const clock = options.clock ?? (() => new Date());
  let resolved: GuardDependencies | null = typeof dependencies === 'function' ? null : dependencies;
  return withRuntime(
    async (event: unknown, context: Context): Promise<GuardOutcome> => {
      resolved ??= (dependencies as () => GuardDependencies)();
      const now = clock();
      const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 60_000;
      let outcome: GuardOutcome;
      try {
        outcome = await processGuardEvent(event, resolved, { now, leaseUntil: new Date(now.getTime() + remaining) });
      } catch (error) {
        countMetric(METRIC_NAMES.processingFailures);
        logger.error('Organizations event not processed; failing the invocation so Lambda retries it', error as Error);
        throw error;
      }
      report(outcome);
      return outcome;
    },
    { name: 'guard' },
  );
}

/** Lambda entry point (`functions/guard.handler`). */
export const handler = createGuardHandler(() => buildGuardDependencies());
