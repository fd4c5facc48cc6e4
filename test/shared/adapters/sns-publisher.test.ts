import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSnsNotifier } from '../../../shared/adapters/sns-publisher.js';
import { DeliveryError } from '../../../shared/core/errors.js';
import { crossRegionFinding, hostileFinding } from '../core/render/findings.js';
import { startSnsServer, type SnsServer } from '../../helpers/sns-server.js';

const TOPIC_ARN = 'arn:aws:sns:ap-northeast-1:111122223333:alerts';
let sns: SnsServer;

function notifier(maxAttempts = 3) {
  return createSnsNotifier({ client: new SNSClient({ endpoint: sns.endpoint, region: 'ap-northeast-1', maxAttempts }), topicArn: TOPIC_ARN, lang: 'en' });
}

beforeAll(async () => {
  sns = await startSnsServer();
});
afterAll(async () => {
  await sns.stop();
});
beforeEach(() => {
  sns.published.length = 0;
  sns.failWith500(0);
});

describe('createSnsNotifier', () => {
  it('publishes once with a subject, a json message structure and the five filter attributes', async () => {
    await notifier().notify({ finding: crossRegionFinding(), fingerprint: 'a'.repeat(32), repeats: 0 });
    expect(sns.published).toHaveLength(1);
    const [publish] = sns.published;
    expect(publish?.subject).toBe('[cris-auditor] high cross-region-scp 111122223333 ap-northeast-1 -> ap-southeast-1');
    expect(publish?.messageStructure).toBe('json');
    expect(Object.keys(JSON.parse(publish?.message ?? '{}'))).toContain('default');
    expect(Object.fromEntries(Object.entries(publish?.attributes ?? {}).map(([name, value]) => [name, value.stringValue]))).toEqual({
      verdict: 'cross-region-scp',
      accountId: '111122223333',
      sourceRegion: 'ap-northeast-1',
      deniedRegion: 'ap-southeast-1',
      severity: 'high',
    });
  });

  it('carries hostile text through intact in the machine body (JSON-escaped, not altered)', async () => {
    await notifier().notify({ finding: hostileFinding(), fingerprint: 'b'.repeat(32), repeats: 0 });
    const body = JSON.parse(JSON.parse(sns.published[0]?.message ?? '{}').sqs);
    expect(body.finding.principalArn).toBe(hostileFinding().principalArn);
  });

  it('survives a 500 through the SDK retry and publishes once', async () => {
    sns.failWith500(1);
    await notifier().notify({ finding: crossRegionFinding(), fingerprint: 'c'.repeat(32), repeats: 0 });
    expect(sns.published).toHaveLength(1);
  });

  it('throws DeliveryError with the SDK error as cause when SNS keeps failing', async () => {
    sns.failWith500();
    const error = await notifier(2)
      .notify({ finding: crossRegionFinding(), fingerprint: 'd'.repeat(32), repeats: 0 })
      .then(() => null, (reason: unknown) => reason);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toBe(`SNS did not accept the alert for topic ${TOPIC_ARN}: InternalErrorException`);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(sns.published).toHaveLength(0);
  });
});
