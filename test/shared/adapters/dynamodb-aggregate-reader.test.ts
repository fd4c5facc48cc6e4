import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateReadError, createDynamoDbAggregateReader, type InvalidAggregateItem } from '../../../shared/adapters/dynamodb-aggregate-reader.js';
import { ITEM_ATTRIBUTES as A, stateKey } from '../../../shared/core/alert/store-keys.js';
import { observeQueries, putAggregateItem } from '../../helpers/aggregate-items.js';
import { startDynalite, type LocalDynamoDb } from '../../helpers/dynalite.js';
import { makeFinding, makeFix } from '../core/digest/digest-fixtures.js';

describe('createDynamoDbAggregateReader', () => {
  let db: LocalDynamoDb;
  let doc: DynamoDBDocumentClient;
  const table = 'aggregate-reader-test';

  beforeAll(async () => {
    db = await startDynalite();
    await db.createTable(table);
    // A separate writer client: DynamoDBDocumentClient.from() sets translateConfig on the client it wraps.
    doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: db.endpoint, region: 'ap-northeast-1' }));
  });
  afterAll(async () => {
    doc.destroy();
    await db.stop();
  });

  it('reads every fingerprint of one hour partition across pages, with exact counts', async () => {
    // Prepare: 25 fingerprints in 03:00, noise in the neighbouring hours and a STATE item
    const expected = new Map<string, number>();
    for (let i = 0; i < 25; i += 1) {
      const finding = makeFinding({ accountId: `1000000000${String(i).padStart(2, '0')}`, fix: makeFix() });
      const fingerprint = await putAggregateItem(doc, table, { finding, count: i + 1, firstSeen: '2026-11-27T03:01:00.000Z', lastSeen: '2026-11-27T03:59:00.000Z' });
      expected.set(fingerprint, i + 1);
    }
    await putAggregateItem(doc, table, { finding: makeFinding({ accountId: 'other-hour' }), count: 7, firstSeen: '2026-11-27T04:00:00.000Z', lastSeen: '2026-11-27T04:00:00.000Z' });
    await doc.send(new PutCommand({ TableName: table, Item: { ...stateKey('abc'), [A.totalCount]: 3 } }));
    const queries = observeQueries(db.client);
    const invalid: InvalidAggregateItem[] = [];
    const reader = createDynamoDbAggregateReader({ client: db.client, tableName: table, pageSize: 10, onInvalidItem: (item) => invalid.push(item) });

    // Act
    const aggregates = await reader.listHour('2026-11-27T03');

    // Assess
    expect(new Map(aggregates.map((a) => [a.fingerprint, a.count]))).toEqual(expected);
    expect(aggregates.every((a) => a.hour === '2026-11-27T03' && a.firstSeen === '2026-11-27T03:01:00.000Z' && a.lastSeen === '2026-11-27T03:59:00.000Z')).toBe(true);
    expect(aggregates[0]?.finding.fix?.recommended?.title).toBe('Allow the APAC profile only');
    expect(queries.pks).toEqual(['HOUR#2026-11-27T03', 'HOUR#2026-11-27T03', 'HOUR#2026-11-27T03']);
    expect(invalid).toEqual([]);
  });

  it('returns hostile strings exactly as stored, for the renderer to escape', async () => {
    // Prepare
    const payload = '<script>alert(1)</script>\u202E"><img src=x onerror=alert(1)>';
    const finding = makeFinding({ accountId: payload, reason: payload, principalArn: payload });
    await putAggregateItem(doc, table, { finding, count: 1, firstSeen: '2026-11-27T05:00:00.000Z', lastSeen: '2026-11-27T05:00:00.000Z' });
    const reader = createDynamoDbAggregateReader({ client: db.client, tableName: table, onInvalidItem: () => undefined });

    // Act
    const [aggregate] = await reader.listHour('2026-11-27T05');

    // Assess
    expect(aggregate?.finding).toMatchObject({ accountId: payload, reason: payload, principalArn: payload });
  });

  it('skips items that are not valid aggregates and reports each with a reason', async () => {
    // Prepare
    const base = { pk: 'HOUR#2026-11-27T06', [A.firstSeen]: '2026-11-27T06:00:00.000Z', [A.lastSeen]: '2026-11-27T06:00:00.000Z' };
    const good = JSON.stringify(makeFinding());
    await doc.send(new PutCommand({ TableName: table, Item: { ...base, sk: 'FP#bad-json', [A.count]: 1, [A.finding]: '{not json' } }));
    await doc.send(new PutCommand({ TableName: table, Item: { ...base, sk: 'FP#bad-count', [A.count]: -2, [A.finding]: good } }));
    await doc.send(new PutCommand({ TableName: table, Item: { ...base, sk: 'FP#no-verdict', [A.count]: 1, [A.finding]: '{"accountId":"1"}' } }));
    await doc.send(new PutCommand({ TableName: table, Item: { ...base, sk: 'FP#good', [A.count]: 2, [A.finding]: good } }));
    const invalid: InvalidAggregateItem[] = [];
    const reader = createDynamoDbAggregateReader({ client: db.client, tableName: table, onInvalidItem: (item) => invalid.push(item) });

    // Act
    const aggregates = await reader.listHour('2026-11-27T06');

    // Assess
    expect(aggregates.map((a) => [a.fingerprint, a.count])).toEqual([['good', 2]]);
    expect(invalid).toEqual([
      { pk: 'HOUR#2026-11-27T06', sk: 'FP#bad-count', reason: 'count is not a non-negative integer' },
      { pk: 'HOUR#2026-11-27T06', sk: 'FP#bad-json', reason: 'finding is not a finding' },
      { pk: 'HOUR#2026-11-27T06', sk: 'FP#no-verdict', reason: 'finding is not a finding' },
    ]);
  });

  it('returns nothing for an hour without denials', async () => {
    const reader = createDynamoDbAggregateReader({ client: db.client, tableName: table, onInvalidItem: () => undefined });
    expect(await reader.listHour('2026-01-01T00')).toEqual([]);
  });

  it('wraps a failed Query in an AggregateReadError naming the partition and table', async () => {
    // Prepare
    const reader = createDynamoDbAggregateReader({ client: db.client, tableName: 'no-such-table', onInvalidItem: () => undefined });

    // Act
    const error = await reader.listHour('2026-11-27T03').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(AggregateReadError);
    expect((error as Error).message).toBe('Query of HOUR#2026-11-27T03 in table no-such-table failed: ResourceNotFoundException');
  });

  it('refuses an hour bucket that is not yyyy-mm-ddThh', async () => {
    const reader = createDynamoDbAggregateReader({ client: db.client, tableName: table, onInvalidItem: () => undefined });
    await expect(reader.listHour('2026-11-27')).rejects.toThrow(/not yyyy-mm-ddThh/);
  });
});
