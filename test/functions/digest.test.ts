import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDigestHandler, handler, type DigestDependencies } from '../../functions/digest.js';
import { createDynamoDbAggregateReader } from '../../shared/adapters/dynamodb-aggregate-reader.js';
import { createDynamoDbDigestLedger } from '../../shared/adapters/dynamodb-digest-ledger.js';
import { createSesMailer } from '../../shared/adapters/ses-mailer.js';
import { createSnsTextPublisher } from '../../shared/adapters/sns-text-publisher.js';
import type { DigestConfig } from '../../shared/core/digest/config.js';
import { DeliveryError, InputError } from '../../shared/core/errors.js';
import type { Finding } from '../../shared/core/types.js';
import { observeQueries, putAggregateItem } from '../helpers/aggregate-items.js';
import { startDynalite, type LocalDynamoDb } from '../helpers/dynalite.js';
import { ALLOWED_DIGEST_ATTRIBUTES, ALLOWED_DIGEST_TAGS, inspectHtml } from '../helpers/html-inspect.js';
import { startSesLocal, type SesLocal } from '../helpers/ses-local.js';
import { startSnsServer, type SnsServer } from '../helpers/sns-server.js';
import { loadEvent } from '../helpers/load-event.js';
import { makeFinding, makeFix } from '../shared/core/digest/digest-fixtures.js';

const TOPIC = 'arn:aws:sns:ap-northeast-1:111122223333:cris-digest';
/** 09:00 Asia/Tokyo on 2026-11-28, as EventBridge Scheduler passes it. */
const SCHEDULED = { source: 'cris-auditor.schedule', 'detail-type': 'Daily Digest', scheduledTime: '2026-11-28T00:00:00Z' };

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>javascript:alert(2)\u202Etxt.exe';

function hostileFinding(): Finding {
  const fix = makeFix(`{"Sid":"${HOSTILE}"}`);
  if (fix.recommended !== null) Object.assign(fix.recommended, { title: HOSTILE, summary: HOSTILE, tradeoffs: HOSTILE });
  return makeFinding({
    eventId: HOSTILE,
    accountId: '222233334444',
    principalArn: `arn:aws:sts::222233334444:assumed-role/${HOSTILE}/s`,
    sourceRegion: HOSTILE,
    modelId: HOSTILE,
    profile: { id: HOSTILE, scope: HOSTILE },
    deniedRegion: HOSTILE,
    reason: HOSTILE,
    userAgent: HOSTILE,
    errorMessage: HOSTILE,
    fix,
  });
}

