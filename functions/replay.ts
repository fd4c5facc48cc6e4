import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { createCloudTrailClientFactory, createCloudTrailLookup } from '../shared/adapters/cloudtrail-lookup.js';
import { createDynamoDbAlertStore } from '../shared/adapters/dynamodb-alert-store.js';
import { createSlackNotifier } from '../shared/adapters/slack-webhook.js';
import { createSnsNotifier } from '../shared/adapters/sns-publisher.js';
import { createWebhookUrlSource } from '../shared/adapters/webhook-secret.js';
import { classifyRecord, isBedrockDenial } from '../shared/core/classify.js';
import { LANGUAGES } from '../shared/core/constants.js';
import { suggestFix } from '../shared/core/fix/suggest-fix.js';
import type { AggregateWriter, Notifier } from '../shared/core/ports.js';
import { loadBundledCatalog } from '../shared/core/profile-catalog.js';
import type { EventLookup } from '../shared/core/replay/lookup-port.js';
import { parseReplayPayload, type ReplayPayload } from '../shared/core/replay/payload.js';
import type { ReplayReport } from '../shared/core/replay/report.js';
import { runReplay } from '../shared/core/replay/run-replay.js';
import type { Finding, Fix, Language } from '../shared/core/types.js';
import { parseEnvironment } from '../shared/runtime/config.js';
import { logger, withRuntime } from '../shared/runtime/middleware.js';

/** What the replay handler needs; tests pass their own, `handler` builds them from the environment. */
export interface ReplayDependencies {
  lookup: EventLookup;
  classify(record: unknown): Finding | null;
  suggestFix?: (finding: Finding, lang: Language) => Fix | null;
  writer: AggregateWriter | null;
  notifier: Notifier | null;
  defaultRegions: string[];
  lang: Language;
  /** The current time for validating windows (tests pin it); the deadline always uses the wall clock. */
  now?: () => number;
  /**
   * Time kept free before the Lambda deadline; default 10% of the remaining time (1 to 20 s), plus
   * 10 s with `store` and 30 s with `notify`, at most half the remaining time.
   */
  safetyMarginMs?: number;
}

/** The answer of an invocation: the report and the payload that continues it, or the refusal. */
export type ReplayResponse =
  | { ok: true; report: ReplayReport; next: ReplayPayload | null }
  | { ok: false; field: string; reason: string };

const optionalText = z.string().trim().transform((v) => (v === '' ? undefined : v)).optional();

const replayEnvironment = z.object({
  TABLE_NAME: optionalText,
  REPLAY_REGIONS: optionalText,
  REPLAY_ROLE_NAME: optionalText.pipe(z.string().regex(/^[\w+=,.@/-]{1,64}$/, 'must be an IAM role name').optional()),
  LOCALE: optionalText.pipe(z.enum(LANGUAGES, { error: `must be one of ${LANGUAGES.join(', ')}` }).optional()),
  ALERT_TOPIC_ARN: optionalText,
  SLACK_WEBHOOK_URL: optionalText,
  SLACK_WEBHOOK_SECRET_ARN: optionalText,
  SLACK_WEBHOOK_PARAMETER_NAME: optionalText,
  AWS_REGION: optionalText,
});

