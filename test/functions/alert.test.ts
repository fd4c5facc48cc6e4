import { GetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildAlertDependencies, createAlertHandler } from '../../functions/alert.js';
import { createDynamoDbAlertStore } from '../../shared/adapters/dynamodb-alert-store.js';
import { createSlackNotifier } from '../../shared/adapters/slack-webhook.js';
import { createSnsNotifier } from '../../shared/adapters/sns-publisher.js';
import { classifyRecord } from '../../shared/core/classify/classify.js';
import { DeliveryError } from '../../shared/core/errors.js';
import { suggestFix } from '../../shared/core/fix/suggest-fix.js';
import type { ProcessAlertDependencies } from '../../shared/core/alert/process.js';
import { loadBundledCatalog } from '../../shared/core/classify/profile-catalog.js';
import { eventKey, hourKey, stateKey } from '../../shared/core/alert/store-keys.js';
import { fingerprintFinding } from '../../shared/core/alert/fingerprint.js';
import type { LocalDynamoDb } from '../helpers/dynalite.js';
import { DYNAMODB_LOCAL_START_TIMEOUT_MS, startTransactionalDynamoDb } from '../helpers/dynamodb-local.js';
import { ROOT, loadEvent } from '../helpers/load-event.js';
import { SLACK_SECRET_PATH, startSlackServer, type SlackServer } from '../helpers/slack-server.js';
import { startSnsServer, type SnsServer } from '../helpers/sns-server.js';
import { startOrganizationsServer } from '../helpers/organizations-server.js';

const TOPIC_ARN = 'arn:aws:sns:ap-northeast-1:111122223333:cris-auditor-alerts';
const SAMPLE = 'eventbridge/cross-region-scp-apac-converse.json';
const catalog = loadBundledCatalog();

type Sample = { id: string; time: string; detail: Record<string, unknown> & { eventID: string; eventTime: string } };

let db: LocalDynamoDb;
let slack: SlackServer;
let sns: SnsServer;
let doc: DynamoDBDocumentClient;
let tableName: string;
let tableCounter = 0;

const context = {
  functionName: 'cris-auditor-test-alert',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:111122223333:function:cris-auditor-test-alert',
  memoryLimitInMB: '256',
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

/** A fresh copy of the sample with its own CloudTrail event ID (and optional changes). */
function sampleEvent(eventId: string, change?: (event: Sample) => void): Sample {
  const event = loadEvent<Sample>(SAMPLE);
  event.detail.eventID = eventId;
  change?.(event);
  return event;
}

function dependencies(overrides: Partial<ProcessAlertDependencies> = {}): ProcessAlertDependencies {
  return {
    store: createDynamoDbAlertStore({ client: db.client, tableName }),
    notifiers: {
      slack: createSlackNotifier({
        webhookUrl: () => slack.url,
        lang: 'en',
        retry: { baseDelayMs: 5, maxDelayMs: 20, totalTimeoutMs: 5000 },
      }),
      sns: createSnsNotifier({
        client: new SNSClient({ endpoint: sns.endpoint, region: 'ap-northeast-1', maxAttempts: 2 }),
        topicArn: TOPIC_ARN,
        lang: 'en',
      }),
    },
    classify: (record) => classifyRecord(record, { catalog }),
    suggestFix: (finding) => suggestFix(finding, { catalog, lang: 'en' }),
    windowMinutes: 60,
    ...overrides,
  };
}

async function item(key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
}

/** Captures what the Powertools Logger writes (JSON lines on stdout/stderr). */
function captureLogs(): { lines: () => Array<Record<string, unknown>>; raw: () => string } {
  const chunks: string[] = [];
  const record = (chunk: unknown): boolean => {
    chunks.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(record);
  vi.spyOn(process.stderr, 'write').mockImplementation(record);
  return {
    raw: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => typeof line['message'] === 'string' && !('_aws' in line)),
  };
}

async function mapLimit<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        await work(items[index] as T);
      }
    }),
  );
}

