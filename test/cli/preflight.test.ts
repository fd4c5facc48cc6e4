import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPreflightCommand } from '../../cli/preflight.js';
import type { PreflightRow } from '../../shared/core/preflight/index.js';
import { captureStream } from '../helpers/capture-stream.js';
import { ROOT } from '../helpers/load-event.js';

const scp = (name: string) => join(ROOT, 'events', 'scp', name);
const APAC = 'apac.anthropic.claude-sonnet-4-20250514-v1:0';

async function preflight(args: string[]) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runPreflightCommand(args, { stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const CONTRACT = ['target', 'targetName', 'profile', 'sourceRegion', 'destinations', 'destinationsSource', 'deniedDestinations', 'sourceCallDenied', 'status', 'deniedBy', 'fix'];

describe('cris-audit preflight', () => {
  it('writes one NDJSON row per (target, profile, source Region) with every contract field', async () => {
    // Act
    const { code, stdout, stderr } = await preflight(['--json', '--scp', scp('region-deny-tokyo-osaka-virginia.json'), '--profile', APAC, '--profile', 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0', '--source-region', 'ap-northeast-1', '--source-region', 'ap-northeast-3']);

    // Assess
    const rows = stdout.trim().split('\n').map((line) => JSON.parse(line) as PreflightRow);
    expect(code).toBe(0);
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(Object.keys(row)).toEqual(CONTRACT);
    expect(rows.map((r) => [r.profile, r.sourceRegion, r.status])).toEqual([
      [APAC, 'ap-northeast-1', 'blocked'],
      [APAC, 'ap-northeast-3', 'blocked'],
      ['jp.anthropic.claude-sonnet-4-5-20250929-v1:0', 'ap-northeast-1', 'ready'],
      ['jp.anthropic.claude-sonnet-4-5-20250929-v1:0', 'ap-northeast-3', 'ready'],
    ]);
    expect(rows[0]?.fix).toMatchObject({ verification: 'verified' });
    expect(rows[2]?.fix).toBeNull();
    expect(stderr).toContain('4 checks: 2 ready, 2 blocked');
  });

  it('defaults to every catalog profile from the Regions the SCPs approve and prints the matrix', async () => {
    const { code, stdout, stderr } = await preflight(['--scp', scp('region-deny-tokyo-osaka-virginia.json')]);

    expect(code).toBe(0);
    expect(stderr).toContain('source Regions (approved by the SCPs): ap-northeast-1, ap-northeast-3, us-east-1');
    expect(stdout).toContain('FROM ap-northeast-3');
    expect(stdout).toMatch(/global\.anthropic\.claude-sonnet-4-5-20250929-v1:0\s+✗ unspecified/);
    expect(stdout).toMatch(/\d+ checks: \d+ ready, \d+ blocked · 1 targets in 1 distinct SCP chains/);
  });

  it.each([
    [['--json'], 'give the SCPs to check'],
    [['--scp', 'a.json', '--org', 'b.json'], '--scp and --org are exclusive'],
    [['--json', '--html', 'x.html', '--scp', 'a.json'], '--json and --html are exclusive'],
    [['--scp', 'a.json', '--source-region', 'tokyo'], '"tokyo" is not a Region code'],
    [['--scp', 'a.json', '--profile', 'apac.nope'], '"apac.nope" is not a system inference profile'],
    [['--scp', 'a.json', '--lang', 'fr'], '--lang must be one of en, ja'],
  ])('refuses %j with a usage error naming the problem', async (args, message) => {
    const { code, stderr } = await preflight(args);

    expect(code).toBe(64);
    expect(stderr).toContain(message);
  });

  it('names a snapshot that is not one and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'preflight-'));
    writeFileSync(join(dir, 'org.json'), JSON.stringify({ format: 'something-else' }));

    const { code, stderr } = await preflight(['--org', join(dir, 'org.json')]);

    expect(code).toBe(2);
    expect(stderr).toContain('org.json: format must be "cris-auditor/org-snapshot"');
  });
});
