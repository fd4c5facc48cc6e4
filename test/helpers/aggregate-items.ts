import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { fingerprintFinding } from '../../shared/core/alert/fingerprint.js';
import { ITEM_ATTRIBUTES as A, RETENTION_SECONDS, hourKey } from '../../shared/core/alert/store-keys.js';
import type { Finding } from '../../shared/core/types.js';

/**
 * Writes one hourly aggregate item exactly as `shared/core/alert/store-keys.ts` describes it: key
 * `HOUR#<hour of lastSeen>` / `FP#<fingerprint>`, `count`, `firstSeen`, `lastSeen`, `verdict`,
 * `accountId`, `fingerprint`, `finding` as a JSON string, and `ttl`. Returns the fingerprint.
 */
export async function putAggregateItem(
  doc: DynamoDBDocumentClient,
  tableName: string,
  input: { finding: Finding; count: number; firstSeen: string; lastSeen: string; fingerprint?: string },
): Promise<string> {
  const fingerprint = input.fingerprint ?? fingerprintFinding(input.finding);
  await doc.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...hourKey(input.lastSeen, fingerprint),
        [A.count]: input.count,
        [A.firstSeen]: input.firstSeen,
        [A.lastSeen]: input.lastSeen,
        [A.verdict]: input.finding.verdict,
        [A.accountId]: input.finding.accountId,
        [A.fingerprint]: fingerprint,
        [A.finding]: JSON.stringify(input.finding),
        ttl: Math.floor(Date.parse(input.lastSeen) / 1000) + RETENTION_SECONDS.hour,
      },
    }),
  );
  return fingerprint;
}

/**
 * Records the partition key of every Query a client sends (a middleware that observes real calls
 * to dynalite; nothing is stubbed).
 */
export function observeQueries(client: DynamoDBClient): { pks: string[] } {
  const seen = { pks: [] as string[] };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand') {
        const input = args.input as { ExpressionAttributeValues?: Record<string, { S?: string }> };
        seen.pks.push(input.ExpressionAttributeValues?.[':pk']?.S ?? '?');
      }
      return next(args);
    },
    { step: 'build', name: 'observeQueries' },
  );
  return seen;
}
