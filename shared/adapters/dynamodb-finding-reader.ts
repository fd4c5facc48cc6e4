import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ITEM_ATTRIBUTES, hourKey, stateKey } from '../core/alert/store-keys.js';
import { parseStoredFinding } from '../core/digest/stored-finding.js';
import type { Finding } from '../core/types.js';

/** Reads back the most recent finding of a fingerprint (the chat actions' "explain again"). */
export interface FindingReader {
  /** The latest stored finding of `fingerprint`, or null when the table has none (expired or never seen). */
  latestFinding(fingerprint: string): Promise<Finding | null>;
}

/**
 * Two consistent `GetItem`s: the fingerprint's state item names when it was last seen, and that
 * hour's aggregate holds the most recent finding (see `store-keys.ts`).
 */
export function createDynamoDbFindingReader(options: { client: DynamoDBClient; tableName: string }): FindingReader {
  const doc = DynamoDBDocumentClient.from(options.client);
  const get = async (key: { pk: string; sk: string }) =>
    (await doc.send(new GetCommand({ TableName: options.tableName, Key: key, ConsistentRead: true }))).Item;
  return {
    async latestFinding(fingerprint) {
      const state = await get(stateKey(fingerprint));
      const lastSeen = state?.[ITEM_ATTRIBUTES.lastSeen];
      if (typeof lastSeen !== 'string') return null;
      const hour = await get(hourKey(lastSeen, fingerprint));
      const json = hour?.[ITEM_ATTRIBUTES.finding];
      return typeof json === 'string' ? parseStoredFinding(json) : null;
    },
  };
}
