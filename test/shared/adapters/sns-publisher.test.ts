import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSnsNotifier, isPermanentSnsError, publishSnsMessage } from '../../../shared/adapters/sns-publisher.js';
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
    const body = JSON.parse(JSON.parse(sns.published[0]?.message ?? '{}').default);
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
    expect((error as Error).message).toBe(`SNS did not accept the alert for topic ${TOPIC_ARN}: InternalErrorException: injected failure`);
    expect((error as DeliveryError).permanent).toBe(false);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(sns.published).toHaveLength(0);
  });
});

describe('the loopback SNS enforces what real SNS refuses', () => {
  const client = () => new SNSClient({ endpoint: sns.endpoint, region: 'ap-northeast-1', maxAttempts: 1 });
  const base = { subject: 'cris-auditor test', attributes: { verdict: 'scp', accountId: '1', sourceRegion: 'a', deniedRegion: 'b', severity: 'low' } };

  it.each([
    ['a message of 256 KiB plus its attributes', JSON.stringify({ default: 'x'.repeat(262_144) }), 'Invalid parameter: Message too long'],
    ['a json structure without a default body', JSON.stringify({ email: 'text' }), 'Invalid parameter: Message Structure - No default entry in JSON message body'],
    ['a json structure that does not parse', '{"default": ', 'Invalid parameter: Message Structure - JSON message body failed to parse'],
  ])('refuses %s with 400 InvalidParameter, a permanent failure', async (_name, message, reason) => {
    // Act
    const error = await publishSnsMessage(client(), TOPIC_ARN, { ...base, message }).then(() => null, (failure: unknown) => failure as Error & { $metadata: { httpStatusCode: number } });

    // Assess
    expect(error?.name).toBe('InvalidParameterException');
    expect(error?.message).toBe(reason);
    expect(error?.$metadata.httpStatusCode).toBe(400);
    expect(isPermanentSnsError(error)).toBe(true);
    expect(sns.published).toHaveLength(0);
  });

  it('counts the attributes: a message that fits alone is refused with them', async () => {
    const attributes = { ...base.attributes, verdict: 'v'.repeat(200) };
    const room = 262_144 - Object.entries(attributes).reduce((sum, [name, value]) => sum + name.length + 'String'.length + value.length, 0);
    const fits = JSON.stringify({ default: 'x'.repeat(room - 14) });
    expect(fits.length).toBe(room);
    await publishSnsMessage(client(), TOPIC_ARN, { ...base, attributes, message: fits });
    await expect(publishSnsMessage(client(), TOPIC_ARN, { ...base, attributes, message: `${fits} ` })).rejects.toThrow('Message too long');
    expect(sns.published).toHaveLength(1);
  });

  it.each([
    ['403 AuthorizationError', { status: 403, code: 'AuthorizationError', message: 'User is not authorized to perform SNS:Publish' }, true],
    ['404 NotFound (topic deleted)', { status: 404, code: 'NotFound', message: 'Topic does not exist' }, true],
    ['400 Throttled', { status: 400, code: 'Throttled', message: 'Rate exceeded' }, false],
    ['500 InternalError', { status: 500, code: 'InternalError', message: 'injected failure' }, false],
  ])('tells a permanent refusal from a transient one: %s', async (_name, fault, permanent) => {
    sns.failWith(fault);
    const error = await notifier(1)
      .notify({ finding: crossRegionFinding(), fingerprint: 'e'.repeat(32), repeats: 0 })
      .then(() => null, (reason: unknown) => reason as DeliveryError);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error?.permanent).toBe(permanent);
    expect(error?.message).toContain(fault.message);
  });
});
