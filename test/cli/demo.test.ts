import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDemo } from '../../cli/demo.js';
import { ROOT } from '../helpers/load-event.js';

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

  it('answers a bad option with usage and exit code 64', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await runDemo(['--lang', 'fr'])).toBe(64);
  });
});