/** Sends an alert to every configured channel; fails when any channel failed. */
function fanOut(notifiers: Notifier[]): Notifier | null {
  if (notifiers.length === 0) return null;
  return {
    async notify(alert) {
      const results = await Promise.allSettled(notifiers.map((n) => n.notify(alert)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
  };
}

/** Builds the replay's dependencies from its environment (once per cold start). */
export function buildReplayDependencies(env: Record<string, string | undefined> = process.env): ReplayDependencies {
  const config = parseEnvironment(replayEnvironment, env, 'replay');
  const lang = config.LOCALE ?? 'en';
  const slackSource = config.SLACK_WEBHOOK_SECRET_ARN !== undefined
    ? { secretArn: config.SLACK_WEBHOOK_SECRET_ARN }
    : config.SLACK_WEBHOOK_PARAMETER_NAME !== undefined
      ? { parameterName: config.SLACK_WEBHOOK_PARAMETER_NAME }
      : config.SLACK_WEBHOOK_URL !== undefined ? { url: config.SLACK_WEBHOOK_URL } : null;
  const notifiers: Notifier[] = [];
  if (slackSource !== null) notifiers.push(createSlackNotifier({ webhookUrl: createWebhookUrlSource(slackSource), lang }));
  if (config.ALERT_TOPIC_ARN !== undefined) notifiers.push(createSnsNotifier({ client: new SNSClient({}), topicArn: config.ALERT_TOPIC_ARN, lang }));
  const catalog = loadBundledCatalog();
  return {
    lookup: createCloudTrailLookup({ clientFor: createCloudTrailClientFactory({ roleName: config.REPLAY_ROLE_NAME ?? null }) }),
    classify: (record) => (isBedrockDenial(record) ? classifyRecord(record, { catalog }) : null),
    suggestFix: (finding, fixLang) => suggestFix(finding, { catalog, lang: fixLang }),
    writer: config.TABLE_NAME === undefined ? null : createDynamoDbAlertStore({ client: new DynamoDBClient({}), tableName: config.TABLE_NAME }),
    notifier: fanOut(notifiers),
    defaultRegions: (config.REPLAY_REGIONS ?? config.AWS_REGION ?? '').split(',').map((r) => r.trim()).filter((r) => r !== ''),
    lang,
  };
}

/** Creates the replay handler over `dependencies` (or a factory called once, lazily). */
export function createReplayHandler(dependencies: ReplayDependencies | (() => ReplayDependencies)) {
  let deps: ReplayDependencies | null = typeof dependencies === 'function' ? null : dependencies;
  return withRuntime(
    async (event: unknown, context: Context): Promise<ReplayResponse> => {
      deps ??= (dependencies as () => ReplayDependencies)();
      const started = Date.now();
      const parsed = parseReplayPayload(event, { now: (deps.now ?? Date.now)(), defaultRegions: deps.defaultRegions });
      if (!parsed.ok) {
        logger.warn('Replay payload refused', { field: parsed.field, reason: parsed.reason });
        return parsed;
      }
      const request = parsed.value;
      const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 60_000;
      // Time kept after the last CloudTrail request: answering, plus writing and sending when asked.
      const afterwork = request.dryRun ? 0 : (request.store ? 10_000 : 0) + (request.notify ? 30_000 : 0);
      const margin = deps.safetyMarginMs ?? Math.min(remaining / 2, Math.min(20_000, Math.max(1_000, remaining * 0.1)) + afterwork);
      const lang = request.lang ?? deps.lang;
      const suggest = deps.suggestFix;
      const report = await runReplay(request, {
        lookup: deps.lookup,
        isDenial: isBedrockDenial,
        classify: deps.classify,
        suggestFix: suggest === undefined ? undefined : (finding) => suggest(finding, lang),
        writer: deps.writer,
        notifier: deps.notifier,
        deadline: started + remaining - margin,
      });
      for (const error of report.errors) logger.warn('Replay stream failed', { account: error.account, region: error.region, error: error.message });
      logger.info('Replay finished', {
        window: report.window, complete: report.complete, recordsScanned: report.recordsScanned, denials: report.denials,
        crossRegionScpGroups: report.crossRegionScpGroups.length, errors: report.errors.length, durationMs: Date.now() - started,
      });
      const next: ReplayPayload | null = report.resume === null ? null : {
        resume: report.resume,
        store: request.store,
        notify: request.notify,
        dryRun: request.dryRun,
        ...(request.maxEvents === null ? {} : { maxEvents: request.maxEvents }),
        ...(request.lang === null ? {} : { lang: request.lang }),
      };
      return { ok: true, report, next };
    },
    { name: 'replay', eventId: () => undefined },
  );
}

/** Lambda entry point (`functions/replay.handler`). */
export const handler = createReplayHandler(() => buildReplayDependencies());
