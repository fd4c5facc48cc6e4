import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Powertools logs are part of what the tests assert on; print them only for failing tests.
    silent: 'passed-only',
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    // Handler logs are held back and shown only after a failing test (test/helpers/quiet-logs.ts).
    setupFiles: ['./test/helpers/quiet-logs.ts'],
    // One DynamoDB Local (AWS's, with transactions) per run, for the alert store and the handlers on it.
    globalSetup: ['./test/helpers/dynamodb-local-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_DEV: 'false',
      AWS_REGION: 'ap-northeast-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
  },
});
