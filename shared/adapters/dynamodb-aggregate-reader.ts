import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryItems } from './dynamodb-query.js';
import { parseStoredFinding } from '../core/digest/stored-finding.js';
import { CrisAuditorError } from '../core/errors.js';
import type { AggregateReader, HourlyAggregate } from '../core/ports.js';
import { ITEM_ATTRIBUTES as A, TABLE_KEYS } from '../core/alert/store-keys.js';

/** An item of an hour partition that could not be read as an aggregate, and why. */
export interface InvalidAggregateItem {
  pk: string;
  sk: string;
  reason: string;
}

/** Options of {@link createDynamoDbAggregateReader}. */
export interface DynamoDbAggregateReaderOptions {
  /** A DynamoDB client (its endpoint comes from `AWS_ENDPOINT_URL_DYNAMODB` or its own config). */
  client: DynamoDBClient;
  tableName: string;
  /**
   * Called for each item that is skipped because it is not a valid aggregate (corrupt JSON, a
   * count that is not a non-negative integer, …); the digest logs it and goes on.
   */
  onInvalidItem: (item: InvalidAggregateItem) => void;
  /** Items per Query page (`Limit`); default: DynamoDB's 1 MB pages. */
  pageSize?: number;
}

/** A Query of one hour partition failed; `cause` is the SDK error. */
export class AggregateReadError extends CrisAuditorError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AggregateReadError';
  }
}

const HOUR_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}$/;
const SORT_PREFIX = 'FP#';

function toAggregate(hour: string, item: Record<string, unknown>): HourlyAggregate | string {
  const sk = item[TABLE_KEYS.sort];
  if (typeof sk !== 'string' || !sk.startsWith(SORT_PREFIX)) return 'sort key is not FP#<fingerprint>';
  const count = item[A.count];
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) return `${A.count} is not a non-negative integer`;
  const firstSeen = item[A.firstSeen];
  const lastSeen = item[A.lastSeen];
  if (typeof firstSeen !== 'string' || Number.isNaN(Date.parse(firstSeen))) return `${A.firstSeen} is not an ISO time`;
  if (typeof lastSeen !== 'string' || Number.isNaN(Date.parse(lastSeen))) return `${A.lastSeen} is not an ISO time`;
  const json = item[A.finding];
  if (typeof json !== 'string') return `${A.finding} is not a JSON string`;
  const finding = parseStoredFinding(json);
  if (finding === null) return `${A.finding} is not a finding`;
  return { hour, fingerprint: sk.slice(SORT_PREFIX.length), count, firstSeen, lastSeen, finding };
}

/**
 * Reads the hourly aggregates of the alert table (keys in `shared/core/alert/store-keys.ts`): one Query
 * of partition `HOUR#<hour>` per call, following `LastEvaluatedKey` until the partition is read.
 * Cost is one item per distinct fingerprint of the hour, never one per event. Items that are not
 * valid aggregates are skipped and reported through `onInvalidItem`.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.Pagination.html
 */
export function createDynamoDbAggregateReader(options: DynamoDbAggregateReaderOptions): AggregateReader {
  const doc = DynamoDBDocumentClient.from(options.client);
  return {
    async listHour(hour) {
      if (!HOUR_PATTERN.test(hour)) throw new AggregateReadError(`hour bucket "${hour}" is not yyyy-mm-ddThh`);
      const pk = `HOUR#${hour}`;
      const aggregates: HourlyAggregate[] = [];
      const items = queryItems(
        doc,
        {
          TableName: options.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :fp)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.partition, '#sk': TABLE_KEYS.sort },
          ExpressionAttributeValues: { ':pk': pk, ':fp': SORT_PREFIX },
          Limit: options.pageSize,
        },
        (error) => new AggregateReadError(`Query of ${pk} in table ${options.tableName} failed: ${error instanceof Error ? error.name : 'Error'}`, { cause: error }),
      );
      for await (const item of items) {
        const aggregate = toAggregate(hour, item);
        if (typeof aggregate === 'string') {
          options.onInvalidItem({ pk, sk: String(item[TABLE_KEYS.sort]), reason: aggregate });
        } else {
          aggregates.push(aggregate);
        }
      }
      return aggregates;
    },
  };
}

