import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { createBedrockDestinationResolver } from '../shared/adapters/bedrock-profile-resolver.js';
import { createDynamoDbAlertStore } from '../shared/adapters/dynamodb-alert-store.js';
import { DeliveryError } from '../shared/core/errors.js';
import { createLiveClassifier } from '../shared/core/classify/live-classifier.js';
import { processAlertEvent, type AlertOutcome, type ProcessAlertDependencies } from '../shared/core/alert/process.js';
import { loadBundledCatalog } from '../shared/core/classify/profile-catalog.js';
import { loadAlertConfig } from '../shared/runtime/config.js';
import { createToolboxFor, fixFromSources } from '../shared/runtime/authoritative-fix.js';
import { createAlertChannels, createScpSourceFor } from '../shared/runtime/dependencies.js';
import { METRIC_NAMES, countDenial, countMetric, logger, withRuntime } from '../shared/runtime/middleware.js';

/** Builds the alert function's dependencies from its configuration (once per cold start). */
export function buildAlertDependencies(env: Record<string, string | undefined> = process.env): ProcessAlertDependencies {
  const config = loadAlertConfig(env);
  const catalog = loadBundledCatalog();
  const scpSource = createScpSourceFor(config.orgReadRoleArn);
  const toolbox = createToolboxFor(config.authoritative);
  return {
    store: createDynamoDbAlertStore({ client: new DynamoDBClient({}), tableName: config.tableName }),
    notifiers: createAlertChannels(config),
    classify: createLiveClassifier({
      catalog,
      resolve: createBedrockDestinationResolver(),
      onUnresolved: (profileId, sourceRegion, reason) => logger.warn('Profile destinations approximate', { profileId, sourceRegion, reason }),
    }),
    // SCPs as IAM recorded them (authorization ID in the message), else from Organizations, else none.
    suggestFix: (finding) =>
      fixFromSources(finding, config.locale, {
        catalog,
        toolbox,
        ...(scpSource === null ? {} : { scpsForAccount: (accountId: string) => scpSource.scpsForAccount(accountId) }),
      }),
    windowMinutes: config.suppressionWindowMinutes,
  };
}

/** Logs and counts one outcome; the event ID is already on every line. */
function report(outcome: AlertOutcome): void {
  if (outcome.outcome === 'ignored') {
    countMetric(METRIC_NAMES.eventsIgnored);
    logger.info('Event ignored', { reason: outcome.reason });
    return;
  }
  if (outcome.outcome === 'duplicate') {
    countMetric(METRIC_NAMES.duplicatesSkipped);
    logger.info('Duplicate delivery skipped', { state: outcome.state, rejected: outcome.rejected });
    return;
  }
  if (outcome.malformed !== null) logger.warn('Malformed event recorded as unknown', { reason: outcome.malformed });
  if (outcome.fixError !== null) logger.error('Fix engine failed; alert sent without a fix', { error: outcome.fixError });
  countDenial(outcome.finding.verdict);
  const facts = { verdict: outcome.finding.verdict, fingerprint: outcome.fingerprint, accountId: outcome.finding.accountId };
  if (outcome.outcome === 'sent') {
    countMetric(METRIC_NAMES.alertsSent);
    logger.info('Alert sent', { ...facts, repeats: outcome.repeats, channels: outcome.channels, alreadyDelivered: outcome.alreadyDelivered });
    for (const rejection of outcome.rejected) {
      countMetric(METRIC_NAMES.channelRejections);
      logger.error('Alert channel refused the message for good; recorded, not retried', { ...facts, channel: rejection.channel, reason: rejection.reason });
    }
  } else {
    countMetric(METRIC_NAMES.alertsSuppressed);
    logger.info('Alert suppressed', { ...facts, nextAlertAt: outcome.nextAlertAt });
  }
}

/**
 * Fails the invocation when a channel refused the alert for good, so the event reaches the DLQ (the
 * `onFailure` destination) with the reason. Lambda's retries of it are duplicates: they send
 * nothing and fail the same way, so no channel gets the alert twice.
 */
function failOnRejection(outcome: AlertOutcome): void {
  const rejected = outcome.outcome === 'sent' || (outcome.outcome === 'duplicate' && outcome.state === 'done') ? outcome.rejected : [];
  if (rejected.length === 0) return;
  const reasons = rejected.map((rejection) => `${rejection.channel} (${rejection.reason})`).join(', ');
  throw new DeliveryError(`alert refused for good by ${reasons}; recorded on the event, not sent again`, { permanent: true });
}

/**
 * Creates the alert handler over `dependencies` (an object, or a factory called lazily on the first
 * invocation and kept for the life of the execution environment). Tests pass their own.
 */
export function createAlertHandler(
  dependencies: ProcessAlertDependencies | (() => ProcessAlertDependencies),
  options: { clock?: () => Date } = {},
) {
  const clock = options.clock ?? (() => new Date());
  let resolved: ProcessAlertDependencies | null = typeof dependencies === 'function' ? null : dependencies;
  return withRuntime(
    async (event: unknown, context: Context): Promise<AlertOutcome> => {
      resolved ??= (dependencies as () => ProcessAlertDependencies)();
      const now = clock();
      const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 60_000;
      let outcome: AlertOutcome;
      try {
        outcome = await processAlertEvent(event, resolved, { now, leaseUntil: new Date(now.getTime() + remaining) });
      } catch (error) {
        countMetric(METRIC_NAMES.processingFailures);
        logger.error('Event not processed; failing the invocation so Lambda retries it, then dead-letters it', error as Error);
        throw error;
      }
      report(outcome);
      failOnRejection(outcome);
      return outcome;
    },
    { name: 'alert' },
  );
}

/** Lambda entry point (`functions/alert.handler`). */
export const handler = createAlertHandler(() => buildAlertDependencies());
