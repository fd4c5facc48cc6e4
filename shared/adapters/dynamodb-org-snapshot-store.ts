import { createHash, randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RETENTION_SECONDS, TABLE_KEYS, orgSnapshotChunkKey, orgSnapshotChunkPartition, orgSnapshotHeadKey } from '../core/alert/store-keys.js';
import { CrisAuditorError } from '../core/errors.js';
import type { OrgSnapshotSaveResult, OrgSnapshotStore, StoredOrgSnapshot } from '../core/ports.js';
import { parseOrgSnapshot, type OrgSnapshot } from '../core/preflight/index.js';

/**
 * The organization snapshot in the stack's existing DynamoDB table, gzipped and cut into chunks.
 *
 * Why DynamoDB and not S3: the table already exists with encryption at rest, point-in-time recovery,
 * deletion protection and TTL, and every function already holds a client for it, so the feature adds
 * no bucket (no bucket policy, public-access block, lifecycle or SSE settings to get right) and no
 * `@aws-sdk/client-s3` in the bundles; tests run against dynalite, which enforces DynamoDB's 400 KB
 * item limit and its conditional writes, where S3 would need a hand-written loopback server for
 * `If-Match` semantics. The cost: a snapshot is limited to {@link MAX_CHUNKS} × {@link CHUNK_BYTES}
 * of gzip (about 19 MB; a 5,000-account organization compresses to a few hundred kilobytes).
 *
 * Atomicity without transactions (TransactWriteItems caps at 100 items and 4 MB): each save writes
 * its chunks under a fresh write ID (`ORGSNAP#<writeId>`, never shared by two writers), then flips
 * the single head item (`ORGSNAP`/`HEAD`) with a conditional PutItem on the expected version. The
 * head flip is the commit point: a reader sees the old snapshot or the new one, never a mix; a
 * loser of the race deletes its own chunks and gets `conflict`. The winner shortens the TTL of the
 * superseded chunks to an hour, so a load that read the old head can still finish. Every load
 * checks the chunk count, byte length and SHA-256 recorded in the head before it parses.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html
 */

/** Bytes of gzip per chunk item: under the 400 KB item limit with room for keys and attribute names. */
export const CHUNK_BYTES = 300_000;
/** Chunks a snapshot may take. */
export const MAX_CHUNKS = 64;

/** Options of {@link createDynamoDbOrgSnapshotStore}. */
export interface DynamoDbOrgSnapshotStoreOptions {
  /** A DynamoDB client (its endpoint comes from `AWS_ENDPOINT_URL_DYNAMODB` or its own config). */
  client: DynamoDBClient;
  tableName: string;
  /** Clock for `savedAt` and TTLs (tests). */
  now?: () => Date;
  /** Bytes per chunk (tests use small chunks to exercise many of them); default {@link CHUNK_BYTES}. */
  chunkBytes?: number;
}

/** The stored snapshot could not be read or written; the message says which and why. */
export class OrgSnapshotStoreError extends CrisAuditorError {
  /** The version of the stored head when it could be read (a refresh overwrites that version), else null. */
  public readonly version: number | null;

  public constructor(message: string, options?: { cause?: unknown; version?: number | null }) {
    super(message, options);
    this.name = 'OrgSnapshotStoreError';
    this.version = options?.version ?? null;
  }
}

interface Head {
  version: number;
  writeId: string;
  chunks: number;
  bytes: number;
  sha256: string;
  savedAt: string;
  ttl: number;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}

function headOf(item: Record<string, unknown> | undefined): Head | null {
  if (item === undefined) return null;
  const { version, writeId, chunks, bytes, sha256, savedAt, ttl } = item;
  if (typeof version !== 'number' || typeof writeId !== 'string' || typeof chunks !== 'number' || typeof bytes !== 'number' || typeof sha256 !== 'string') {
    throw new OrgSnapshotStoreError('the stored snapshot head is malformed (version, writeId, chunks, bytes, sha256)', { version: typeof version === 'number' ? version : null });
  }
  return { version, writeId, chunks, bytes, sha256, savedAt: typeof savedAt === 'string' ? savedAt : '', ttl: typeof ttl === 'number' ? ttl : Number.POSITIVE_INFINITY };
}

const epoch = (date: Date): number => Math.floor(date.getTime() / 1000);

