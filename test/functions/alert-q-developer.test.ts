import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildAlertDependencies, createAlertHandler } from '../../functions/alert.js';
import { createDynamoDbAlertStore } from '../../shared/adapters/dynamodb-alert-store.js';
import { createQDeveloperNotifier } from '../../shared/adapters/q-developer-publisher.js';
import { createSnsNotifier } from '../../shared/adapters/sns-publisher.js';
import { classifyRecord } from '../../shared/core/classify/classify.js';
import { DeliveryError } from '../../shared/core/errors.js';
import { suggestFix } from '../../shared/core/fix/suggest-fix.js';
import type { ProcessAlertDependencies } from '../../shared/core/alert/process.js';
import { loadBundledCatalog } from '../../shared/core/classify/profile-catalog.js';
import type { LocalDynamoDb } from '../helpers/dynalite.js';
import { DYNAMODB_LOCAL_START_TIMEOUT_MS, startTransactionalDynamoDb } from '../helpers/dynamodb-local.js';
import { loadEvent } from '../helpers/load-event.js';
import { inspectQDeveloperTopic } from '../helpers/q-developer-schema.js';
import { startSnsServer, type SnsServer } from '../helpers/sns-server.js';

/** The alert function with the Amazon Q Developer channel: schema-valid notifications, threaded, delivered on their own. */

const ALERT_TOPIC = 'arn:aws:sns:ap-northeast-1:111122223333:cris-auditor-alerts';
const CHAT_TOPIC = 'arn:aws:sns:ap-northeast-1:111122223333:cris-auditor-chat';
const SAMPLE = 'eventbridge/cross-region-scp-apac-converse.json';
const catalog = loadBundledCatalog();
type Sample = { detail: Record<string, any> & { eventID: string } };

let db: LocalDynamoDb;
let sns: SnsServer;
let tableName: string;
let counter = 0;
const context = { functionName: 'cris-auditor-test-alert', awsRequestId: 'request-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

function sampleEvent(eventId: string, change?: (event: Sample) => void): Sample {
  const event = loadEvent<Sample>(SAMPLE);
  event.detail.eventID = eventId;
  change?.(event);
  return event;
}

function dependencies(qDeveloperClient = new SNSClient({ endpoint: sns.endpoint, region: 'ap-northeast-1', maxAttempts: 1 })): ProcessAlertDependencies {
  return {
    store: createDynamoDbAlertStore({ client: db.client, tableName }),
    notifiers: {
      sns: createSnsNotifier({ client: new SNSClient({ endpoint: sns.endpoint, region: 'ap-northeast-1', maxAttempts: 1 }), topicArn: ALERT_TOPIC, lang: 'en' }),
      'q-developer': createQDeveloperNotifier({ client: qDeveloperClient, topicArn: CHAT_TOPIC, lang: 'en' }),
    },
    classify: (record) => classifyRecord(record, { catalog }),
    suggestFix: (finding) => suggestFix(finding, { catalog, lang: 'en' }),
    windowMinutes: 60,
  };
}

const chatPublishes = () => sns.published.filter((publish) => publish.topicArn === CHAT_TOPIC);

beforeAll(async () => {
  [db, sns] = await Promise.all([startTransactionalDynamoDb(), startSnsServer({ inspect: inspectQDeveloperTopic(CHAT_TOPIC) })]);
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all([db.stop(), sns.stop()]);
});
beforeEach(async () => {
  counter += 1;
  tableName = `alerts-q-${counter}`;
  await db.createTable(tableName);
  sns.published.length = 0;
  sns.failWith500(0);
});

describe('alert handler with the Amazon Q Developer channel', () => {
  it('publishes one schema-valid custom notification threaded by the fingerprint, beside the SNS alert', async () => {
    const outcome = await createAlertHandler(dependencies())(sampleEvent('evt-q-1'), context);
    expect(outcome).toMatchObject({ outcome: 'sent', channels: ['sns', 'q-developer'] });
    const [chat] = chatPublishes();
    expect(chat?.problem).toBeNull();
    const event = JSON.parse(chat?.message ?? '{}');
    expect(event.metadata.threadId).toBe(outcome.outcome === 'sent' ? outcome.fingerprint : '?');
    expect(event.id).toBe('evt-q-1');
    expect(event.metadata.additionalContext).toMatchObject({ accountId: '111122223333', sourceRegion: 'ap-northeast-1' });
  });

  it('keeps hostile record fields inert and out of additionalContext', async () => {
    await createAlertHandler(dependencies())(
      sampleEvent('evt-q-hostile', (sample) => {
        sample.detail.userIdentity.arn = 'arn:aws:sts::111122223333:assumed-role/app/<!channel> <https://evil.example|x>';
        sample.detail.userAgent = 'ua `x` <@U1> https://evil.example';
        sample.detail.requestParameters.modelId = 'apac.x"}, "y": "<!here>';
      }),
      context,
    );
    const [chat] = chatPublishes();
    expect(chat?.problem).toBeNull();
    expect(chat?.message).not.toContain('https://evil');
    expect(JSON.parse(chat?.message ?? '{}').metadata.additionalContext.profileId).toBeUndefined();
  });

  it('retries only the Q Developer channel when its publish failed and SNS already has the alert', async () => {
    // Prepare: the chat topic's client reaches a closed port
    const closed = await startSnsServer();
    await closed.stop();
    const failing = createAlertHandler(dependencies(new SNSClient({ endpoint: closed.endpoint, region: 'ap-northeast-1', maxAttempts: 1 })));

    // Act
    const failure = await failing(sampleEvent('evt-q-retry'), context).then(() => null, (error: unknown) => error);
    const retry = await createAlertHandler(dependencies())(sampleEvent('evt-q-retry'), context);

    // Assess
    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as Error).message).toMatch(/^alert delivery failed on q-developer \(DeliveryError: SNS did not accept the Q Developer notification/);
    expect(retry).toMatchObject({ outcome: 'sent', channels: ['q-developer'], alreadyDelivered: ['sns'] });
    expect(sns.published.filter((publish) => publish.topicArn === ALERT_TOPIC)).toHaveLength(1);
    expect(chatPublishes()).toHaveLength(1);
  });

  it('builds the channel from Q_DEVELOPER_TOPIC_ARN, in Japanese with LOCALE=ja', async () => {
    vi.stubEnv('TABLE_NAME', tableName);
    vi.stubEnv('Q_DEVELOPER_TOPIC_ARN', CHAT_TOPIC);
    vi.stubEnv('LOCALE', 'ja');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.endpoint);
    try {
      const outcome = await createAlertHandler(() => buildAlertDependencies())(sampleEvent('evt-q-env'), context);
      expect(outcome).toMatchObject({ outcome: 'sent', channels: ['q-developer'] });
    } finally {
      vi.unstubAllEnvs();
    }
    const [chat] = chatPublishes();
    expect(chat?.problem).toBeNull();
    expect(JSON.parse(chat?.message ?? '{}').content.title).toBe('🔴 クロスリージョン推論がリージョン制限 SCP で拒否されました');
  });
});
