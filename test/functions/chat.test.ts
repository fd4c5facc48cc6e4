import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertHandler } from '../../functions/alert.js';
import { createChatActionHandler, type ChatActionDependencies } from '../../functions/chat.js';
import { createCloudTrailLookup } from '../../shared/adapters/cloudtrail-lookup.js';
import { createDynamoDbAlertStore } from '../../shared/adapters/dynamodb-alert-store.js';
import { createDynamoDbFindingReader } from '../../shared/adapters/dynamodb-finding-reader.js';
import { classifyRecord } from '../../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../../shared/core/classify/profile-catalog.js';
import { suggestFix } from '../../shared/core/fix/suggest-fix.js';
import type { CloudTrailRecord, ScpDocument } from '../../shared/core/types.js';
import { startCloudTrailServer, type CloudTrailServer } from '../helpers/cloudtrail-server.js';
import type { LocalDynamoDb } from '../helpers/dynalite.js';
import { DYNAMODB_LOCAL_START_TIMEOUT_MS, startTransactionalDynamoDb } from '../helpers/dynamodb-local.js';
import { loadEvent } from '../helpers/load-event.js';

/** The function behind the Q Developer buttons, against dynalite and the loopback CloudTrail. */

const catalog = loadBundledCatalog();
const NOW = Date.parse('2026-11-27T12:00:00Z');
const context = { functionName: 'cris-test-chat', awsRequestId: 'request-1', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;
const REGION_DENY: ScpDocument = {
  id: 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1',
  name: 'RegionDeny',
  content: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'DenyAllOutsideApprovedRegions', Effect: 'Deny', NotAction: ['iam:*', 'organizations:*', 'sts:*'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['ap-northeast-1', 'ap-northeast-3'] } } }],
  }),
};

let db: LocalDynamoDb;
let cloudtrail: CloudTrailServer;
const tableName = 'chat-actions';

function deps(overrides: Partial<ChatActionDependencies> = {}): ChatActionDependencies {
  return {
    lookup: createCloudTrailLookup({ clientFor: (region) => new CloudTrailClient({ region, endpoint: cloudtrail.endpoint, maxAttempts: 1 }), rate: { ratePerSecond: 10_000, burst: 10_000 } }),
    findings: createDynamoDbFindingReader({ client: db.client, tableName }),
    classify: (record) => classifyRecord(record, { catalog }),
    suggestFix: (finding, scps) => suggestFix(finding, scps === undefined ? { catalog, lang: 'en' } : { catalog, lang: 'en', scps }),
    defaultRegions: ['ap-northeast-1'],
    lang: 'en',
    now: () => NOW,
    ...overrides,
  };
}

beforeAll(async () => {
  [db, cloudtrail] = await Promise.all([startTransactionalDynamoDb(), startCloudTrailServer()]);
  await db.createTable(tableName);
  const record = loadEvent<CloudTrailRecord>('cloudtrail/cross-region-scp-apac-converse.json');
  record.eventTime = new Date(NOW - 3600_000).toISOString();
  cloudtrail.setEvents('ap-northeast-1', [
    { EventId: String(record.eventID), EventName: String(record.eventName), EventTime: (NOW - 3600_000) / 1000, EventSource: 'bedrock.amazonaws.com', CloudTrailEvent: JSON.stringify(record) },
  ]);
}, DYNAMODB_LOCAL_START_TIMEOUT_MS);
afterAll(async () => {
  await Promise.all([db.stop(), cloudtrail.close()]);
});

describe('chat action function', () => {
  it('replays the last 24 h of one account, read-only, and lists its cross-Region SCP problems', async () => {
    const answer = await createChatActionHandler(deps())({ r: '111122223333' }, context);
    expect(answer.ok).toBe(true);
    expect(answer.lines[0]).toMatch(/^Account 111122223333, 2026-11-26T12:00:00(\.000)?Z to 2026-11-27T12:00:00(\.000)?Z: 1 records, 1 denials, 1 cross-Region SCP problems$/);
    expect(answer.lines[1]).toMatch(/^1× apac\.anthropic\.claude-3-5-sonnet-20241022-v2:0 ap-northeast-1 → ap-southeast-1 → /);
  });

  it('explains a stored alert again with the SCPs read now, and says the fix is verified', async () => {
    // Prepare: the alert function stored the finding (without SCPs: unverified)
    const event = loadEvent<{ detail: Record<string, unknown> }>('eventbridge/cross-region-scp-apac-converse.json');
    const outcome = await createAlertHandler({
      store: createDynamoDbAlertStore({ client: db.client, tableName }),
      notifiers: { sns: { notify: async () => undefined } },
      classify: (record) => classifyRecord(record, { catalog }),
      suggestFix: (finding) => suggestFix(finding, { catalog, lang: 'en' }),
      windowMinutes: 60,
    })(event, context);
    if (outcome.outcome !== 'sent') throw new Error(`expected an alert, got ${outcome.outcome}`);
    const asked: string[] = [];

    // Act
    const answer = await createChatActionHandler(deps({ scpsFor: async (accountId) => (asked.push(accountId), { ok: true, value: [[REGION_DENY]] }) }))({ e: outcome.fingerprint }, context);

    // Assess
    expect(asked).toEqual(['111122223333']);
    expect(answer.ok).toBe(true);
    expect(answer.lines[0]).toBe('cross-region-scp: apac.anthropic.claude-3-5-sonnet-20241022-v2:0 ap-northeast-1 → ap-southeast-1 (111122223333)');
    expect(answer.lines.some((line) => line.endsWith('— verified against the SCPs in force'))).toBe(true);
  });

  it('answers a fingerprint it has never stored, and a payload it cannot read, with the reason', async () => {
    const handler = createChatActionHandler(deps());
    expect(await handler({ e: 'f'.repeat(32) }, context)).toEqual({ ok: false, lines: ['No stored alert has this fingerprint (alerts are kept 35 days)'] });
    expect(await handler({ r: '$accountId' }, context)).toEqual({ ok: false, lines: ['"r" must be a 12-digit account ID'] });
  });
});
