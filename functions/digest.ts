import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { createDynamoDbAggregateReader } from '../shared/adapters/dynamodb-aggregate-reader.js';
import { createDynamoDbDigestLedger } from '../shared/adapters/dynamodb-digest-ledger.js';
import { createDynamoDbCallCountReader } from '../shared/adapters/dynamodb-call-count-reader.js';
import { createDynamoDbOrgSnapshotReader } from '../shared/adapters/dynamodb-org-snapshot-reader.js';
import { loadBundledCatalog, type ProfileCatalog } from '../shared/core/classify/profile-catalog.js';
import { createSesMailer } from '../shared/adapters/ses-mailer.js';
import { createQDeveloperDigestPublisher } from '../shared/adapters/q-developer-publisher.js';
import { createSnsTextPublisher } from '../shared/adapters/sns-text-publisher.js';
import { parseDigestConfig, type DigestConfig } from '../shared/core/digest/config.js';
import type { DigestLedger, DigestSnapshotSource, DigestSummaryPublisher, Mailer, TextPublisher } from '../shared/core/digest/ports.js';
import { computeDigestWindow, digestInvocationTime } from '../shared/core/digest/schedule.js';
import { sendDigest, type DigestOutcome } from '../shared/core/digest/send-digest.js';
import { ConfigurationError, InputError } from '../shared/core/errors.js';
import type { AggregateReader, CallCountReader } from '../shared/core/ports.js';
import { oncePerColdStart } from '../shared/runtime/config.js';
import { logger, withRuntime } from '../shared/runtime/middleware.js';

/** What the digest handler needs; tests pass local clients, the Lambda builds them from the environment. */
export interface DigestDependencies {
  config: DigestConfig;
  reader: AggregateReader;
  mailer: Mailer | null;
  publisher: TextPublisher | null;
  /** The Amazon Q Developer summary (`Q_DEVELOPER_TOPIC_ARN`); absent or null when not configured. */
  summaryPublisher?: DigestSummaryPublisher | null;
  /** Remembers sent windows so retries do not mail twice; `null` disables the check. */
  ledger: DigestLedger | null;
  now: () => Date;
  /** The per-day call counts replays store (the failure-rate section); absent or null: no such section. */
  callReader?: CallCountReader | null;
  /** The "will break" section: the stored organization snapshot (null: the stack keeps none) and the catalog; absent: no section. */
  readiness?: { snapshots: DigestSnapshotSource | null; catalog: ProfileCatalog; configured?: readonly { profile: string; sourceRegion: string }[] } | null;
}

/** `{"force": true}` in the payload re-sends a window whose digest already went out. */
function isForced(event: unknown): boolean {
  return typeof event === 'object' && event !== null && (event as Record<string, unknown>)['force'] === true;
}

/** The digest handler: invocation time → window → read, build, render, send (see `sendDigest`). */
export function createDigestHandler(deps: DigestDependencies): (event: unknown) => Promise<DigestOutcome> {
  return async function digest(event) {
    const now = deps.now();
    const invocation = digestInvocationTime(event, now);
    if (!invocation.ok) throw new InputError(invocation.reason);
    const window = computeDigestWindow({ now: invocation.value.time, timeZone: deps.config.timeZone });
    if (!window.ok) throw new ConfigurationError(window.reason);
    const { config } = deps;
    const outcome = await sendDigest({
      window: window.value,
      lang: config.lang,
      emptyDay: config.emptyDay,
      recipients: config.recipients,
      reader: deps.reader,
      mailer: deps.mailer,
      publisher: deps.publisher,
      summaryPublisher: deps.summaryPublisher ?? null,
      ledger: deps.ledger,
      now,
      force: isForced(event),
      callReader: deps.callReader ?? null,
      readiness: deps.readiness ?? null,
    });
    logger.info('digest finished', { status: outcome.status, from: outcome.window.from, to: outcome.window.to, timeSource: invocation.value.source, denials: outcome.totals.count, fingerprints: outcome.totals.fingerprints, emailMessageId: outcome.email?.messageId ?? null });
    if (outcome.topic?.ok === false) logger.error('digest topic publish failed', { reason: outcome.topic.reason });
    if (outcome.chat?.ok === false) logger.error('digest Q Developer summary publish failed', { reason: outcome.chat.reason });
    if (outcome.ledgerError !== null) logger.error('digest sent marker not written', { reason: outcome.ledgerError });
    return outcome;
  };
}

/** Builds the dependencies from `process.env` (endpoints from the SDK's `AWS_ENDPOINT_URL_*`). */
export function dependenciesFromEnvironment(env: Record<string, string | undefined> = process.env): DigestDependencies {
  const parsed = parseDigestConfig(env);
  if (!parsed.ok) throw new ConfigurationError(`Invalid configuration of the digest function: ${parsed.reason}`);
  const config = parsed.value;
  const dynamodb = new DynamoDBClient({});
  const reader = createDynamoDbAggregateReader({
    client: dynamodb,
    tableName: config.tableName,
    onInvalidItem: (item) => logger.warn('skipped invalid aggregate item', { ...item }),
  });
  const mailer = config.recipients.length > 0 ? createSesMailer({ client: new SESv2Client({}), from: config.sender }) : null;
  const publisher = config.topicArn === null ? null : createSnsTextPublisher({ client: new SNSClient({}), topicArn: config.topicArn });
  const ledger = createDynamoDbDigestLedger({ client: dynamodb, tableName: config.tableName });
  const chatTopic = env['Q_DEVELOPER_TOPIC_ARN']?.trim() || null;
  if (chatTopic !== null && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/.test(chatTopic)) {
    throw new ConfigurationError(`Invalid configuration of the digest function: Q_DEVELOPER_TOPIC_ARN is not an SNS topic ARN: "${chatTopic.slice(0, 80)}"`);
  }
  const summaryPublisher = chatTopic === null ? null : createQDeveloperDigestPublisher({ client: new SNSClient({}), topicArn: chatTopic });
  const callReader = createDynamoDbCallCountReader({ client: dynamodb, tableName: config.tableName, onInvalidItem: (item) => logger.warn('skipped invalid call-count item', { ...item }) });
  // The snapshot the daily refresh and the guard keep in the same table (read-only here).
  const snapshotReader = createDynamoDbOrgSnapshotReader({ client: dynamodb, tableName: config.tableName });
  const readiness = { snapshots: { load: async () => (await snapshotReader.load())?.snapshot ?? null }, catalog: loadBundledCatalog(), configured: config.profilesInUse };
  return { config, reader, mailer, publisher, summaryPublisher, ledger, now: () => new Date(), callReader, readiness };
}

const digestHandler = oncePerColdStart(() => createDigestHandler(dependenciesFromEnvironment()));

/** Lambda entry point (EventBridge Scheduler target). */
export const handler = withRuntime((event: unknown) => digestHandler.get()(event), {
  name: 'digest',
  eventId: (event) => {
    const fields = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
    const id = fields['scheduledTime'] ?? fields['id'];
    return typeof id === 'string' ? id : undefined;
  },
});
