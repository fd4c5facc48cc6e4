import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDynamoDbAlertStore } from '../../shared/adapters/dynamodb-alert-store.js';
import { createSlackNotifier } from '../../shared/adapters/slack-webhook.js';
import { fingerprintFinding } from '../../shared/core/alert/fingerprint.js';
import { processAlertEvent, type ProcessAlertDependencies } from '../../shared/core/alert/process.js';
import { eventKey, hourKey, stateKey } from '../../shared/core/alert/store-keys.js';
import { classifyRecord } from '../../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../../shared/core/classify/profile-catalog.js';
import type { LocalDynamoDb } from '../helpers/dynalite.js';
import { startDroppingProxy, type DroppingProxy } from '../helpers/dropping-proxy.js';
import { DYNAMODB_LOCAL_START_TIMEOUT_MS, startTransactionalDynamoDb } from '../helpers/dynamodb-local.js';
import { loadEvent } from '../helpers/load-event.js';
import { startSlackServer, type SlackServer } from '../helpers/slack-server.js';

// Exactly-once counting when DynamoDB answers are lost. The store runs on AWS's DynamoDB Local
// behind a loopback proxy that lets a request reach the server, lets the server apply it, then cuts
// the connection instead of answering. For every DynamoDB request an event's processing makes, in
// turn, the answer of that one request is lost; the invocation then either recovers by itself (the
// SDK retries the same request) or fails and is retried as Lambda would (after the claim's lease).
// Whichever request it was, the occurrence is counted once in the fingerprint state and once in the
// hour, and Slack gets one message.

const SAMPLE = 'eventbridge/cross-region-scp-apac-converse.json';
const catalog = loadBundledCatalog();
const T0 = new Date('2026-11-27T01:00:00.000Z');
const LEASE_MS = 30_000;

type Sample = { detail: Record<string, unknown> & { eventID: string } };

let db: LocalDynamoDb;
let proxy: DroppingProxy;
let slack: SlackServer;
let doc: DynamoDBDocumentClient;
let counter = 0;

function sample(eventId: string): Sample {
  const event = loadEvent<Sample>(SAMPLE);
  event.detail.eventID = eventId;
  return event;
}

function dependencies(tableName: string, maxAttempts: number): ProcessAlertDependencies {
  const client = new DynamoDBClient({
    endpoint: proxy.endpoint,
    region: 'ap-northeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts,
  });
  return {
    store: createDynamoDbAlertStore({ client, tableName }),
    notifiers: { slack: createSlackNotifier({ webhookUrl: () => slack.url, lang: 'en', retry: { baseDelayMs: 1, maxDelayMs: 2, totalTimeoutMs: 2000 } }) },
    classify: (record) => classifyRecord(record, { catalog }),
    windowMinutes: 60,
  };
}

/** Delivers one event until it is processed, as Lambda would: each retry after the previous claim's lease. */
async function deliver(deps: ProcessAlertDependencies, event: Sample, start: Date): Promise<{ attempts: number; outcome: string }> {
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const now = new Date(start.getTime() + attempt * 2 * LEASE_MS);
    try {
      const outcome = await processAlertEvent(event, deps, { now, leaseUntil: new Date(now.getTime() + LEASE_MS) });
      return { attempts: attempt + 1, outcome: outcome.outcome };
    } catch {
      // Lambda retries the failed invocation.
    }
  }
  throw new Error(`event ${event.detail.eventID} was not processed in 4 attempts`);
}

async function item(tableName: string, key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  return (await doc.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;
}

beforeAll(async () => {
  db = await startTransactionalDynamoDb();
  [proxy, slack] = await Promise.all([startDroppingProxy(db.endpoint), startSlackServer()]);
  doc = DynamoDBDocumentClient.from(db.client);
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([db.stop(), proxy.close(), slack.stop()]);
});

beforeEach(() => {
  slack.reset();
  proxy.dropWhen(null);
});

/** Runs the first occurrence (answer `lose` lost, or none) and a repeat; returns what the table and Slack hold. */
async function scenario(options: { lose: number | null; maxAttempts: number; slackDownFirst: boolean }) {
  counter += 1;
  const tableName = `lost-answers-${counter}`;
  await db.createTable(tableName);
  const deps = dependencies(tableName, options.maxAttempts);
  slack.reset();
  // Slack refuses every try of the first attempt (the notifier's own retries included).
  if (options.slackDownFirst) slack.answer(...Array.from({ length: 5 }, () => ({ status: 500, body: 'internal_error' })));
  const base = proxy.requests.length;
  const lose = options.lose;
  proxy.dropWhen(lose === null ? null : (request) => request.index === base + lose);
  const first = await deliver(deps, sample('evt-lost-1'), T0);
  proxy.dropWhen(null);
  const requests = proxy.requests.slice(base);
  const repeat = await deliver(deps, sample('evt-lost-2'), new Date(T0.getTime() + 10 * 60_000));
  const finding = classifyRecord(sample('x').detail, { catalog });
  if (finding === null) throw new Error('the sample is not a finding');
  const fingerprint = fingerprintFinding(finding);
  return {
    first,
    repeat,
    requests,
    state: await item(tableName, stateKey(fingerprint)),
    hour: await item(tableName, hourKey(T0.toISOString(), fingerprint)),
    event: await item(tableName, eventKey('evt-lost-1')),
    slackMessages: slack.delivered().length,
  };
}

describe.each([
  { mode: 'the SDK retries the request', maxAttempts: 3, slackDownFirst: false },
  { mode: 'the invocation fails and Lambda retries it', maxAttempts: 1, slackDownFirst: false },
  { mode: 'Slack is down on the first attempt, then Lambda retries', maxAttempts: 1, slackDownFirst: true },
])('a lost DynamoDB answer when $mode', ({ maxAttempts, slackDownFirst }) => {
  it('loses and doubles no count, and sends one Slack message, whichever request it was', async () => {
    // Prepare: how many DynamoDB requests the first occurrence makes when nothing is lost
    const clean = await scenario({ lose: null, maxAttempts, slackDownFirst });
    expect(clean.requests.length).toBeGreaterThanOrEqual(5);
    expect(clean.requests.map((request) => request.operation)).toContain('TransactWriteItems');

    for (let lose = 1; lose <= clean.requests.length; lose += 1) {
      // Act
      const run = await scenario({ lose, maxAttempts, slackDownFirst });

      // Assess
      const lost = run.requests.find((request) => request.dropped);
      const where = `answer of request ${lose} (${lost?.operation ?? 'none'}) lost`;
      expect(lost, where).toBeDefined();
      expect({ where, outcome: run.repeat.outcome, slack: run.slackMessages }).toEqual({ where, outcome: 'suppressed', slack: 1 });
      expect({ where, event: run.event?.['status'] }).toEqual({ where, event: 'done' });
      expect({ where, total: run.state?.['totalCount'], repeats: run.state?.['repeatsSinceAlert'], hour: run.hour?.['count'] }).toEqual({
        where,
        total: 2,
        repeats: 1,
        hour: 2,
      });
    }
  }, 120_000);
});
