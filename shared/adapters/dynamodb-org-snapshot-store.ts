import { createHash, randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RETENTION_SECONDS, TABLE_KEYS, orgSnapshotChunkKey, orgSnapshotHeadKey } from '../core/alert/store-keys.js';
import type { OrgSnapshotSaveResult, OrgSnapshotStore } from '../core/ports.js';
import type { OrgSnapshot } from '../core/preflight/index.js';
import { OrgSnapshotStoreError, epoch, headOf, orgSnapshotReads, type Head } from './dynamodb-org-snapshot-reader.js';

export { OrgSnapshotStoreError } from './dynamodb-org-snapshot-reader.js';

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

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}

/** Creates the store; see the module comment for the layout and the concurrency contract. */
export function createDynamoDbOrgSnapshotStore(options: DynamoDbOrgSnapshotStoreOptions): OrgSnapshotStore {
  const doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { convertClassInstanceToMap: false } });
  const TableName = options.tableName;
  const now = options.now ?? (() => new Date());
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;

  const { readHead, load } = orgSnapshotReads(doc, TableName, now);

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