beforeAll(async () => {
  db = await startTransactionalDynamoDb();
  slack = await startSlackServer();
  sns = await startSnsServer();
  doc = DynamoDBDocumentClient.from(db.client);
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([db.stop(), slack.stop(), sns.stop()]);
});

beforeEach(async () => {
  tableCounter += 1;
  tableName = `alerts-${tableCounter}`;
  await db.createTable(tableName);
  slack.reset();
  sns.published.length = 0;
  sns.failWith500(0);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('alert handler', () => {
  it('sends one Slack message and one SNS publish for a cross-Region SCP denial and counts it in the hour', async () => {
    // Prepare
    const handler = createAlertHandler(dependencies());
    const event = sampleEvent('evt-first');

    // Act
    const outcome = await handler(event, context);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'sent', repeats: 0, channels: ['slack', 'sns'] });
    const [message] = slack.delivered();
    expect(slack.delivered()).toHaveLength(1);
    expect(message?.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':red_circle: Cross-Region inference blocked by a region-deny SCP', emoji: true },
    });
    expect(JSON.stringify(message)).toContain(
      '<https://ap-northeast-1.console.aws.amazon.com/cloudtrailv2/home?region=ap-northeast-1#/events/evt-first|CloudTrail event>',
    );
    expect(JSON.stringify(message)).toContain(
      '<https://us-east-1.console.aws.amazon.com/organizations/v2/home/policies/service-control-policy/p-examplescp1|Policy in AWS Organizations>',
    );
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]).toMatchObject({
      topicArn: TOPIC_ARN,
      subject: '[cris-auditor] high cross-region-scp 111122223333 ap-northeast-1 -> ap-southeast-1',
      messageStructure: 'json',
      attributes: {
        verdict: { dataType: 'String', stringValue: 'cross-region-scp' },
        accountId: { dataType: 'String', stringValue: '111122223333' },
        sourceRegion: { dataType: 'String', stringValue: 'ap-northeast-1' },
        deniedRegion: { dataType: 'String', stringValue: 'ap-southeast-1' },
        severity: { dataType: 'String', stringValue: 'high' },
      },
    });
    const fingerprint = outcome.outcome === 'sent' ? outcome.fingerprint : '';
    const hour = await item(hourKey('2026-11-27T01:01:07Z', fingerprint));
    expect(hour).toMatchObject({ count: 1, verdict: 'cross-region-scp', firstSeen: '2026-11-27T01:01:07.000Z', lastSeen: '2026-11-27T01:01:07.000Z' });
    expect(JSON.parse(String(hour?.['finding']))).toMatchObject({ eventId: 'evt-first', verdict: 'cross-region-scp' });
    expect(typeof hour?.['ttl']).toBe('number');
    expect(await item(eventKey('evt-first'))).toMatchObject({ status: 'done', fingerprint });
  });

  it('delivers a duplicate EventBridge delivery once and leaves every count unchanged', async () => {
    // Prepare
    const handler = createAlertHandler(dependencies());
    const event = sampleEvent('evt-duplicate');
    const first = await handler(event, context);
    const fingerprint = first.outcome === 'sent' ? first.fingerprint : '';

    // Act
    const second = await handler(structuredClone(event), context);

    // Assess
    expect(second).toEqual({ outcome: 'duplicate', eventId: 'evt-duplicate', state: 'done', rejected: [] });
    expect(slack.delivered()).toHaveLength(1);
    expect(sns.published).toHaveLength(1);
    expect(await item(hourKey('2026-11-27T01:01:07Z', fingerprint))).toMatchObject({ count: 1 });
    expect(await item(stateKey(fingerprint))).toMatchObject({ totalCount: 1, repeatsSinceAlert: 0 });
  });

  it('sends exactly one alert for 1,000 events of one fingerprint processed 20 at a time and counts exactly 1,000', async () => {
    // Prepare
    const handler = createAlertHandler(dependencies());
    const events = Array.from({ length: 1000 }, (_, index) => sampleEvent(`evt-burst-${index}`));

    // Act
    const outcomes: string[] = [];
    await mapLimit(events, 20, async (event) => {
      outcomes.push((await handler(event, context)).outcome);
    });

    // Assess
    expect(slack.delivered()).toHaveLength(1);
    expect(sns.published).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'suppressed')).toHaveLength(999);
    const fingerprint = JSON.parse(JSON.parse(sns.published[0]?.message ?? '{}').default).fingerprint as string;
    expect(await item(hourKey('2026-11-27T01:01:07Z', fingerprint))).toMatchObject({ count: 1000 });
    expect(await item(stateKey(fingerprint))).toMatchObject({ totalCount: 1000, repeatsSinceAlert: 999 });
  }, 120_000);

  it('reports the repeats of the last window in the next alert, once the window has passed', async () => {
    // Prepare
    let now = new Date('2026-11-27T01:02:00Z');
    const handler = createAlertHandler(dependencies(), { clock: () => now });
    for (let index = 0; index < 4; index += 1) await handler(sampleEvent(`evt-window-${index}`), context);
    now = new Date('2026-11-27T02:02:00Z');

    // Act
    const outcome = await handler(sampleEvent('evt-window-next'), context);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'sent', repeats: 3 });
    expect(slack.delivered()).toHaveLength(2);
    expect(JSON.stringify(slack.delivered()[1])).toContain('3 more since last alert');
    expect(sns.published).toHaveLength(2);
    expect(JSON.parse(sns.published[1]?.message ?? '{}').email).toContain('3 more since last alert');
  });

  it('delivers one Slack message when Slack answers 500 and then 200', async () => {
    // Prepare
    slack.answer({ status: 500, body: 'internal_error' });
    const handler = createAlertHandler(dependencies());

    // Act
    const outcome = await handler(sampleEvent('evt-slack-500'), context);

    // Assess
    expect(outcome.outcome).toBe('sent');
    expect(slack.requests.map((request) => request.path)).toEqual([SLACK_SECRET_PATH, SLACK_SECRET_PATH]);
    expect(slack.delivered()).toHaveLength(1);
  });

  it('waits at least the Retry-After of a Slack 429 before delivering', async () => {
    // Prepare
    slack.answer({ status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' });
    const waits: number[] = [];
    const base = dependencies();
    const handler = createAlertHandler({
      ...base,
      notifiers: {
        ...base.notifiers,
        slack: createSlackNotifier({ webhookUrl: () => slack.url, lang: 'en', random: () => 0, sleep: async (ms) => void waits.push(ms) }),
      },
    });

    // Act
    const outcome = await handler(sampleEvent('evt-slack-429'), context);

    // Assess: the wait is the injected sleep's, not the wall clock's
    expect(outcome.outcome).toBe('sent');
    expect(slack.requests.map((request) => request.status)).toEqual([429, 200]);
    expect(waits).toEqual([1000]);
    expect(slack.delivered()).toHaveLength(1);
  });

  it('fails the invocation when SNS is down, records nothing as sent, and the retry sends SNS without repeating Slack', async () => {
    // Prepare
    const handler = createAlertHandler(dependencies());
    const event = sampleEvent('evt-sns-down');
    await sns.goDown();

    // Act
    const failure = await handler(event, context).then(
      () => null,
      (error: unknown) => error,
    );

    // Assess: the failure, and nothing recorded as sent
    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as Error).message).toMatch(/^alert delivery failed on sns \(DeliveryError: SNS did not accept the alert/);
    expect(await item(eventKey('evt-sns-down'))).toMatchObject({ status: 'failed', deliveredChannels: new Set(['slack']) });
    const fingerprint = JSON.parse(slack.requests[0]?.body ?? '{}').blocks.at(-1).elements.at(-1).text.match(/`([0-9a-f]{32})`/)[1] as string;
    const state = await item(stateKey(fingerprint));
    expect(state?.['lastAlertAt']).toBeUndefined();
    expect(state).toMatchObject({ totalCount: 0, repeatsSinceAlert: 0 });
    expect(await item(hourKey('2026-11-27T01:01:07Z', fingerprint))).toBeUndefined();

    // Act: EventBridge retries once SNS is back
    await sns.comeUp();
    const retry = await handler(structuredClone(event), context);

    // Assess: SNS sent once, Slack not repeated, counted once
    expect(retry).toMatchObject({ outcome: 'sent', channels: ['sns'], alreadyDelivered: ['slack'] });
    expect(sns.published).toHaveLength(1);
    expect(slack.delivered()).toHaveLength(1);
    expect(await item(hourKey('2026-11-27T01:01:07Z', fingerprint))).toMatchObject({ count: 1 });
    expect(await item(stateKey(fingerprint))).toMatchObject({ totalCount: 1, repeatsSinceAlert: 0 });
    expect(await item(eventKey('evt-sns-down'))).toMatchObject({ status: 'done' });
  });

  it('renders hostile strings from every field of the record without a ping, a link or broken formatting', async () => {
    // Prepare
    const handler = createAlertHandler(dependencies());
    const event = sampleEvent('evt-hostile', (sample) => {
      const detail = sample.detail as Record<string, any>;
      detail.userIdentity.arn = 'arn:aws:sts::111122223333:assumed-role/app-chatbot-role/<!channel> *bold* <https://evil|click>';
      detail.userAgent = 'ua ```\n*x*``` `tick` <@U0123ABCD>';
      detail.requestParameters.modelId = 'apac.*bold*_x_<!here>';
      detail.errorMessage =
        'User: <script>alert(1)</script> is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:ap-southeast-1::foundation-model/x with an explicit deny in a service control policy';
    });

    // Act
    await handler(event, context);

    // Assess
    const [message] = slack.delivered();
    const texts = (message?.blocks ?? []).flatMap((block: any) => [block.text?.text, ...(block.fields ?? []).map((field: any) => field.text), ...(block.elements ?? []).map((element: any) => element.text)]);
    expect(texts).toContain('*Principal*\n`arn:aws:sts::111122223333:assumed-role/app-chatbot-role/&lt;!channel&gt; *bold* &lt;https:∕∕evil|click&gt;`');
    expect(texts).toContain('*Profile / model*\n`apac.*bold*_x_&lt;!here&gt;`');
    expect(texts).toContain('*Caller* `ua ˋˋˋ *x*ˋˋˋ ˋtickˋ &lt;@U0123ABCD&gt;` `203.0.113.25`');
    expect(texts).toContain(
      '*Error message*\n```\nUser: &lt;script&gt;alert(1)&lt;/script&gt; is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:ap-southeast-1::foundation-model/x with an explicit deny in a service control policy\n```',
    );
    const raw = slack.requests[0]?.body ?? '';
    expect(raw).not.toMatch(/<[!@#]/);
    expect(raw).not.toContain('<https://evil');
    expect(raw).not.toContain('<script>');
    expect(raw.match(/<https:/g)?.length).toBe(1);
  });

  it('finishes delivering to the other channels when an invocation crashed after Slack delivered', async () => {
    // Prepare: a first attempt claimed the event, decided to send, reached Slack, then timed out
    const start = new Date('2026-11-27T01:05:00.000Z');
    const store = createDynamoDbAlertStore({ client: db.client, tableName });
    const finding = classifyRecord(sampleEvent('evt-crashed').detail, { catalog });
    if (finding === null) throw new Error('sample must classify');
    const fingerprint = fingerprintFinding(finding);
    const claim = await store.claimEvent({ eventId: 'evt-crashed', now: start, leaseUntil: new Date(start.getTime() + 30_000) });
    if (claim.status !== 'claimed') throw new Error('expected a claim');
    await store.decide({ fingerprint, finding, now: start, windowMinutes: 60 });
    await store.markDelivered({ eventId: 'evt-crashed', token: claim.token, channel: 'slack' });
    const handler = createAlertHandler(dependencies(), { clock: () => new Date(start.getTime() + 120_000) });

    // Act: Lambda retries once the lease has expired
    const outcome = await handler(sampleEvent('evt-crashed'), context);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'sent', channels: ['sns'], alreadyDelivered: ['slack'] });
    expect(slack.requests).toHaveLength(0);
    expect(sns.published).toHaveLength(1);
    expect(await item(eventKey('evt-crashed'))).toMatchObject({ status: 'done' });
    expect(await item(hourKey('2026-11-27T01:01:07Z', fingerprint))).toMatchObject({ count: 1 });
  });

  it('records an event without detail as unknown with the reason, logged, without crashing', async () => {
    // Prepare
    const logs = captureLogs();
    const handler = createAlertHandler(dependencies());
    const event = { version: '0', id: 'envelope-without-detail', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.bedrock', account: '111122223333', time: '2026-11-27T03:00:00Z', region: 'ap-northeast-1' };

    // Act
    const outcome = await handler(event, context);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'sent', finding: { verdict: 'unknown', eventId: 'envelope-without-detail', accountId: '111122223333' } });
    const fingerprint = outcome.outcome === 'sent' ? outcome.fingerprint : '';
    expect(await item(hourKey('2026-11-27T03:00:00Z', fingerprint))).toMatchObject({ count: 1, verdict: 'unknown' });
    const warning = logs.lines().find((line) => line['message'] === 'Malformed event recorded as unknown');
    expect(warning).toMatchObject({ level: 'WARN', eventId: 'envelope-without-detail', reason: expect.stringMatching(/detail is missing, not a CloudTrail record$/) });
  });

  it('records a denial with a garbled message as unknown', async () => {
    // Prepare
    const handler = createAlertHandler(dependencies());
    const event = loadEvent('eventbridge/unknown-garbled-message.json');

    // Act
    const outcome = await handler(event, context);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'sent', finding: { verdict: 'unknown' } });
    expect(sns.published[0]?.attributes['verdict']?.stringValue).toBe('unknown');
  });

  it('ignores a call that is not a denial with a log line and stores nothing', async () => {
    // Prepare
    const logs = captureLogs();
    const handler = createAlertHandler(dependencies());
    const event = loadEvent<Sample>('eventbridge/negative-successful-cris-converse.json');

    // Act
    const outcome = await handler(event, context);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'ignored', eventId: event.detail.eventID });
    expect(slack.requests).toHaveLength(0);
    expect(sns.published).toHaveLength(0);
    expect(await item(eventKey(event.detail.eventID))).toBeUndefined();
    expect(logs.lines().find((line) => line['message'] === 'Event ignored')).toMatchObject({ eventId: event.detail.eventID });
  });

  it.each(readdirSync(join(ROOT, 'events', 'eventbridge')).filter((name) => name.endsWith('.json')))(
    'alerts on %s exactly when the capture rule would deliver it (negative-* samples are ignored)',
    async (name) => {
      // Prepare
      const handler = createAlertHandler(dependencies());

      // Act
      const outcome = await handler(loadEvent(`eventbridge/${name}`), context);

      // Assess
      expect(outcome.outcome).toBe(name.startsWith('negative-') ? 'ignored' : 'sent');
      expect(slack.delivered()).toHaveLength(name.startsWith('negative-') ? 0 : 1);
    },
  );

  it('puts the CloudTrail event ID on every log line and never logs the webhook URL', async () => {
    // Prepare
    const logs = captureLogs();
    slack.answer({ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const handler = createAlertHandler(dependencies());

    // Act
    await handler(sampleEvent('evt-logged'), context).catch(() => undefined);

    // Assess
    const lines = logs.lines();
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line['eventId'] === 'evt-logged')).toBe(true);
    expect(lines.find((line) => line['level'] === 'ERROR')).toMatchObject({ function_request_id: 'request-1' });
    expect(logs.raw()).not.toContain('secretTOKENvalue123');
  });

  it('builds its dependencies from the environment, reaching DynamoDB and SNS through AWS_ENDPOINT_URL_*', async () => {
    // Prepare
    vi.stubEnv('TABLE_NAME', tableName);
    vi.stubEnv('SLACK_WEBHOOK_URL', slack.url);
    vi.stubEnv('ALERT_TOPIC_ARN', TOPIC_ARN);
    vi.stubEnv('LOCALE', 'ja');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.endpoint);
    const handler = createAlertHandler(() => buildAlertDependencies());

    // Act
    const outcome = await handler(sampleEvent('evt-from-env'), context);

    // Assess
    vi.unstubAllEnvs();
    expect(outcome.outcome).toBe('sent');
    expect(JSON.stringify(slack.delivered()[0]?.blocks[0])).toContain('クロスリージョン推論がリージョン制限 SCP で拒否されました');
    expect(sns.published).toHaveLength(1);
    expect(await item(eventKey('evt-from-env'))).toMatchObject({ status: 'done' });
  });

  it('reads the SCPs in force through ORG_READ_ROLE_ARN and names the denying statement and its verified patch', async () => {
    // Prepare
    const regionDeny = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyAllOutsideApprovedRegions',
          Effect: 'Deny',
          NotAction: ['iam:*', 'organizations:*', 'sts:*', 'support:*'],
          Resource: '*',
          Condition: { StringNotEquals: { 'aws:RequestedRegion': ['ap-northeast-1'] } },
        },
      ],
    });
    const organizations = await startOrganizationsServer({
      managementAccountId: '999988887777',
      organizationId: 'o-a1b2c3d4e5',
      parents: { '111122223333': 'r-ab12' },
      attachments: { 'r-ab12': ['p-FullAWSAccess', 'p-examplescp1'], '111122223333': ['p-FullAWSAccess'] },
      policies: [
        { Id: 'p-FullAWSAccess', Name: 'FullAWSAccess', AwsManaged: true, Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) },
        { Id: 'p-examplescp1', Name: 'region-deny', Content: regionDeny },
      ],
    });
    vi.stubEnv('TABLE_NAME', tableName);
    vi.stubEnv('ALERT_TOPIC_ARN', TOPIC_ARN);
    vi.stubEnv('ORG_READ_ROLE_ARN', 'arn:aws:iam::999988887777:role/cris-auditor-org-read');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_ORGANIZATIONS', organizations.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_STS', organizations.endpoint);
    const handler = createAlertHandler(() => buildAlertDependencies());

    // Act
    const outcome = await handler(sampleEvent('evt-with-scps'), context).finally(async () => {
      vi.unstubAllEnvs();
      await organizations.close();
    });

    // Assess
    expect(outcome.outcome).toBe('sent');
    const fix = outcome.outcome === 'sent' ? outcome.finding.fix : null;
    expect(fix?.scp).toMatchObject({ policyName: 'region-deny', statement: { sid: 'DenyAllOutsideApprovedRegions', index: 0 } });
    expect(fix?.verification.status).toBe('verified');
    expect(organizations.requests.map((request) => request.operation)).toContain('DescribePolicy');
    const email = JSON.parse(sns.published[0]?.message ?? '{}').email as string;
    expect(email).toContain('Statement: DenyAllOutsideApprovedRegions');
  });
});

