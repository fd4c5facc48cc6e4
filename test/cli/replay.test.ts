import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runReplay } from '../../cli/replay.js';
import type { ReplayReport } from '../../shared/core/replay/report.js';
import { captureStream } from '../helpers/capture-stream.js';
import { makeBedrockEvents, startCloudTrailServer, type CloudTrailServer } from '../helpers/cloudtrail-server.js';

let server: CloudTrailServer;
const newest = Math.floor(Date.now() / 1000) - 3600;
const from = new Date((newest - 86_400) * 1000).toISOString();

async function replay(args: string[], env: Record<string, string | undefined> = { AWS_REGION: 'ap-northeast-1' }) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runReplay(args, { stdout, stderr, env });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

beforeAll(async () => {
  server = await startCloudTrailServer();
  server.setEvents('ap-northeast-1', makeBedrockEvents({ region: 'ap-northeast-1', count: 80, newest, denialEvery: 8 }));
  server.setEvents('us-east-1', makeBedrockEvents({ region: 'us-east-1', count: 20, newest, idPrefix: 'iad' }));
});
beforeAll(() => {
  // Nothing may leave the machine, even from a test that forgets to point at the loopback server.
  vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', 'http://127.0.0.1:9');
});
afterEach(() => {
  server.requests.length = 0;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await server.close();
});

describe('cris-audit replay', () => {
  it('prints a summary of every Region with the cross-Region SCP blocks', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', server.endpoint);

    const { code, stdout } = await replay(['--from', from, '--region', 'ap-northeast-1', '--region', 'us-east-1']);

    expect(code).toBe(0);
    expect(stdout).toContain('Records scanned: 100   Bedrock denials: 10');
    expect(stdout).toContain('Cross-Region SCP blocks (1):');
    expect(stdout).toMatch(/×10 {2}apac\.anthropic\.claude-3-5-sonnet-20241022-v2:0 {2}from ap-northeast-1 {2}denied in ap-southeast-2/);
    expect(stdout).toMatch(/us-east-1 {2}20 \/ 0 {2}complete/);
    expect(new Set(server.requests.map((r) => r.region))).toEqual(new Set(['ap-northeast-1', 'us-east-1']));
  });

  it('prints the Lambda report with --json, and a resume token that finishes the window', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', server.endpoint);

    const first = await replay(['--from', from, '--max-events', '30', '--json']);
    const firstReport = JSON.parse(first.stdout) as ReplayReport;
    const second = await replay(['--resume', firstReport.resume ?? '', '--json']);
    const secondReport = JSON.parse(second.stdout) as ReplayReport;

    expect(first.code).toBe(3);
    expect(firstReport).toMatchObject({ complete: false, recordsScanned: 30 });
    expect(second.code).toBe(0);
    expect(secondReport).toMatchObject({ complete: true, recordsScanned: 50, resumed: true, totals: { invocations: 2, recordsScanned: 80, denials: 10 } });
  });

  it('accepts a window relative to now', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', server.endpoint);

    const { code, stdout } = await replay(['--from', '-P2D', '--to', '-PT1M', '--region', 'us-east-1']);

    expect(code).toBe(0);
    expect(stdout).toContain('Records scanned: 20');
  });

  it('writes the summary in Japanese with --lang ja', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', server.endpoint);

    const { stdout } = await replay(['--from', from, '--lang', 'ja']);

    expect(stdout).toContain('読み取ったレコード: 80');
  });

  it.each([
    ['a window start after its end', ['--from', '2026-11-28T00:00:00Z', '--to', '2026-11-27T00:00:00Z'], /--from: .*is after to/],
    ['a Region that is not a Region code', ['--from', from, '--region', 'Tokyo'], /--region: "Tokyo" is not a Region code/],
    ['an unknown flag', ['--form', from], /Unknown option '--form'/],
    ['a bad --max-events', ['--from', from, '--max-events', 'many'], /--max-events must be a positive whole number/],
    ['a corrupted resume token', ['--resume', 'crr1.xyz.123'], /--resume: /],
  ])('refuses %s with exit code 64, reading nothing', async (_name, args, message) => {
    const { code, stderr } = await replay(args);

    expect(code).toBe(64);
    expect(stderr).toMatch(message);
    expect(server.requests).toEqual([]);
  });

  it('exits 2 and names the Region when CloudTrail refuses access', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL_CLOUDTRAIL', server.endpoint);
    server.failNext('eu-west-1', 1, { status: 400, type: 'AccessDeniedException', message: 'not authorized to perform: cloudtrail:LookupEvents' });

    const { code, stdout } = await replay(['--from', from, '--region', 'eu-west-1']);

    expect(code).toBe(2);
    expect(stdout).toContain('eu-west-1: AccessDeniedException: not authorized to perform: cloudtrail:LookupEvents');
  });
});
