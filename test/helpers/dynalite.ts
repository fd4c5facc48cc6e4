import { startLocalDynamoDb, type LocalDynamoDb } from '../../cli/local-dynamodb.js';

export type { LocalDynamoDb };

/**
 * Starts dynalite in memory on a free loopback port, with a client that does not retry, so
 * faults surface in tests. Test files sharing one instance may create the same table twice.
 */
export function startDynalite(): Promise<LocalDynamoDb> {
  return startLocalDynamoDb({ maxAttempts: 1 });
}
