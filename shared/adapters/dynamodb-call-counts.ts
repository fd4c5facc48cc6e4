import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CALL_COUNT_PREFIX as PREFIX, RETENTION_SECONDS, TABLE_KEYS, callsKey } from '../core/alert/store-keys.js';
import { REGION_UNKNOWN, ROUTE_NOT_RECORDED, type DailyIntermittencyRow } from '../core/history/intermittency.js';
import type { CallCountWriter } from '../core/ports.js';

/**
 * The per-day call counts of the intermittency view in the alert table: one item per (UTC day,
 * account, profile, source Region) under `CALLS#<yyyy-mm-dd>` (keys in `store-keys.ts`), written by
 * replays with `store` (this file) and read by the digest with one Query per day
 * (`dynamodb-call-count-reader.ts`; two files, so each function's role gets only its own actions).
 *
 * Counts are top-level number attributes added with `ADD`, so concurrent or successive invocations
 * sum atomically: `calls`, `successes`, `failures`, and one attribute per routed Region (`s:<region>`),
 * denied Region (`d:<region>`) and other error code (`e:<code>`); `deniedBy` is a string set.
 * Item size stays bounded whatever the traffic: Regions are Region codes (a few dozen exist),
 * error codes are AWS's own (at most {@link MAX_ERROR_CODES} per write, the rest under `e:other`),
 * denying policies at most {@link MAX_DENIED_BY} per write, the profile at most 2,048 characters —
 * a few kilobytes, far below DynamoDB's 400 KB item limit. Every item carries `ttl`: the end of
 * its day plus 35 days.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html#Expressions.UpdateExpressions.ADD
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-items
 */

/** Options of {@link createDynamoDbCallCountWriter}. */
export interface DynamoDbCallCountsOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Writes in flight at once (default 16). */
  concurrency?: number;
}

/** Distinct error codes written per row at most; the rest are added under `other`. */
export const MAX_ERROR_CODES = 16;
/** Denying policy labels written per row at most. */
export const MAX_DENIED_BY = 32;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const REGION_KEY = /^(?:[a-z]{2}(?:-[a-z]+)+-\d{1,2}|unspecified)$/;
const ERROR_CODE = /^[A-Za-z][A-Za-z0-9.]{0,63}$/;

function regionKey(region: string): string {
  return REGION_KEY.test(region) || region === ROUTE_NOT_RECORDED || region === REGION_UNKNOWN ? region : 'other';
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function dayTtl(day: string): number {
  const end = Date.parse(`${day}T00:00:00Z`) + 24 * 3600 * 1000;
  return Math.floor(end / 1000) + RETENTION_SECONDS.calls;
}

/** The counts of one row as attribute name → increment. */
function increments(row: DailyIntermittencyRow): Map<string, number> {
  const out = new Map<string, number>([
    ['calls', row.calls],
    ['successes', row.successes],
    ['failures', row.failures],
  ]);
  const add = (name: string, count: number): void => {
    if (count > 0) out.set(name, (out.get(name) ?? 0) + count);
  };
  for (const [region, count] of Object.entries(row.successesByRegion)) add(PREFIX.success + regionKey(region), count);
  for (const [region, count] of Object.entries(row.denialsByRegion)) add(PREFIX.denial + regionKey(region), count);
  const codes = Object.entries(row.otherErrors).sort(([, a], [, b]) => b - a);
  codes.forEach(([code, count], index) => add(PREFIX.error + (index < MAX_ERROR_CODES - 1 && ERROR_CODE.test(code) ? code : 'other'), count));
  return out;
}

async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

/** Creates the writer of the per-day call counts (replay with `store`). */
export function createDynamoDbCallCountWriter(options: DynamoDbCallCountsOptions): CallCountWriter {
  const doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
  const TableName = options.tableName;
  return {
    async addCalls(rows) {
      let written = 0;
      let failures = 0;
      let firstError: string | null = null;
      const valid = rows.filter((row) => DAY.test(row.day) && row.calls > 0);
      failures += rows.filter((row) => !DAY.test(row.day) && row.calls > 0).length;
      if (failures > 0) firstError = 'calls without a readable eventTime cannot be placed in a day';
      await forEachConcurrently(valid, options.concurrency ?? 16, async (row) => {
        const names: Record<string, string> = { '#ttl': TABLE_KEYS.ttl, '#profile': 'profile', '#account': 'accountId', '#region': 'sourceRegion', '#day': 'day' };
        const values: Record<string, unknown> = { ':ttl': dayTtl(row.day), ':profile': row.profile.slice(0, 2048), ':day': row.day };
        const adds: string[] = [];
        let index = 0;
        for (const [name, count] of increments(row)) {
          names[`#n${index}`] = name;
          values[`:n${index}`] = count;
          adds.push(`#n${index} :n${index}`);
          index += 1;
        }
        const labels = [...new Set(row.deniedBy)].slice(0, MAX_DENIED_BY).map((label) => label.slice(0, 256));
        if (labels.length > 0) {
          names['#deniedBy'] = 'deniedBy';
          values[':deniedBy'] = new Set(labels);
          adds.push('#deniedBy :deniedBy');
        }
        const sets = ['#ttl = :ttl', '#profile = :profile', '#day = :day'];
        if (row.accountId !== null) {
          sets.push('#account = :account');
          values[':account'] = row.accountId;
        } else delete names['#account'];
        if (row.sourceRegion !== null) {
          sets.push('#region = :region');
          values[':region'] = row.sourceRegion.slice(0, 64);
        } else delete names['#region'];
        try {
          await doc.send(
            new UpdateCommand({
              TableName,
              Key: callsKey(row, hash),
              UpdateExpression: `ADD ${adds.join(', ')} SET ${sets.join(', ')}`,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
            }),
          );
          written += 1;
        } catch (error) {
          failures += 1;
          firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        }
      });
      return { written, failures, firstError };
    }
  };
}
