import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryItems } from './dynamodb-query.js';
import { CALL_COUNT_PREFIX as PREFIX, TABLE_KEYS } from '../core/alert/store-keys.js';
import { CrisAuditorError } from '../core/errors.js';
import type { IntermittencyRow } from '../core/history/intermittency.js';
import type { CallCountReader } from '../core/ports.js';

/**
 * Reads the per-day call counts replays store (`dynamodb-call-counts.ts` has the item layout): one
 * Query of partition `CALLS#<yyyy-mm-dd>`, following `LastEvaluatedKey`. Items that are not valid
 * call counts are skipped and reported through `onInvalidItem`.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
 */

/** Options of {@link createDynamoDbCallCountReader}. */
export interface DynamoDbCallCountReaderOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Called for each item that is skipped because it is not valid call counts; the digest logs it. */
  onInvalidItem?: (item: { pk: string; sk: string; reason: string }) => void;
}

/** A Query of a day partition failed; `cause` is the SDK error. */
export class CallCountReadError extends CrisAuditorError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CallCountReadError';
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function toRow(item: Record<string, unknown>): IntermittencyRow | string {
  const counts: Record<string, number> = {};
  const successesByRegion: Record<string, number> = {};
  const denialsByRegion: Record<string, number> = {};
  const otherErrors: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    const target = name.startsWith(PREFIX.success) ? successesByRegion : name.startsWith(PREFIX.denial) ? denialsByRegion : name.startsWith(PREFIX.error) ? otherErrors : name === 'calls' || name === 'successes' || name === 'failures' ? counts : null;
    if (target === null) continue;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return `${name} is not a non-negative integer`;
    target[target === counts ? name : name.slice(2)] = value;
  }
  const profile = item['profile'];
  if (typeof profile !== 'string' || profile === '') return 'profile is not a string';
  const accountId = item['accountId'];
  const sourceRegion = item['sourceRegion'];
  const deniedBy = item['deniedBy'];
  const calls = counts['calls'] ?? 0;
  const failures = counts['failures'] ?? 0;
  return {
    accountId: typeof accountId === 'string' && /^\d{12}$/.test(accountId) ? accountId : null,
    profile,
    sourceRegion: typeof sourceRegion === 'string' && sourceRegion !== '' ? sourceRegion : null,
    calls,
    successes: counts['successes'] ?? 0,
    failures,
    failedShare: calls === 0 ? 0 : Math.round((failures / calls) * 10_000) / 10_000,
    successesByRegion,
    denialsByRegion,
    otherErrors,
    deniedBy: deniedBy instanceof Set ? [...deniedBy].map(String).sort() : [],
  };
}

/** Creates the reader of the per-day call counts (digest). */
export function createDynamoDbCallCountReader(options: DynamoDbCallCountReaderOptions): CallCountReader {
  const doc = DynamoDBDocumentClient.from(options.client);
  const TableName = options.tableName;
  return {
    async listDay(day) {
      if (!DAY.test(day)) throw new CallCountReadError(`day "${day}" is not yyyy-mm-dd`);
      const pk = `CALLS#${day}`;
      const rows: IntermittencyRow[] = [];
      const items = queryItems(
        doc,
        { TableName, KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': TABLE_KEYS.partition }, ExpressionAttributeValues: { ':pk': pk } },
        (error) => new CallCountReadError(`Query of ${pk} in table ${TableName} failed: ${error instanceof Error ? error.name : 'Error'}`, { cause: error }),
      );
      for await (const item of items) {
        const row = toRow(item);
        if (typeof row === 'string') options.onInvalidItem?.({ pk, sk: String(item[TABLE_KEYS.sort]), reason: row });
        else rows.push(row);
      }
      return rows;
    },
  };
}