describe('alert handler at the real services\' limits', () => {
  it('delivers an alert whose caller fields are 100 KB each to the size-enforcing SNS, Slack and DynamoDB, cut with a visible count', async () => {
    // Prepare
    const handler = createAlertHandler(dependencies());
    const huge = 'U'.repeat(100_000);
    const event = sampleEvent('evt-huge', (sample) => {
      sample.detail['userAgent'] = huge;
      sample.detail['sourceIPAddress'] = huge;
      sample.detail['errorMessage'] = `${String(sample.detail['errorMessage'])} ${huge}`;
    });

    // Act
    const outcome = await handler(event, context);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'sent', channels: ['slack', 'sns'], rejected: [] });
    expect(sns.rejected).toEqual([]);
    expect(sns.published).toHaveLength(1);
    expect(slack.delivered()).toHaveLength(1);
    const machine = JSON.parse(JSON.parse(sns.published[0]?.message ?? '{}').default) as { fingerprint: string; finding: Record<string, string> };
    expect(machine.finding["userAgent"]).toBe(`${"U".repeat(1001)}…(98999 characters cut)`);
    expect(machine.finding['userAgent']).toHaveLength(1024);
    expect(JSON.parse(sns.published[0]?.message ?? '{}').email).toContain('characters cut)');
    const hour = await item(hourKey('2026-11-27T01:01:07Z', machine.fingerprint));
    expect(hour).toMatchObject({ count: 1 });
    expect(JSON.parse(String(hour?.['finding'])).userAgent).toBe(machine.finding['userAgent']);
  });

  it('records a channel that refuses for good, keeps the decision, never re-sends the others, and dead-letters with the reason', async () => {
    // Prepare
    const logs = captureLogs();
    const handler = createAlertHandler(dependencies());
    sns.failWith({ status: 403, code: 'AuthorizationError', message: 'User is not authorized to perform: SNS:Publish on resource: alerts' });
    const event = sampleEvent('evt-sns-refuses');

    // Act: the first attempt and Lambda's two retries of it
    const attempts: unknown[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) attempts.push(await handler(structuredClone(event), context).then(() => null, (error: unknown) => error));
    const repeat = await handler(sampleEvent('evt-sns-refuses-repeat'), context).then((value) => value, (error: unknown) => error);

    // Assess: every attempt fails with the reason (so the event reaches the DLQ), none re-sends
    for (const failure of attempts) {
      expect(failure).toBeInstanceOf(DeliveryError);
      expect((failure as DeliveryError).permanent).toBe(true);
      expect((failure as Error).message).toMatch(/^alert refused for good by sns \(DeliveryError: SNS did not accept the alert .*AuthorizationError.*not authorized/);
    }
    expect(slack.delivered()).toHaveLength(1);
    expect(sns.requestCount()).toBeGreaterThanOrEqual(1);
    const snsRequestsAfterFirst = sns.requestCount();
    expect(sns.published).toHaveLength(0);
    expect(await item(eventKey('evt-sns-refuses'))).toMatchObject({ status: 'done', deliveredChannels: new Set(['slack']), rejectedChannels: { sns: expect.stringContaining('AuthorizationError') } });
    // The decision stands: the next occurrence of the fingerprint is suppressed, not a new Slack message.
    expect(repeat).toMatchObject({ outcome: 'suppressed' });
    expect(sns.requestCount()).toBe(snsRequestsAfterFirst);
    const fingerprint = (repeat as { fingerprint: string }).fingerprint;
    expect(await item(stateKey(fingerprint))).toMatchObject({ totalCount: 2, repeatsSinceAlert: 1 });
    expect(await item(hourKey('2026-11-27T01:01:07Z', fingerprint))).toMatchObject({ count: 2 });
    const refusals = logs.lines().filter((line) => line['message'] === 'Alert channel refused the message for good; recorded, not retried');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ channel: 'sns', eventId: 'evt-sns-refuses', reason: expect.stringContaining('AuthorizationError') });
  });
});
