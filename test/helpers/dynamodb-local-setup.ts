/**
 * vitest globalSetup: one DynamoDB Local per run (see `dynamodb-local.ts`), its endpoint handed to the
 * test files as `inject('dynamoDbLocalEndpoint')`. The server is started here without waiting for it
 * (the JVM takes 10–30 s): test files that need it wait in `startTransactionalDynamoDb()`, the others
 * never notice. Stopped when the run ends.
 */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../cli/dynamodb-local.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The SDK's Node 20 notice, as in the test workers (vitest.config.mts env applies only there).
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const server = await startDynamoDbLocal();
  // A failed start is reported by the tests that need the server (with the server's output).
  server.ready.catch(() => undefined);
  project.provide('dynamoDbLocalEndpoint', server.endpoint);
  return () => server.stop();
}
