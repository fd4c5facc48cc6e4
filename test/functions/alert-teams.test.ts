import { GetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildAlertDependencies, createAlertHandler } from '../../functions/alert.js';
import { createDynamoDbAlertStore } from '../../shared/adapters/dynamodb-alert-store.js';
import { createSlackNotifier } from '../../shared/adapters/slack-webhook.js';
import { createTeamsNotifier } from '../../shared/adapters/teams-webhook.js';
import { classifyRecord } from '../../shared/core/classify/classify.js';
import { DeliveryError } from '../../shared/core/errors.js';
import { suggestFix } from '../../shared/core/fix/suggest-fix.js';
import type { ProcessAlertDependencies } from '../../shared/core/alert/process.js';
import { loadBundledCatalog } from '../../shared/core/classify/profile-catalog.js';
import { eventKey } from '../../shared/core/alert/store-keys.js';
import { teamsCardLines, type TeamsMessage } from '../../shared/core/render/teams.js';
import type { LocalDynamoDb } from '../helpers/dynalite.js';
import { DYNAMODB_LOCAL_START_TIMEOUT_MS, startTransactionalDynamoDb } from '../helpers/dynamodb-local.js';
import { loadEvent } from '../helpers/load-event.js';
import { startSlackServer, type SlackServer } from '../helpers/slack-server.js';
import { startTeamsServer, type TeamsServer } from '../helpers/teams-server.js';

/** The alert function with a Microsoft Teams webhook beside Slack: each channel delivered and recorded on its own. */

const SAMPLE = 'eventbridge/cross-region-scp-apac-converse.json';
const catalog = loadBundledCatalog();
type Sample = { detail: Record<string, any> & { eventID: string } };

let db: LocalDynamoDb;
let slack: SlackServer;
let teams: TeamsServer;
let doc: DynamoDBDocumentClient;
let tableName: string;
let counter = 0;

const context = { functionName: 'cris-auditor-test-alert', awsRequestId: 'request-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

function sampleEvent(eventId: string, change?: (event: Sample) => void): Sample {
  const event = loadEvent<Sample>(SAMPLE);
  event.detail.eventID = eventId;
  change?.(event);
  return event;
}

function dependencies(): ProcessAlertDependencies {
  const retry = { baseDelayMs: 5, maxDelayMs: 20, totalTimeoutMs: 5000 };
  return {
    store: createDynamoDbAlertStore({ client: db.client, tableName }),
    notifiers: {
      slack: createSlackNotifier({ webhookUrl: () => slack.url, lang: 'en', retry }),
      teams: createTeamsNotifier({ webhookUrl: () => teams.url, lang: 'en', retry: { ...retry, maxAttempts: 2 } }),
    },
    classify: (record) => classifyRecord(record, { catalog }),
    suggestFix: (finding) => suggestFix(finding, { catalog, lang: 'en' }),
    windowMinutes: 60,
  };
}

function cardLines(index = 0): string[] {
  return teamsCardLines(teams.delivered()[index] as unknown as TeamsMessage);
}

beforeAll(async () => {
  [db, slack, teams] = await Promise.all([startTransactionalDynamoDb(), startSlackServer(), startTeamsServer()]);
  doc = DynamoDBDocumentClient.from(db.client);
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all([db.stop(), slack.stop(), teams.stop()]);
});
beforeEach(async () => {
  counter += 1;
  tableName = `alerts-teams-${counter}`;
  await db.createTable(tableName);
  slack.reset();
  teams.reset();
});

describe('alert handler with a Teams webhook', () => {
  it('posts one valid Adaptive Card with the same facts as the Slack message', async () => {
    const outcome = await createAlertHandler(dependencies())(sampleEvent('evt-teams-1'), context);
    expect(outcome).toMatchObject({ outcome: 'sent', channels: ['slack', 'teams'] });
    expect(teams.requests.map((request) => [request.status, request.problem])).toEqual([[202, null]]);
    const lines = cardLines();
    expect(lines[0]).toBe('🔴 Cross-Region inference blocked by a region-deny SCP');
    expect(lines).toContain('Source → denied Region: ap-northeast-1 → ap-southeast-1');
    expect(lines.some((line) => line.startsWith('Recommended fix: '))).toBe(true);
    const slackText = JSON.stringify(slack.delivered()[0]);
    for (const identifier of ['111122223333', 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0', 'ap-southeast-1']) {
      expect(slackText).toContain(identifier);
      expect(lines.join('\n')).toContain(identifier);
    }
  });

  it('fails when Teams refuses, keeps Slack recorded as delivered, and the retry posts only to Teams', async () => {
    // Prepare
    const handler = createAlertHandler(dependencies());
    teams.answer({ status: 502 }, { status: 502 });

    // Act
    const failure = await handler(sampleEvent('evt-teams-down'), context).then(
      () => null,
      (error: unknown) => error,
    );

    // Assess
    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as Error).message).toMatch(/^alert delivery failed on teams \(DeliveryError: Teams webhook did not accept the message after retries: HTTP 502/);
    const record = (await doc.send(new GetCommand({ TableName: tableName, Key: eventKey('evt-teams-down'), ConsistentRead: true }))).Item;
    expect(record).toMatchObject({ status: 'failed', deliveredChannels: new Set(['slack']) });

    // Act: the retry
    const retry = await handler(sampleEvent('evt-teams-down'), context);

    // Assess: Teams once, Slack not repeated
    expect(retry).toMatchObject({ outcome: 'sent', channels: ['teams'], alreadyDelivered: ['slack'] });
    expect(teams.delivered()).toHaveLength(1);
    expect(slack.delivered()).toHaveLength(1);
  });

  it('keeps hostile record fields inert in the card', async () => {
    await createAlertHandler(dependencies())(
      sampleEvent('evt-teams-hostile', (sample) => {
        sample.detail.userIdentity.arn = 'arn:aws:sts::111122223333:assumed-role/app/<at>all</at> **bold** [click](https://evil.example)';
        sample.detail.userAgent = 'ua\u202Egnp.exe <at>everyone</at>';
        sample.detail.requestParameters.modelId = 'apac.[x](https://evil.example)';
      }),
      context,
    );
    expect(teams.requests[0]?.problem).toBeNull();
    const lines = cardLines();
    expect(lines).toContain('Principal: arn:aws:sts::111122223333:assumed-role/app/<at>all</at> **bold** [click](https:∕∕evil.example)');
    expect(lines).toContain('Profile / model: apac.[x](https:∕∕evil.example)');
    expect(lines.find((line) => line.startsWith('Caller: '))).toBe('Caller: ua[U+202E]gnp.exe <at>everyone</at> 203.0.113.25');
    expect(teams.requests[0]?.body).not.toContain('https://evil');
  });

  it('builds the Teams channel from TEAMS_WEBHOOK_URL and writes Japanese with LOCALE=ja', async () => {
    vi.stubEnv('TABLE_NAME', tableName);
    vi.stubEnv('TEAMS_WEBHOOK_URL', teams.url);
    vi.stubEnv('LOCALE', 'ja');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
    try {
      const outcome = await createAlertHandler(() => buildAlertDependencies())(sampleEvent('evt-teams-env'), context);
      expect(outcome).toMatchObject({ outcome: 'sent', channels: ['teams'] });
    } finally {
      vi.unstubAllEnvs();
    }
    expect(cardLines()[0]).toBe('🔴 クロスリージョン推論がリージョン制限 SCP で拒否されました');
    expect(slack.requests).toHaveLength(0);
  });
});
