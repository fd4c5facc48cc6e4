import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { queryItems } from './dynamodb-query.js';
import { TABLE_KEYS, orgSnapshotChunkPartition, orgSnapshotHeadKey } from '../core/alert/store-keys.js';
import { CrisAuditorError } from '../core/errors.js';
import type { StoredOrgSnapshot } from '../core/ports.js';
import { parseOrgSnapshot } from '../core/preflight/index.js';

/**
 * The read half of the organization snapshot store (`dynamodb-org-snapshot-store.ts` has the layout
 * and the concurrency contract): GetItem of the head and one Query of its chunks, nothing else, so a
 * function that only reads the snapshot (the digest) imports this file and its role needs no write
 * action on the table.
 */

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

/** The head item: which write holds the current snapshot, and how to check it. */
export interface Head {
  version: number;
  writeId: string;
  chunks: number;
  bytes: number;
  sha256: string;
  savedAt: string;
  ttl: number;
}

/** Reads the head item; throws {@link OrgSnapshotStoreError} when it is malformed. */
export function headOf(item: Record<string, unknown> | undefined): Head | null {
  if (item === undefined) return null;
  const { version, writeId, chunks, bytes, sha256, savedAt, ttl } = item;
  if (typeof version !== 'number' || typeof writeId !== 'string' || typeof chunks !== 'number' || typeof bytes !== 'number' || typeof sha256 !== 'string') {
    throw new OrgSnapshotStoreError('the stored snapshot head is malformed (version, writeId, chunks, bytes, sha256)', { version: typeof version === 'number' ? version : null });
  }
  return { version, writeId, chunks, bytes, sha256, savedAt: typeof savedAt === 'string' ? savedAt : '', ttl: typeof ttl === 'number' ? ttl : Number.POSITIVE_INFINITY };
}

/** Epoch seconds of a date (TTL attributes). */
export const epoch = (date: Date): number => Math.floor(date.getTime() / 1000);

/** The reads the store and the reader share, over one document client. */
export function orgSnapshotReads(doc: DynamoDBDocumentClient, TableName: string, now: () => Date): { readHead(): Promise<Head | null>; load(): Promise<StoredOrgSnapshot | null> } {
  async function readHead(): Promise<Head | null> {
    const out = await doc.send(new GetCommand({ TableName, Key: orgSnapshotHeadKey(), ConsistentRead: true }));
    return headOf(out.Item);
  }

  async function readChunks(writeId: string): Promise<Buffer[]> {
    const parts: Buffer[] = [];
    const items = queryItems(doc, {
      TableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.partition },
      ExpressionAttributeValues: { ':pk': orgSnapshotChunkPartition(writeId) },
      ConsistentRead: true,
    });
    for await (const item of items) {
      const data = item['data'];
      if (!(data instanceof Uint8Array)) throw new OrgSnapshotStoreError(`chunk ${String(item[TABLE_KEYS.sort])} of snapshot write ${writeId} has no binary data`);
      parts.push(Buffer.from(data));
    }
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

  return { readHead, load };
}

/** Options of {@link createDynamoDbOrgSnapshotReader}. */
export interface DynamoDbOrgSnapshotReaderOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Clock for the TTL check (tests). */
  now?: () => Date;
}

/** Creates a read-only view of the stored snapshot (`load` as the store's). */
export function createDynamoDbOrgSnapshotReader(options: DynamoDbOrgSnapshotReaderOptions): { load(): Promise<StoredOrgSnapshot | null> } {
  const doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { convertClassInstanceToMap: false } });
  return { load: orgSnapshotReads(doc, options.tableName, options.now ?? (() => new Date())).load };
}
