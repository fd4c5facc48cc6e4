import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES, OrgSnapshotStoreError, createDynamoDbOrgSnapshotStore } from '../../../shared/adapters/dynamodb-org-snapshot-store.js';
import { RETENTION_SECONDS, orgSnapshotHeadKey } from '../../../shared/core/alert/store-keys.js';
import type { OrgSnapshot } from '../../../shared/core/preflight/index.js';
import { generateOrganization } from '../../../bench/preflight.js';
import { japanSnapshot } from '../../fixtures/org/snapshot.js';
import { startDynalite, type LocalDynamoDb } from '../../helpers/dynalite.js';

const NOW = new Date('2026-12-01T09:00:00.000Z');
const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

describe('createDynamoDbOrgSnapshotStore (dynalite)', () => {
  let db: LocalDynamoDb;
  let doc: DynamoDBDocumentClient;
  let tables = 0;

  beforeAll(async () => {
    db = await startDynalite();
    doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: db.endpoint, region: 'ap-northeast-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }));
  });
  afterAll(async () => {
    doc.destroy();
    await db.stop();
  });

  async function freshTable(): Promise<string> {
    tables += 1;
    const name = `org-snapshot-${tables}`;
    await db.createTable(name);
    return name;
  }

  async function items(table: string, pk: string) {
    const out = await doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }));
    return out.Items ?? [];
  }

  it('returns null before anything is stored, then the snapshot it saved, at version 1', async () => {
    // Prepare
    const table = await freshTable();
    const store = createDynamoDbOrgSnapshotStore({ client: db.client, tableName: table, now: () => NOW });

    // Act
    const before = await store.load();
    const saved = await store.save(japanSnapshot(), null);
    const loaded = await store.load();

    // Assess
    expect(before).toBeNull();
    expect(saved).toEqual({ ok: true, version: 1 });
    expect(loaded).toEqual({ snapshot: japanSnapshot(), version: 1, savedAt: NOW.toISOString() });
    const head = (await doc.send(new GetCommand({ TableName: table, Key: orgSnapshotHeadKey() }))).Item;
    expect(head?.['ttl']).toBe(epoch(NOW) + RETENTION_SECONDS.orgSnapshot);
  });

  it('stores a 5,000-account organization (over the 400 KB item limit as JSON) and reads it back exactly', async () => {
    // Prepare: the bench's generated organization, with random account names so gzip cannot shrink it below one chunk
    const table = await freshTable();
    const org = generateOrganization(5_000, 200);
    for (const account of org.accounts) account.name = `app-${randomBytes(24).toString('base64url')}`;
    const json = Buffer.byteLength(JSON.stringify(org));
    const store = createDynamoDbOrgSnapshotStore({ client: db.client, tableName: table, now: () => NOW });

    // Act
    const saved = await store.save(org, null);
    const loaded = await store.load();

    // Assess
    expect(json).toBeGreaterThan(400 * 1024);
    expect(saved).toEqual({ ok: true, version: 1 });
    expect(loaded?.snapshot).toEqual(org);
    const head = (await doc.send(new GetCommand({ TableName: table, Key: orgSnapshotHeadKey() }))).Item ?? {};
    const chunks = await items(table, `ORGSNAP#${String(head['writeId'])}`);
    expect(chunks).toHaveLength(Number(head['chunks']));
    expect(chunks.every((item) => (item['data'] as Uint8Array).length <= CHUNK_BYTES)).toBe(true);
    expect(Number(head['bytes'])).toBeLessThan(json);
  });

  it('reads chunks across Query pages (DynamoDB pages at 1 MB)', async () => {
    // Prepare: ~2.4 MB of base64 description (~1.8 MB gzipped) in 300 KB chunks: more than one 1 MB page
    const table = await freshTable();
    const org = japanSnapshot();
    (org.policies[0] as { description: string }).description = randomBytes(1_800_000).toString('base64');
    const store = createDynamoDbOrgSnapshotStore({ client: db.client, tableName: table, now: () => NOW });
    const pages: number[] = [];
    db.client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (context.commandName === 'QueryCommand') pages.push(((out.output as { Items?: unknown[] }).Items ?? []).length);
        return out;
      },
      { step: 'initialize', name: 'countQueryPages' },
    );

    // Act
    await store.save(org, null);
    const loaded = await store.load();
    db.client.middlewareStack.remove('countQueryPages');

    // Assess
    expect(loaded?.snapshot).toEqual(org);
    const head = (await doc.send(new GetCommand({ TableName: table, Key: orgSnapshotHeadKey() }))).Item ?? {};
    expect(Number(head['chunks'])).toBeGreaterThanOrEqual(6);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.reduce((a, b) => a + b, 0)).toBe(Number(head['chunks']));
  });

  it('saves on the expected version only: a racing writer gets a conflict and leaves no chunks behind', async () => {
    // Prepare
    const table = await freshTable();
    const store = createDynamoDbOrgSnapshotStore({ client: db.client, tableName: table, now: () => NOW });
    await store.save(japanSnapshot(), null);
    const moved = japanSnapshot();
    (moved.accounts[0] as { parentId: string }).parentId = 'ou-ab12-strict12';
    const other = japanSnapshot('2026-12-01T08:00:00.000Z');

    // Act: two writers both read version 1
    const [first, second] = await Promise.all([store.save(moved, 1), store.save(other, 1)]);
    const stale = await store.save(japanSnapshot(), null);

    // Assess: exactly one wins; the loser's chunks are deleted, the winner's stored
    const results = [first, second].sort((a, b) => Number(b.ok) - Number(a.ok));
    expect(results).toEqual([{ ok: true, version: 2 }, { ok: false, reason: 'conflict', currentVersion: 2 }]);
    expect(stale).toEqual({ ok: false, reason: 'conflict', currentVersion: 2 });
    const loaded = await store.load();
    expect(loaded?.version).toBe(2);
    expect([moved, other]).toContainEqual(loaded?.snapshot);
    const scan = await db.client.send(new (await import('@aws-sdk/client-dynamodb')).ScanCommand({ TableName: table }));
    const chunkPartitions = new Set((scan.Items ?? []).map((item) => item['pk']?.S ?? '').filter((pk) => pk.startsWith('ORGSNAP#')));
    // The first save's chunks (superseded) and the winner's; none of the losers'.
    expect(chunkPartitions.size).toBe(2);
  });

  it('keeps superseded chunks an hour (a load in flight can finish), the current ones 35 days', async () => {
    // Prepare
    const table = await freshTable();
    let now = NOW;
    const store = createDynamoDbOrgSnapshotStore({ client: db.client, tableName: table, now: () => now });
    await store.save(japanSnapshot(), null);
    const firstWrite = String((await doc.send(new GetCommand({ TableName: table, Key: orgSnapshotHeadKey() }))).Item?.['writeId']);
    now = new Date(NOW.getTime() + 86_400_000);

    // Act
    await store.save(japanSnapshot('2026-12-02T09:00:00.000Z'), 1);

    // Assess
    const secondWrite = String((await doc.send(new GetCommand({ TableName: table, Key: orgSnapshotHeadKey() }))).Item?.['writeId']);
    expect((await items(table, `ORGSNAP#${firstWrite}`)).map((item) => item['ttl'])).toEqual([epoch(now) + RETENTION_SECONDS.supersededOrgSnapshot]);
    expect((await items(table, `ORGSNAP#${secondWrite}`)).map((item) => item['ttl'])).toEqual([epoch(now) + RETENTION_SECONDS.orgSnapshot]);
    expect((await store.load())?.snapshot.takenAt).toBe('2026-12-02T09:00:00.000Z');
  });

  it('treats an expired head (TTL passed, not yet deleted by DynamoDB) as nothing stored, and a first save replaces it', async () => {
    // Prepare
    const table = await freshTable();
    let now = NOW;
    const store = createDynamoDbOrgSnapshotStore({ client: db.client, tableName: table, now: () => now });
    await store.save(japanSnapshot(), null);
    now = new Date(NOW.getTime() + (RETENTION_SECONDS.orgSnapshot + 1) * 1000);

    // Act
    const expired = await store.load();
    const saved = await store.save(japanSnapshot('2027-01-10T00:00:00.000Z'), null);

    // Assess
    expect(expired).toBeNull();
    expect(saved).toEqual({ ok: true, version: 1 });
    expect((await store.load())?.snapshot.takenAt).toBe('2027-01-10T00:00:00.000Z');
  });

  it('refuses a stored snapshot that is incomplete, tampered with or invalid, naming the problem', async () => {
    // Prepare
    const table = await freshTable();
    const store = createDynamoDbOrgSnapshotStore({ client: db.client, tableName: table, now: () => NOW, chunkBytes: 200 });
    await store.save(japanSnapshot(), null);
    const head = (await doc.send(new GetCommand({ TableName: table, Key: orgSnapshotHeadKey() }))).Item ?? {};
    const pk = `ORGSNAP#${String(head['writeId'])}`;
    const chunks = await items(table, pk);

    // Act / Assess: a missing chunk
    await doc.send(new DeleteCommand({ TableName: table, Key: { pk, sk: chunks[1]?.['sk'] } }));
    await expect(store.load()).rejects.toThrow(/incomplete: \d+ of \d+ chunks/);
    // a chunk with other bytes of the same length
    await doc.send(new PutCommand({ TableName: table, Item: { ...chunks[1], data: Buffer.alloc((chunks[1]?.['data'] as Uint8Array).length, 7) } }));
    await expect(store.load()).rejects.toThrow(/fails its SHA-256 check/);
    // a head that is not a head
    await doc.send(new UpdateCommand({ TableName: table, Key: orgSnapshotHeadKey(), UpdateExpression: 'REMOVE sha256' }));
    await expect(store.load()).rejects.toBeInstanceOf(OrgSnapshotStoreError);
  });

  it('refuses to store a snapshot that does not fit, before writing anything', async () => {
    // Prepare
    const table = await freshTable();
    const store = createDynamoDbOrgSnapshotStore({ client: db.client, tableName: table, now: () => NOW, chunkBytes: 10 });
    const org: OrgSnapshot = japanSnapshot();

    // Act / Assess
    await expect(store.save(org, null)).rejects.toThrow(/bytes gzipped, over the 640 bytes the store holds/);
    expect(await store.load()).toBeNull();
  });
});
