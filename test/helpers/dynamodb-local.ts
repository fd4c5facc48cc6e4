/**
 * The tests' side of AWS's DynamoDB Local (`cli/dynamodb-local.ts`): the run's one server is started
 * by the globalSetup (`dynamodb-local-setup.ts`) and its endpoint injected here.
 */
import { inject } from 'vitest';
import { createProjectTable, localClient, waitForDynamoDb } from '../../cli/dynamodb-local.js';
import type { LocalDynamoDb } from './dynalite.js';

export { DYNAMODB_LOCAL_PACKAGE, DYNAMODB_LOCAL_VERSION, startDynamoDbLocal } from '../../cli/dynamodb-local.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the run's DynamoDB Local (see `dynamodb-local-setup.ts`). */
    dynamoDbLocalEndpoint: string;
  }
}

/**
 * A client of the run's DynamoDB Local (its endpoint from the globalSetup), with the same interface as
 * dynalite's helper. The client does not retry, so faults surface in tests. Tables are shared by
 * every test file of the run: give each file its own table names.
 */
export async function connectDynamoDbLocal(endpoint: string): Promise<LocalDynamoDb> {
  await waitForDynamoDb(endpoint, DYNAMODB_LOCAL_START_TIMEOUT_MS - 10_000);
  const client = localClient(endpoint, 1);
  return {
    endpoint,
    client,
    createTable: (tableName) => createProjectTable(client, tableName),
    async stop() {
      client.destroy();
    },
  };
}

/** The run's DynamoDB Local (started by the globalSetup), once it answers. */
export function startTransactionalDynamoDb(): Promise<LocalDynamoDb> {
  return connectDynamoDbLocal(inject('dynamoDbLocalEndpoint'));
}

/** How long a test file's `beforeAll` may wait for the run's DynamoDB Local (a cold JVM on a busy machine). */
export const DYNAMODB_LOCAL_START_TIMEOUT_MS = 150_000;
