import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SNS_TEXT_MAX_BYTES, createSnsTextPublisher, fitUtf8 } from '../../../shared/adapters/sns-text-publisher.js';
import { DeliveryError } from '../../../shared/core/errors.js';
import { startSnsServer, type SnsServer } from '../../helpers/sns-server.js';

const TOPIC = 'arn:aws:sns:ap-northeast-1:111122223333:cris-digest';

describe('createSnsTextPublisher', () => {
  let sns: SnsServer;
  let client: SNSClient;

  beforeAll(async () => {
    sns = await startSnsServer();
    client = new SNSClient({ endpoint: sns.endpoint, region: 'ap-northeast-1', maxAttempts: 1 });
  });
  beforeEach(() => {
    sns.published.length = 0;
  });
  afterAll(async () => {
    client.destroy();
    await sns.stop();
  });

  it('publishes the text as a raw message with its subject', async () => {
    // Act
    const result = await createSnsTextPublisher({ client, topicArn: TOPIC }).publish({ subject: 'digest 2026-11-28', text: '拒否 3 件\n' });

    // Assess
    expect(sns.published).toEqual([{ topicArn: TOPIC, subject: 'digest 2026-11-28', message: '拒否 3 件\n', messageStructure: null, attributes: {}, messageId: result.messageId }]);
  });

  it('cuts a digest larger than SNS accepts on a character boundary and says so', async () => {
    // Prepare: 3-byte characters, well over 256 KiB
    const text = '拒'.repeat(120_000);

    // Act
    await createSnsTextPublisher({ client, topicArn: TOPIC }).publish({ subject: 's', text });

    // Assess
    const message = sns.published[0]?.message ?? '';
    expect(Buffer.byteLength(message, 'utf8')).toBeLessThanOrEqual(SNS_TEXT_MAX_BYTES);
    const kept = Array.from(/^拒+/.exec(message)?.[0] ?? '').length;
    expect(kept).toBeGreaterThan(80_000);
    expect(message.slice(kept)).toBe(`\n…(${120_000 - kept} characters cut)\nThe full digest is in the email.\n`);
  });

  it('turns a refusal into a DeliveryError naming the topic', async () => {
    // Prepare
    sns.failWith500(1);

    // Act
    const error = await createSnsTextPublisher({ client, topicArn: TOPIC }).publish({ subject: 's', text: 't' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toBe(`SNS did not accept the digest for topic ${TOPIC}: InternalErrorException`);
  });
});

describe('fitUtf8', () => {
  it.each([
    { name: 'short text unchanged', text: 'abc', max: 10, expected: 'abc' },
    { name: 'never splits a surrogate pair', text: '😀'.repeat(30), max: 80, expected: `${'😀'.repeat(5)}\n…(25 characters cut)\nThe full digest is in the email.\n` },
  ])('keeps $name', ({ text, max, expected }) => {
    expect(fitUtf8(text, max)).toBe(expected);
  });
});
