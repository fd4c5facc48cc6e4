import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDemo } from '../../cli/demo.js';
import { ROOT, loadEvent } from '../helpers/load-event.js';

function captureStdout(): () => string {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => chunks.push(String(chunk)) > 0);
  return () => chunks.join('');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('runDemo', () => {
  it('runs every positive sample through the real handler and prints one readable Slack message and SNS subject per alert', async () => {
    // Prepare
    const output = captureStdout();
    const positives = readdirSync(join(ROOT, 'events', 'eventbridge')).filter((name) => name.endsWith('.json') && !name.startsWith('negative-'));

    // Act
    const code = await runDemo([]);

    // Assess
    const text = output();
    expect(code).toBe(0);
    for (const name of positives) expect(text).toContain(`▶ ${name} → sent to slack + sns`);
    expect(text).toContain('(redelivered) → duplicate delivery skipped (event already done)');
    expect(text).toContain('(new event ID) → suppressed until');
    expect(text).toContain(`  Slack messages     ${positives.length}\n`);
    expect(text).toContain(`  SNS publishes      ${positives.length}\n`);
    expect(text).toContain('│ 🔴 Cross-Region inference blocked by a region-deny SCP');
    expect(text).toContain('  SNS [cris-auditor] high cross-region-scp 111122223333 ap-northeast-1 -> ap-southeast-1');
    expect(text).not.toContain('"blocks"');
    expect(text).not.toContain('&lt;');
  }, 60_000);

  it('finds its samples from any working directory, and names a missing --events directory', async () => {
    // Prepare
    const output = captureStdout();
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => errors.push(String(chunk)) > 0);
    const cwd = process.cwd();
    process.chdir(tmpdir());

    // Act
    let fromElsewhere: number;
    let missing: number;
    try {
      fromElsewhere = await runDemo([]);
      missing = await runDemo(['--events', 'no-such-samples']);
    } finally {
      process.chdir(cwd);
    }

    // Assess
    expect(fromElsewhere).toBe(0);
    expect(output()).toContain('▶ cross-region-scp-apac-converse.json → sent to slack + sns');
    expect(missing).toBe(2);
    expect(errors.join('')).toContain(`--events ${join(tmpdir(), 'no-such-samples')} is not a directory of EventBridge samples`);
  }, 60_000);

  it('--serve keeps local DynamoDB, Slack and SNS up for invoke local, printing what arrives, until SIGINT', async () => {
    // Prepare
    const output = captureStdout();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const serving = runDemo(['--serve', '--port', String(port)]);
    // DynamoDB Local is a JVM: its start takes 10–30 s on a busy machine.
    await vi.waitFor(() => expect(output()).toContain('Local alert stack running'), { timeout: 150_000, interval: 200 });
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', `http://127.0.0.1:${port}`);
    vi.stubEnv('AWS_ENDPOINT_URL_SNS', `http://127.0.0.1:${port + 2}`);
    vi.stubEnv('SLACK_WEBHOOK_URL', `http://127.0.0.1:${port + 1}/services/LOCAL/LOCAL/local`);
    vi.stubEnv('TABLE_NAME', 'cris-auditor-local');
    vi.stubEnv('ALERT_TOPIC_ARN', 'arn:aws:sns:ap-northeast-1:000000000000:cris-auditor-local-alerts');
    const { createAlertHandler, buildAlertDependencies } = await import('../../functions/alert.js');
    const handler = createAlertHandler(() => buildAlertDependencies());
    const event = loadEvent('eventbridge/cross-region-scp-apac-converse.json');
    const context = { awsRequestId: 'serve', getRemainingTimeInMillis: () => 30_000 } as never;

    // Act
    const outcome = await handler(event, context);
    process.emit('SIGINT');

    // Assess
    expect(await serving).toBe(0);
    vi.unstubAllEnvs();
    expect(outcome).toMatchObject({ outcome: 'sent', channels: ['slack', 'sns'] });
    expect(output()).toContain(`export AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:${port}`);
    expect(output()).toContain('│ 🔴 Cross-Region inference blocked by a region-deny SCP');
    expect(output()).toContain('SNS [cris-auditor] high cross-region-scp 111122223333 ap-northeast-1 -> ap-southeast-1');
  }, 180_000);

  it('answers a bad option with usage and exit code 64', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await runDemo(['--lang', 'fr'])).toBe(64);
  });
});
