import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DigestClaim, DigestLedger } from '../core/digest/ports.js';
import { CrisAuditorError } from '../core/errors.js';
import { RETENTION_SECONDS, TABLE_KEYS, digestKey } from '../core/alert/store-keys.js';

/** Options of {@link createDynamoDbDigestLedger}. */
export interface DynamoDbDigestLedgerOptions {
  /** A DynamoDB client (its endpoint comes from `AWS_ENDPOINT_URL_DYNAMODB` or its own config). */
  client: DynamoDBClient;
  tableName: string;
}

/** The ledger could not be read or written; `cause` is the SDK error. */
export class DigestLedgerError extends CrisAuditorError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DigestLedgerError';
  }
}

const STATUS = { sending: 'sending', sent: 'sent', failed: 'failed' } as const;

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}

/**
 * The "digest sent" markers in the alert table (`DIGEST#<window end hour>` / `SENT`, see
 * `store-keys.ts`): a conditional UpdateItem claims a window (free, failed, or with an expired
 * lease), a second one records it as sent; both carry `ttl`.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
export function createDynamoDbDigestLedger(options: DynamoDbDigestLedgerOptions): DigestLedger {
  const doc = DynamoDBDocumentClient.from(options.client);
  const TableName = options.tableName;
  const names = { '#pk': TABLE_KEYS.partition, '#status': 'status', '#token': 'token', '#ttl': TABLE_KEYS.ttl };

  async function write(what: string, windowEnd: string, run: () => Promise<unknown>): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      const name = error instanceof Error ? error.name : 'Error';
      throw new DigestLedgerError(`${what} of the digest marker ${digestKey(windowEnd).pk} failed: ${name}`, { cause: error });
    }
  }

  return {
    async claim({ windowEnd, now, leaseSeconds }): Promise<DigestClaim> {
      const token = randomUUID();
      const claimed = await write('claim', windowEnd, () =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: digestKey(windowEnd),
            UpdateExpression: 'SET #status = :sending, #token = :token, leaseUntil = :lease, claimedAt = :now, #ttl = :ttl',
            ConditionExpression: 'attribute_not_exists(#pk) OR #status = :failed OR (#status = :sending AND leaseUntil < :now)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: {
              ':sending': STATUS.sending,
              ':failed': STATUS.failed,
              ':token': token,
              ':lease': new Date(now.getTime() + leaseSeconds * 1000).toISOString(),
              ':now': now.toISOString(),
              ':ttl': Math.floor(now.getTime() / 1000) + RETENTION_SECONDS.digest,
            },
          }),
        ),
      );
      if (claimed) return { status: 'claimed', token };
      let item: Record<string, unknown> | undefined;
      try {
        item = (await doc.send(new GetCommand({ TableName, Key: digestKey(windowEnd), ConsistentRead: true }))).Item;
      } catch (error) {
        const name = error instanceof Error ? error.name : 'Error';
        throw new DigestLedgerError(`read of the digest marker ${digestKey(windowEnd).pk} failed: ${name}`, { cause: error });
      }
      if (item?.['status'] === STATUS.sent) {
        return { status: 'already-sent', messageId: typeof item['messageId'] === 'string' ? item['messageId'] : null };
      }
      return { status: 'in-progress' };
    },

    async complete({ windowEnd, token, now, messageId }) {
      await write('completion', windowEnd, () =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: digestKey(windowEnd),
            UpdateExpression: 'SET #status = :sent, sentAt = :now, messageId = :messageId REMOVE leaseUntil',
            ConditionExpression: '#token = :token',
            ExpressionAttributeNames: { '#status': names['#status'], '#token': names['#token'] },
            ExpressionAttributeValues: { ':sent': STATUS.sent, ':now': now.toISOString(), ':messageId': messageId ?? 'unknown', ':token': token },
          }),
        ),
      );
    },

    async release({ windowEnd, token }) {
      await write('release', windowEnd, () =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: digestKey(windowEnd),
            UpdateExpression: 'SET #status = :failed',
            ConditionExpression: '#token = :token AND #status = :sending',
            ExpressionAttributeNames: { '#status': names['#status'], '#token': names['#token'] },
            ExpressionAttributeValues: { ':failed': STATUS.failed, ':sending': STATUS.sending, ':token': token },
          }),
        ),
      );
    },
  };
}