/** Creates the store; see the module comment for the layout and the concurrency contract. */
export function createDynamoDbOrgSnapshotStore(options: DynamoDbOrgSnapshotStoreOptions): OrgSnapshotStore {
  const doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { convertClassInstanceToMap: false } });
  const TableName = options.tableName;
  const now = options.now ?? (() => new Date());
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;

  async function readHead(): Promise<Head | null> {
    const out = await doc.send(new GetCommand({ TableName, Key: orgSnapshotHeadKey(), ConsistentRead: true }));
    return headOf(out.Item);
  }

  async function readChunks(writeId: string): Promise<Buffer[]> {
    const parts: Buffer[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.partition },
          ExpressionAttributeValues: { ':pk': orgSnapshotChunkPartition(writeId) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const data = item['data'];
        if (!(data instanceof Uint8Array)) throw new OrgSnapshotStoreError(`chunk ${String(item[TABLE_KEYS.sort])} of snapshot write ${writeId} has no binary data`);
        parts.push(Buffer.from(data));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return parts;
  }

  async function load(): Promise<StoredOrgSnapshot | null> {
    // A save may supersede the head between the two reads: retry on the new head, a few times.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const head = await readHead();
      // DynamoDB deletes expired items lazily (within days): an expired head counts as gone.
      if (head === null || head.ttl <= epoch(now())) return null;
      const parts = await readChunks(head.writeId);
      const gzip = Buffer.concat(parts);
      if (parts.length !== head.chunks || gzip.length !== head.bytes) {
        const again = await readHead();
        if (again !== null && again.writeId !== head.writeId) continue;
        throw new OrgSnapshotStoreError(
          `stored snapshot version ${head.version} is incomplete: ${parts.length} of ${head.chunks} chunks, ${gzip.length} of ${head.bytes} bytes (expired chunks? run the refresh)`,
          { version: head.version },
        );
      }
      if (createHash('sha256').update(gzip).digest('hex') !== head.sha256) throw new OrgSnapshotStoreError(`stored snapshot version ${head.version} fails its SHA-256 check`, { version: head.version });
      let parsed: unknown;
      try {
        parsed = JSON.parse(gunzipSync(gzip).toString('utf8'));
      } catch (error) {
        throw new OrgSnapshotStoreError(`stored snapshot version ${head.version} is not gzipped JSON`, { cause: error, version: head.version });
      }
      const snapshot = parseOrgSnapshot(parsed);
      if (!snapshot.ok) throw new OrgSnapshotStoreError(`stored snapshot version ${head.version} is invalid: ${snapshot.reason}`, { version: head.version });
      return { snapshot: snapshot.value, version: head.version, savedAt: head.savedAt };
    }
    throw new OrgSnapshotStoreError('the stored snapshot kept changing while it was read; try again');
  }

  async function deleteChunks(writeId: string, count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, (_, index) => doc.send(new DeleteCommand({ TableName, Key: orgSnapshotChunkKey(writeId, index) }))));
  }

  async function expireChunks(head: Head, at: number): Promise<void> {
    await Promise.all(
      Array.from({ length: head.chunks }, async (_, index) => {
        try {
          await doc.send(
            new UpdateCommand({
              TableName,
              Key: orgSnapshotChunkKey(head.writeId, index),
              UpdateExpression: 'SET #ttl = :ttl',
              ConditionExpression: 'attribute_exists(#pk)',
              ExpressionAttributeNames: { '#ttl': TABLE_KEYS.ttl, '#pk': TABLE_KEYS.partition },
              ExpressionAttributeValues: { ':ttl': at },
            }),
          );
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }),
    );
  }

  async function save(snapshot: OrgSnapshot, expectedVersion: number | null): Promise<OrgSnapshotSaveResult> {
    const gzip = gzipSync(Buffer.from(JSON.stringify(snapshot), 'utf8'));
    const count = Math.max(1, Math.ceil(gzip.length / chunkBytes));
    if (count > MAX_CHUNKS) {
      throw new OrgSnapshotStoreError(`the snapshot is ${gzip.length} bytes gzipped, over the ${MAX_CHUNKS * chunkBytes} bytes the store holds`);
    }
    const savedAt = now();
    const ttl = epoch(savedAt) + RETENTION_SECONDS.orgSnapshot;
    const writeId = randomUUID();
    await Promise.all(
      Array.from({ length: count }, (_, index) =>
        doc.send(
          new PutCommand({
            TableName,
            Item: { ...orgSnapshotChunkKey(writeId, index), data: gzip.subarray(index * chunkBytes, (index + 1) * chunkBytes), [TABLE_KEYS.ttl]: ttl },
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': TABLE_KEYS.partition },
          }),
        ),
      ),
    );
    const version = (expectedVersion ?? 0) + 1;
    let previous: Head | null;
    try {
      const out = await doc.send(
        new PutCommand({
          TableName,
          Item: {
            ...orgSnapshotHeadKey(),
            version,
            writeId,
            chunks: count,
            bytes: gzip.length,
            sha256: createHash('sha256').update(gzip).digest('hex'),
            savedAt: savedAt.toISOString(),
            takenAt: snapshot.takenAt,
            [TABLE_KEYS.ttl]: ttl,
          },
          ...(expectedVersion === null
            ? {
                // Nothing stored, or only an expired head DynamoDB has not deleted yet (what `load` reports as null).
                ConditionExpression: 'attribute_not_exists(#pk) OR #ttl <= :now',
                ExpressionAttributeNames: { '#pk': TABLE_KEYS.partition, '#ttl': TABLE_KEYS.ttl },
                ExpressionAttributeValues: { ':now': epoch(savedAt) },
              }
            : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expectedVersion } }),
          ReturnValues: 'ALL_OLD',
        }),
      );
      previous = headOf(out.Attributes);
    } catch (error) {
      await deleteChunks(writeId, count);
      if (!isConditionFailure(error)) throw error;
      const current = await readHead();
      return { ok: false, reason: 'conflict', currentVersion: current?.version ?? null };
    }
    if (previous !== null) await expireChunks(previous, epoch(savedAt) + RETENTION_SECONDS.supersededOrgSnapshot);
    return { ok: true, version };
  }

  return { load, save };
}
