import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS } from '../../shared/core/store-keys.js';

type Dynalite = (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

/** A running in-memory dynalite on 127.0.0.1. */
export interface LocalDynamoDb {
  /** Endpoint for `new DynamoDBClient({ endpoint })` or `AWS_ENDPOINT_URL_DYNAMODB`. */
  endpoint: string;
  /** A client bound to the endpoint (no retries, so faults surface in tests). */
  client: DynamoDBClient;
  /** Creates the project's single table (`pk`/`sk` strings, on-demand); tolerates an existing one. */
  createTable(tableName: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts dynalite in memory on a free loopback port (tables are created instantly). dynalite
 * ships no types, hence the typed `require`.
 */
export async function startDynalite(): Promise<LocalDynamoDb> {
  const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint, region: 'ap-northeast-1', maxAttempts: 1 });
  return {
    endpoint,
    client,
    async createTable(tableName) {
      try {
        await client.send(
          new CreateTableCommand({
            TableName: tableName,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [
              { AttributeName: TABLE_KEYS.partition, AttributeType: 'S' },
              { AttributeName: TABLE_KEYS.sort, AttributeType: 'S' },
            ],
            KeySchema: [
              { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
              { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
            ],
          }),
        );
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
      }
    },
    stop() {
      client.destroy();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