describe('digest function', () => {
  let db: LocalDynamoDb;
  let ses: SesLocal;
  let sns: SnsServer;
  let writer: DynamoDBDocumentClient;
  let readerClient: DynamoDBClient;
  let queries: { pks: string[] };
  let sesClient: SESv2Client;
  let snsClient: SNSClient;
  let table = '';
  let tableCount = 0;

  function config(overrides: Partial<DigestConfig> = {}): DigestConfig {
    return {
      tableName: table,
      recipients: ['ccoe@example.com', 'sec@example.com'],
      sender: 'cris-auditor <noreply@example.com>',
      timeZone: 'Asia/Tokyo',
      emptyDay: 'send',
      topicArn: TOPIC,
      lang: 'en',
      profilesInUse: [],
      ...overrides,
    };
  }

  function deps(overrides: Partial<DigestConfig> = {}, withTopic = true): DigestDependencies {
    const cfg = config(overrides);
    return {
      config: cfg,
      reader: createDynamoDbAggregateReader({ client: readerClient, tableName: cfg.tableName, onInvalidItem: () => undefined }),
      mailer: createSesMailer({ client: sesClient, from: cfg.sender }),
      publisher: withTopic ? createSnsTextPublisher({ client: snsClient, topicArn: TOPIC }) : null,
      ledger: createDynamoDbDigestLedger({ client: readerClient, tableName: cfg.tableName }),
      now: () => new Date('2026-11-28T00:03:00Z'),
    };
  }

  beforeAll(async () => {
    [db, ses, sns] = await Promise.all([startDynalite(), startSesLocal(), startSnsServer()]);
    writer = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: db.endpoint, region: 'ap-northeast-1' }));
    readerClient = new DynamoDBClient({ endpoint: db.endpoint, region: 'ap-northeast-1', maxAttempts: 1 });
    queries = observeQueries(readerClient);
    sesClient = new SESv2Client({ endpoint: ses.endpoint, region: 'ap-northeast-1', maxAttempts: 1 });
    snsClient = new SNSClient({ endpoint: sns.endpoint, region: 'ap-northeast-1', maxAttempts: 1 });
  });
  beforeEach(async () => {
    tableCount += 1;
    table = `digest-${tableCount}`;
    await db.createTable(table);
    await ses.clear();
    sns.published.length = 0;
    queries.pks.length = 0;
  });
  afterAll(async () => {
    writer.destroy();
    readerClient.destroy();
    sesClient.destroy();
    snsClient.destroy();
    await Promise.all([db.stop(), ses.stop(), sns.stop()]);
  });

  it('reads each of the 48 hour partitions once and mails one digest with exact counts, HTML and text', async () => {
    // Prepare: one fingerprint spread over three hours today and seen yesterday; one new today
    const recurring = makeFinding({ fix: makeFix('{\n  "Effect": "Deny"\n}') });
    const fresh = makeFinding({ accountId: '555566667777', deniedRegion: 'ap-south-1', fix: makeFix('{\n  "Effect": "Deny"\n}') });
    const identity = makeFinding({ verdict: 'identity', accountId: '888899990000' });
    await putAggregateItem(writer, table, { finding: recurring, count: 5, firstSeen: '2026-11-27T00:10:00.000Z', lastSeen: '2026-11-27T00:50:00.000Z' });
    await putAggregateItem(writer, table, { finding: recurring, count: 7, firstSeen: '2026-11-27T12:00:00.000Z', lastSeen: '2026-11-27T12:30:00.000Z' });
    await putAggregateItem(writer, table, { finding: recurring, count: 1, firstSeen: '2026-11-27T23:59:00.000Z', lastSeen: '2026-11-27T23:59:59.000Z' });
    await putAggregateItem(writer, table, { finding: fresh, count: 2, firstSeen: '2026-11-27T06:00:00.000Z', lastSeen: '2026-11-27T06:05:00.000Z' });
    await putAggregateItem(writer, table, { finding: identity, count: 4, firstSeen: '2026-11-27T08:00:00.000Z', lastSeen: '2026-11-27T08:00:00.000Z' });
    await putAggregateItem(writer, table, { finding: recurring, count: 3, firstSeen: '2026-11-26T10:00:00.000Z', lastSeen: '2026-11-26T10:00:00.000Z' });
    // outside both windows: must not count
    await putAggregateItem(writer, table, { finding: recurring, count: 100, firstSeen: '2026-11-28T00:01:00.000Z', lastSeen: '2026-11-28T00:01:00.000Z' });
    await putAggregateItem(writer, table, { finding: recurring, count: 100, firstSeen: '2026-11-25T23:00:00.000Z', lastSeen: '2026-11-25T23:00:00.000Z' });

    // Act
    const outcome = await createDigestHandler(deps())(SCHEDULED);

    // Assess: reads
    expect(queries.pks).toHaveLength(48);
    expect(new Set(queries.pks).size).toBe(48);
    expect(queries.pks).toContain('HOUR#2026-11-26T00');
    expect(queries.pks).toContain('HOUR#2026-11-27T23');
    expect(queries.pks).not.toContain('HOUR#2026-11-28T00');
    expect(outcome).toMatchObject({
      status: 'sent',
      hoursRead: 48,
      window: { from: '2026-11-27T00:00:00.000Z', to: '2026-11-28T00:00:00.000Z', timeZone: 'Asia/Tokyo' },
      totals: { count: 19, fingerprints: 3, newFingerprints: 2, recurringFingerprints: 1, previousCount: 3, previousFingerprints: 1, change: 16 },
    });

    // Assess: the email SES received
    const emails = await ses.emails();
    expect(emails).toHaveLength(1);
    const [email] = emails;
    expect(email?.subject).toBe('[cris-auditor] Bedrock denials digest 2026-11-28: 19 denials, 2 new problems');
    expect(email?.from).toBe('cris-auditor <noreply@example.com>');
    expect(email?.destination.to).toEqual(['ccoe@example.com', 'sec@example.com']);
    const text = email?.body.text ?? '';
    expect(text).toContain('From 2026-11-27 09:00 to 2026-11-28 09:00 (Asia/Tokyo)');
    expect(text).toContain('Denials: 19 (Previous period: 3, Change: +16)');
    expect(text).toContain('Cross-Region inference blocked by an SCP [cross-region-scp]: 15 (Previous period: 3, +12)');
    expect(text).toContain('Identity policy [identity]: 4 (Previous period: 0, +4)');
    expect(text).toContain('1. apac.anthropic.claude-3-5-sonnet-20241022-v2:0 -> ap-southeast-2: 13\n');
    expect(text).toContain('   First seen: 2026-11-27 09:10  Last seen: 2026-11-28 08:59');
    expect(text).toContain('2. apac.anthropic.claude-3-5-sonnet-20241022-v2:0 -> ap-south-1: 2 [NEW]');
    expect(text).toContain('   Same snippet as group 1.');
    const html = inspectHtml(email?.body.html ?? '');
    expect(html.tags.map((tag) => tag.name)).toContain('table');
    expect(html.text).toContain('Recommended fix: Allow the APAC profile only');
    expect(html.text).toContain('{\n  "Effect": "Deny"\n}');

    // Assess: the SNS copy
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]).toMatchObject({ topicArn: TOPIC, subject: '[cris-auditor] Bedrock denials digest 2026-11-28: 19 denials, 2 new problems', message: text });
    expect(outcome.topic).toEqual({ ok: true, messageId: sns.published[0]?.messageId });
  });

  it('never lets hostile event values become markup or script in the email', async () => {
    // Prepare
    await putAggregateItem(writer, table, { finding: hostileFinding(), count: 2, firstSeen: '2026-11-27T03:00:00.000Z', lastSeen: '2026-11-27T03:10:00.000Z' });

    // Act
    await createDigestHandler(deps())(SCHEDULED);

    // Assess
    const [email] = await ses.emails();
    const rawHtml = email?.body.html ?? '';
    const html = inspectHtml(rawHtml);
    expect(html.tags.filter((tag) => !ALLOWED_DIGEST_TAGS.has(tag.name)).map((tag) => tag.name)).toEqual([]);
    const attributes = html.tags.flatMap((tag) => Object.entries(tag.attributes));
    expect(attributes.filter(([name]) => !ALLOWED_DIGEST_ATTRIBUTES.has(name) || name.startsWith('on'))).toEqual([]);
    expect(attributes.some(([, value]) => /javascript:|alert\(/i.test(value))).toBe(false);
    expect(rawHtml).not.toContain('<script');
    expect(rawHtml).not.toContain('<img');
    expect(rawHtml).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(rawHtml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;javascript:alert(2)[U+202E]txt.exe');
    const visible = HOSTILE.replace('\u202E', '[U+202E]');
    expect(html.text).toContain(visible);
    expect(email?.body.text).toContain(visible);
    expect(email?.subject).not.toContain('<');
  });

  it.each([
    { emptyDay: 'send' as const, emails: 1, published: 1, what: 'the one-line mail' },
    { emptyDay: 'skip' as const, emails: 0, published: 0, what: 'nothing' },
  ])('on a day without denials with DIGEST_EMPTY_DAY=$emptyDay sends $what', async ({ emptyDay, emails, published }) => {
    // Act
    const outcome = await createDigestHandler(deps({ emptyDay }))(SCHEDULED);

    // Assess
    expect(outcome.status).toBe(emptyDay === 'send' ? 'sent' : 'skipped-empty');
    const received = await ses.emails();
    expect(received).toHaveLength(emails);
    expect(sns.published).toHaveLength(published);
    if (emails === 1) {
      expect(received[0]?.subject).toBe('[cris-auditor] Bedrock denials digest 2026-11-28: no denials');
      expect(received[0]?.body.text).toBe('No denied Amazon Bedrock calls from 2026-11-27 09:00 to 2026-11-28 09:00 (Asia/Tokyo).\n');
    }
  });

  it('writes the digest in Japanese when LOCALE is ja', async () => {
    // Prepare
    await putAggregateItem(writer, table, { finding: makeFinding(), count: 3, firstSeen: '2026-11-27T03:00:00.000Z', lastSeen: '2026-11-27T03:00:00.000Z' });

    // Act
    await createDigestHandler(deps({ lang: 'ja' }))(SCHEDULED);

    // Assess
    const [email] = await ses.emails();
    expect(email?.subject).toBe('[cris-auditor] Bedrock 拒否の日次ダイジェスト 2026-11-28: 拒否 3 件、新規の問題 1 件');
    expect(email?.body.text).toContain('2026-11-27 09:00 〜 2026-11-28 09:00 (Asia/Tokyo)');
    expect(sns.published[0]?.subject).toMatch(/^[\x20-\x7E]+$/);
  });

  it('reports a topic failure after the mail went out instead of failing (a retry would mail everyone twice)', async () => {
    // Prepare
    await putAggregateItem(writer, table, { finding: makeFinding(), count: 1, firstSeen: '2026-11-27T03:00:00.000Z', lastSeen: '2026-11-27T03:00:00.000Z' });
    sns.failWith500(1);

    // Act
    const outcome = await createDigestHandler(deps())(SCHEDULED);

    // Assess
    expect(await ses.emails()).toHaveLength(1);
    expect(outcome.topic).toEqual({ ok: false, reason: `SNS did not accept the digest for topic ${TOPIC}: InternalErrorException` });
  });

  it.each([
    { sample: 'schedule/scheduler-daily-digest.json', from: '2026-11-27T00:00:00.000Z' },
    { sample: 'schedule/eventbridge-scheduled-event.json', from: '2026-11-27T00:00:00.000Z' },
    { sample: 'schedule/scheduler-daily-digest-without-time.json', from: '2026-11-27T00:00:00.000Z' },
  ])('covers the 24 h before 09:00 JST for the sample $sample', async ({ sample, from }) => {
    // Act: the clock says 09:03 JST; samples with a time pin the window to it
    const outcome = await createDigestHandler(deps({ emptyDay: 'skip' }))(loadEvent(sample));

    // Assess
    expect(outcome.window).toEqual({ from, to: '2026-11-28T00:00:00.000Z', timeZone: 'Asia/Tokyo' });
  });

  describe('one mail per window across retries', () => {
    beforeEach(async () => {
      await putAggregateItem(writer, table, { finding: makeFinding(), count: 2, firstSeen: '2026-11-27T03:00:00.000Z', lastSeen: '2026-11-27T03:00:00.000Z' });
    });

    it('sends nothing when the same window is invoked again, and says it was already sent', async () => {
      // Prepare
      const first = await createDigestHandler(deps())(SCHEDULED);

      // Act
      const second = await createDigestHandler(deps())(SCHEDULED);

      // Assess
      expect(first.status).toBe('sent');
      expect(second).toMatchObject({ status: 'already-sent', email: { messageId: first.email?.messageId } });
      expect(await ses.emails()).toHaveLength(1);
      expect(sns.published).toHaveLength(1);
    });

    it('re-sends a window on purpose with {"force": true}', async () => {
      // Prepare
      await createDigestHandler(deps())(SCHEDULED);

      // Act
      const forced = await createDigestHandler(deps())({ ...SCHEDULED, force: true });

      // Assess
      expect(forced.status).toBe('sent');
      expect(await ses.emails()).toHaveLength(2);
    });

    it('lets the retry send after SES refused the first attempt', async () => {
      // Prepare: aws-ses-v2-local refuses a message without a sender
      const failing = { ...deps(), mailer: createSesMailer({ client: sesClient, from: '' }) };
      await expect(createDigestHandler(failing)(SCHEDULED)).rejects.toBeInstanceOf(DeliveryError);

      // Act
      const retry = await createDigestHandler(deps())(SCHEDULED);

      // Assess
      expect(retry.status).toBe('sent');
      expect(await ses.emails()).toHaveLength(1);
    });

    it('stays out of the way of an invocation that is sending right now', async () => {
      // Prepare
      const ledger = createDynamoDbDigestLedger({ client: readerClient, tableName: table });
      await ledger.claim({ windowEnd: '2026-11-28T00:00:00.000Z', now: new Date('2026-11-28T00:02:00Z'), leaseSeconds: 300 });

      // Act
      const outcome = await createDigestHandler(deps())(SCHEDULED);

      // Assess
      expect(outcome.status).toBe('in-progress');
      expect(await ses.emails()).toEqual([]);
    });

    it('takes over a claim whose lease expired (a crashed run)', async () => {
      // Prepare
      const ledger = createDynamoDbDigestLedger({ client: readerClient, tableName: table });
      await ledger.claim({ windowEnd: '2026-11-28T00:00:00.000Z', now: new Date('2026-11-27T23:50:00Z'), leaseSeconds: 300 });

      // Act
      const outcome = await createDigestHandler(deps())(SCHEDULED);

      // Assess
      expect(outcome.status).toBe('sent');
      expect(await ses.emails()).toHaveLength(1);
    });
  });

  it('publishes to the topic only when no recipients are configured', async () => {
    // Prepare
    await putAggregateItem(writer, table, { finding: makeFinding(), count: 2, firstSeen: '2026-11-27T03:00:00.000Z', lastSeen: '2026-11-27T03:00:00.000Z' });
    const topicOnly = { ...deps({ recipients: [], sender: '' }), mailer: null };

    // Act
    const outcome = await createDigestHandler(topicOnly)(SCHEDULED);

    // Assess
    expect(outcome).toMatchObject({ status: 'sent', email: null, topic: { ok: true } });
    expect(await ses.emails()).toEqual([]);
    expect(sns.published[0]?.message).toContain('Denials: 2 (Previous period: 0, Change: +2)');
  });

  it('refuses an event whose scheduledTime is not a time', async () => {
    await expect(createDigestHandler(deps())({ scheduledTime: 'soon' })).rejects.toBeInstanceOf(InputError);
    expect(await ses.emails()).toEqual([]);
  });

  describe('Lambda handler', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it('builds its clients from the environment and sends through the SDK endpoints', async () => {
      // Prepare
      vi.stubEnv('TABLE_NAME', table);
      vi.stubEnv('DIGEST_RECIPIENTS', 'ops@example.com');
      vi.stubEnv('DIGEST_SENDER', 'noreply@example.com');
      vi.stubEnv('DIGEST_TIME_ZONE', 'Asia/Tokyo');
      vi.stubEnv('DIGEST_TOPIC_ARN', TOPIC);
      vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
      vi.stubEnv('AWS_ENDPOINT_URL_SESV2', ses.endpoint);
      vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.endpoint);
      await putAggregateItem(writer, table, { finding: makeFinding(), count: 2, firstSeen: '2026-11-27T03:00:00.000Z', lastSeen: '2026-11-27T03:00:00.000Z' });
      const context = { functionName: 'cris-auditor-dev-digest', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

      // Act
      const outcome = await handler(SCHEDULED, context);

      // Assess
      expect(outcome.status).toBe('sent');
      const [email] = await ses.emails();
      expect(email?.destination.to).toEqual(['ops@example.com']);
      expect(email?.subject).toBe('[cris-auditor] Bedrock denials digest 2026-11-28: 2 denials, 1 new problem');
      expect(sns.published).toHaveLength(1);
    });
  });
});
