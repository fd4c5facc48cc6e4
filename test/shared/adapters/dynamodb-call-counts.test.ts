import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallCountReadError, createDynamoDbCallCountReader } from '../../../shared/adapters/dynamodb-call-count-reader.js';
import { createDynamoDbCallCountWriter, MAX_ERROR_CODES } from '../../../shared/adapters/dynamodb-call-counts.js';
import type { DynamoDBClient as Client } from '@aws-sdk/client-dynamodb';

/** The writer (replay) and the reader (digest) over one table, as the two functions use them. */
function createDynamoDbCallCounts(options: { client: Client; tableName: string; onInvalidItem?: (item: { pk: string; sk: string; reason: string }) => void }) {
  return { ...createDynamoDbCallCountWriter(options), ...createDynamoDbCallCountReader(options) };
}
import type { DailyIntermittencyRow } from '../../../shared/core/history/intermittency.js';
import { startDynalite, type LocalDynamoDb } from '../../helpers/dynalite.js';

const PROFILE = 'apac.anthropic.claude-sonnet-4-5-20250929-v1:0';

function row(overrides: Partial<DailyIntermittencyRow> = {}): DailyIntermittencyRow {
  return {
    day: '2026-11-27', accountId: '111122223333', profile: PROFILE, sourceRegion: 'ap-northeast-1', calls: 10, successes: 7, failures: 3, failedShare: 0.3,
    successesByRegion: { 'ap-northeast-1': 4, 'ap-northeast-3': 3 }, denialsByRegion: { 'ap-south-1': 2 }, otherErrors: { ThrottlingException: 1 }, deniedBy: ['p-tokyoonly'],
    ...overrides,
  };
}

describe('the call-count writer and reader on dynalite', () => {
  let db: LocalDynamoDb;
  let doc: DynamoDBDocumentClient;
  const tableName = 'call-counts-test';

  beforeAll(async () => {
    db = await startDynalite();
    await db.createTable(tableName);
    doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: db.endpoint, region: 'ap-northeast-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  });
  afterAll(async () => {
    doc.destroy();
    await db.stop();
  });

  it('adds counts atomically: two concurrent writers of the same day and key sum exactly', async () => {
    // Prepare
    const store = createDynamoDbCallCounts({ client: db.client, tableName });
    // Act
    const results = await Promise.all([store.addCalls([row()]), store.addCalls([row({ deniedBy: ['p-other0001'] })]), store.addCalls([row({ day: '2026-11-28' })])]);
    // Assess
    expect(results.map((r) => r.written)).toEqual([1, 1, 1]);
    expect(await store.listDay('2026-11-27')).toEqual([
      {
        accountId: '111122223333', profile: PROFILE, sourceRegion: 'ap-northeast-1', calls: 20, successes: 14, failures: 6, failedShare: 0.3,
        successesByRegion: { 'ap-northeast-1': 8, 'ap-northeast-3': 6 }, denialsByRegion: { 'ap-south-1': 4 }, otherErrors: { ThrottlingException: 2 }, deniedBy: ['p-other0001', 'p-tokyoonly'],
      },
    ]);
    expect((await store.listDay('2026-11-28'))[0]?.calls).toBe(10);
  });

  it('keys a profile too long for a sort key by its hash, keeps it whole, and sets a TTL 35 days after the day', async () => {
    const store = createDynamoDbCallCounts({ client: db.client, tableName });
    const long = `arn:aws:bedrock:ap-northeast-1:111122223333:application-inference-profile/${'x'.repeat(1500)}`;
    await store.addCalls([row({ day: '2026-11-20', profile: long })]);
    const [read] = await store.listDay('2026-11-20');
    expect(read?.profile).toBe(long);
    const item = await db.client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'CALLS#2026-11-20' }, sk: { S: `111122223333#ap-northeast-1#sha256:${(await import('node:crypto')).createHash('sha256').update(long).digest('hex')}` } } }));
    expect(item.Item?.ttl?.N).toBe(String(Date.parse('2026-11-21T00:00:00Z') / 1000 + 35 * 24 * 3600));
  });

  it(`bounds the item: at most ${MAX_ERROR_CODES} error codes per write, odd Region keys and codes folded into other`, async () => {
    const store = createDynamoDbCallCounts({ client: db.client, tableName });
    const otherErrors = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`Error${i}Exception`, 40 - i]));
    await store.addCalls([row({ day: '2026-11-21', otherErrors, successesByRegion: { 'not a region': 2 }, denialsByRegion: { unknown: 1 } })]);
    const [read] = await store.listDay('2026-11-21');
    expect(Object.keys(read?.otherErrors ?? {})).toHaveLength(MAX_ERROR_CODES);
    expect(read?.otherErrors['Error0Exception']).toBe(40);
    expect(Object.values(read?.otherErrors ?? {}).reduce((a, b) => a + b, 0)).toBe(Object.values(otherErrors).reduce((a, b) => a + b, 0));
    expect(read?.successesByRegion).toEqual({ other: 2 });
    expect(read?.denialsByRegion).toEqual({ unknown: 1 });
  });

  it('skips and reports an item that is not call counts, reads the rest, and refuses a malformed day', async () => {
    const skipped: string[] = [];
    const store = createDynamoDbCallCounts({ client: db.client, tableName, onInvalidItem: (item) => skipped.push(`${item.sk}: ${item.reason}`) });
    await store.addCalls([row({ day: '2026-11-22' })]);
    await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'CALLS#2026-11-22', sk: 'bad', profile: PROFILE, calls: 'many' } }));
    expect((await store.listDay('2026-11-22')).map((r) => r.calls)).toEqual([10]);
    expect(skipped).toEqual(['bad: calls is not a non-negative integer']);
    await expect(store.listDay('2026-11')).rejects.toBeInstanceOf(CallCountReadError);
  });

  it('counts calls without a readable day as failures instead of writing them anywhere', async () => {
    const store = createDynamoDbCallCounts({ client: db.client, tableName });
    const result = await store.addCalls([row({ day: 'unknown' })]);
    expect(result).toEqual({ written: 0, failures: 1, firstError: expect.stringMatching(/eventTime/) });
  });
});
