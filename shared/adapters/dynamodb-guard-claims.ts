import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RETENTION_SECONDS, orgChangeKey } from '../core/alert/store-keys.js';
import type { GuardAlert, GuardClaim, GuardClaimStore } from '../core/guard/index.js';

/** Options of {@link createDynamoDbGuardClaims}. */
export interface DynamoDbGuardClaimsOptions {
  /** A DynamoDB client (its endpoint comes from `AWS_ENDPOINT_URL_DYNAMODB` or its own config). */
  client: DynamoDBClient;
  tableName: string;
}

const STATUS = { processing: 'processing', failed: 'failed', done: 'done' } as const;

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}

function alertOf(value: unknown): GuardAlert | null {
  if (typeof value !== 'string') return null;
  try {
    return JSON.parse(value) as GuardAlert;
  } catch {
    return null;
  }
}

/**
 * The guard's claims of change events in the single table (`ORGCHANGE#<eventId>` / `CLAIM`), the
 * design of the alert function's event markers: one conditional UpdateItem takes the claim when
 * the item is absent, released after a failure, or held under an expired lease; every later write
 * is fenced by the claim's token, so an invocation that lost its lease cannot overwrite the one
 * that took it over. The claim records the alert (bounded: see `MAX_GROUPS`) and the channels
 * that have it, and lives for the retention of event markers (7 days), longer than EventBridge
 * and Lambda retry an event.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 */
export function createDynamoDbGuardClaims(options: DynamoDbGuardClaimsOptions): GuardClaimStore {
  const doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
  const TableName = options.tableName;
  const fenced = async (key: string, token: string, UpdateExpression: string, names: Record<string, string>, values: Record<string, unknown>) => {
    await doc.send(
      new UpdateCommand({
        TableName,
        Key: orgChangeKey(key),
        UpdateExpression,
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#token': 'token', ...names },
        ExpressionAttributeValues: { ':token': token, ...values },
      }),
    );
  };
  return {
    async claim(input): Promise<GuardClaim> {
      const token = randomUUID();
      try {
        const out = await doc.send(
          new UpdateCommand({
            TableName,
            Key: orgChangeKey(input.key),
            UpdateExpression: 'SET #status = :processing, #token = :token, leaseUntil = :lease, claimedAt = :now, attempts = if_not_exists(attempts, :zero) + :one, #ttl = :ttl',
            ConditionExpression: 'attribute_not_exists(pk) OR #status = :failed OR (#status = :processing AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#status': 'status', '#token': 'token', '#ttl': 'ttl' },
            ExpressionAttributeValues: {
              ':processing': STATUS.processing,
              ':failed': STATUS.failed,
              ':token': token,
              ':lease': input.leaseUntil.toISOString(),
              ':now': input.now.toISOString(),
              ':zero': 0,
              ':one': 1,
              ':ttl': Math.floor(input.now.getTime() / 1000) + RETENTION_SECONDS.event,
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        const delivered = out.Attributes?.['deliveredChannels'];
        return {
          status: 'claimed',
          token,
          deliveredChannels: delivered instanceof Set ? [...delivered].map(String).sort() : [],
          recordedAlert: alertOf(out.Attributes?.['alert']),
        };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const current = await doc.send(new GetCommand({ TableName, Key: orgChangeKey(input.key), ConsistentRead: true }));
        return { status: 'duplicate', state: current.Item?.['status'] === STATUS.done ? 'done' : 'in-flight' };
      }
    },
    async recordAlert(input) {
      if (input.alert === null) await fenced(input.key, input.token, 'REMOVE #alert', { '#alert': 'alert' }, {});
      else await fenced(input.key, input.token, 'SET #alert = :alert', { '#alert': 'alert' }, { ':alert': JSON.stringify(input.alert) });
    },
    async markDelivered(input) {
      await fenced(input.key, input.token, 'ADD deliveredChannels :channel', {}, { ':channel': new Set([input.channel]) });
    },
    async markRejected(input) {
      // A channel that refused for good counts as handled: a retry must not post to it again.
      await fenced(input.key, input.token, 'SET #rejected = :reason ADD deliveredChannels :channel', { '#rejected': `rejected_${input.channel}` }, {
        ':reason': input.reason.slice(0, 500),
        ':channel': new Set([input.channel]),
      });
    },
    async complete(input) {
      await fenced(input.key, input.token, 'SET #status = :done, completedAt = :now, outcome = :outcome REMOVE leaseUntil', { '#status': 'status' }, {
        ':done': STATUS.done,
        ':now': input.now.toISOString(),
        ':outcome': input.outcome,
      });
    },
    async release(input) {
      await fenced(input.key, input.token, 'SET #status = :failed, lastError = :reason REMOVE leaseUntil', { '#status': 'status' }, {
        ':failed': STATUS.failed,
        ':reason': input.reason.slice(0, 500),
      });
    },
  };
}
