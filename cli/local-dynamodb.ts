/**
 * An in-memory DynamoDB (dynalite) on 127.0.0.1 holding the project's single table: what the demo,
 * the alert benchmark and the tests run the real store against, with no AWS account.
 */
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createProjectTable } from './dynamodb-local.js';

/** A running dynalite and a client bound to it. */
export interface LocalDynamoDb {
  /** Endpoint for `new DynamoDBClient({ endpoint })` or `AWS_ENDPOINT_URL_DYNAMODB`. */
  endpoint: string;
  client: DynamoDBClient;
  /** Creates the single table (`pk`/`sk` strings, on-demand), as infra/storage.yml defines it; an existing one is kept. */
  createTable(tableName: string): Promise<void>;
  stop(): Promise<void>;
}

/** Options of {@link startLocalDynamoDb}. */
export interface LocalDynamoDbOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Client settings: fewer attempts make faults surface in tests. */
  maxAttempts?: number;
}

/** Starts dynalite in memory (tables are created at once) and returns a client for it. */
export async function startLocalDynamoDb(options: LocalDynamoDbOptions = {}): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => done());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'ap-northeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
  return {
    endpoint,
    client,
    createTable: (tableName) => createProjectTable(client, tableName),
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
