import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createQDeveloperDigestPublisher, createQDeveloperNotifier } from '../../../shared/adapters/q-developer-publisher.js';
import { buildDigest } from '../../../shared/core/digest/aggregate.js';
import { computeDigestWindow } from '../../../shared/core/digest/schedule.js';
import { DeliveryError } from '../../../shared/core/errors.js';
import { crossRegionFinding, hostileFinding } from '../core/render/findings.js';
import { makeAggregate, makeFinding, makeFix } from '../core/digest/digest-fixtures.js';
import { inspectQDeveloperTopic } from '../../helpers/q-developer-schema.js';
import { startSnsServer, type SnsServer } from '../../helpers/sns-server.js';

const CHAT_TOPIC = 'arn:aws:sns:ap-northeast-1:111122223333:cris-auditor-chat';
let sns: SnsServer;
const client = () => new SNSClient({ endpoint: sns.endpoint, region: 'ap-northeast-1', maxAttempts: 1 });

beforeAll(async () => {
  sns = await startSnsServer({ inspect: inspectQDeveloperTopic(CHAT_TOPIC) });
});
afterAll(async () => {
  await sns.stop();
});
beforeEach(() => {
  sns.published.length = 0;
  sns.failWith500(0);
});

describe('createQDeveloperNotifier', () => {
  it.each([
    ['a cross-Region SCP denial in English', crossRegionFinding(), 'en' as const],
    ['a cross-Region SCP denial in Japanese', crossRegionFinding(), 'ja' as const],
    ['hostile text in every field', hostileFinding(), 'en' as const],
  ])('publishes %s as the raw message, valid against the custom-notification schema', async (_name, finding, lang) => {
    await createQDeveloperNotifier({ client: client(), topicArn: CHAT_TOPIC, lang }).notify({ finding, fingerprint: 'c'.repeat(32), repeats: 0 });
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]).toMatchObject({ topicArn: CHAT_TOPIC, messageStructure: null, subject: null, problem: null });
    expect(JSON.parse(sns.published[0]?.message ?? '{}').metadata.threadId).toBe('c'.repeat(32));
  });

  it('fails with DeliveryError naming the topic when SNS refuses', async () => {
    sns.failWith500();
    const error = await createQDeveloperNotifier({ client: client(), topicArn: CHAT_TOPIC, lang: 'en' })
      .notify({ finding: crossRegionFinding(), fingerprint: 'c'.repeat(32), repeats: 0 })
      .then(() => null, (reason: unknown) => reason);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toMatch(/^SNS did not accept the Q Developer notification for topic arn:aws:sns:ap-northeast-1:111122223333:cris-auditor-chat: /);
  });
});

describe('createQDeveloperDigestPublisher', () => {
  it('publishes the built digest as one schema-valid summary', async () => {
    // Prepare
    const window = computeDigestWindow({ now: new Date('2026-11-28T00:00:05Z'), timeZone: 'Asia/Tokyo' });
    if (!window.ok) throw new Error(window.reason);
    const finding = makeFinding({ fix: makeFix() });
    const digest = buildDigest({ window: window.value, current: [makeAggregate({ time: '2026-11-27T03:00:00Z', finding, count: 7 })], previous: [] });

    // Act
    const result = await createQDeveloperDigestPublisher({ client: client(), topicArn: CHAT_TOPIC }).publish(digest, 'ja');

    // Assess
    expect(result.messageId).toBe(sns.published[0]?.messageId);
    expect(sns.published[0]?.problem).toBeNull();
    const event = JSON.parse(sns.published[0]?.message ?? '{}');
    expect(event.content.title).toMatch(/^📋 cris-auditor 日次ダイジェスト \d{4}-\d{2}-\d{2}: 拒否 7 件/);
    expect(event.metadata.eventType).toBe('CrisAuditorDigest');
  });
});
