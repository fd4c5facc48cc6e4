import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDigest } from '../../cli/digest.js';
import { captureStream } from '../helpers/capture-stream.js';
import { ALLOWED_DIGEST_ATTRIBUTES, ALLOWED_DIGEST_TAGS, inspectHtml } from '../helpers/html-inspect.js';

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runDigest(argv, { stdout, stderr }, {});
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('cris-audit digest', () => {
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cris-digest-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('renders the bundled samples into an HTML file and the text digest on stdout', async () => {
    // Prepare
    const out = join(dir, 'digest.html');

    // Act
    const result = await run(['--from', '2026-11-27T00:00:00Z', '--time-zone', 'Asia/Tokyo', '--out', out, 'events/cloudtrail']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Subject: \[cris-auditor\] Bedrock denials digest 2026-11-28: 18 denials, 18 new problems\n/);
    expect(result.stdout).toContain('Cross-Region inference blocked by an SCP [cross-region-scp]: 7 (Previous period: 0, +7)');
    expect(result.stdout).toContain('apac.anthropic.claude-3-5-sonnet-20241022-v2:0 -> ap-southeast-1: 1 [NEW]');
    expect(result.stderr).toContain('records read: 20 · Bedrock denials: 18 · in the window: 18 · in the comparison window: 0');
    const html = inspectHtml(await readFile(out, 'utf8'));
    expect(html.text).toContain('Recommended fix: Allow this inference profile only');
    expect(html.text).toContain('"Sid": "DenyBedrockInferenceOutsideApprovedRegions"');
  });

  it('counts a record found in two inputs once', async () => {
    // Act
    const result = await run(['--from', '2026-11-27T00:00:00Z', 'events/cloudtrail/cross-region-scp-apac-converse.json', 'events/cloudtrail/cross-region-scp-apac-converse.json']);

    // Assess
    expect(result.stdout).toContain('Denials: 1 (Previous period: 0, Change: +1)');
    expect(result.stderr).toContain('repeated event IDs skipped: 1');
  });

  it('compares with the window before and leaves out what falls outside both', async () => {
    // Act: window 2026-11-28, so the samples (2026-11-27) are the previous day
    const result = await run(['--from', '2026-11-28T00:00:00Z', '--lang', 'ja', 'events/cloudtrail']);

    // Assess
    expect(result.stdout).toBe(
      'Subject: [cris-auditor] Bedrock 拒否の日次ダイジェスト 2026-11-28: 拒否なし\n\n2026-11-28 00:00 から 2026-11-29 00:00 (UTC) まで、拒否された Amazon Bedrock の呼び出しはありません。\n',
    );
    expect(result.stderr).toContain('比較期間内: 18');
  });

  it('escapes hostile values from a CloudTrail file in the HTML it writes', async () => {
    // Prepare
    const sample = JSON.parse(await readFile('events/cloudtrail/cross-region-scp-apac-converse.json', 'utf8')) as Record<string, unknown>;
    const records = [
      { ...sample, eventID: 'h1', requestParameters: { modelId: `apac.${HOSTILE}` } },
      { ...sample, eventID: 'h2', userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::111122223333:assumed-role/${HOSTILE}/s`, accountId: '111122223333' } },
      { ...sample, eventID: 'h3', errorMessage: `User: x is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:${HOSTILE}::foundation-model/m with an explicit deny in a service control policy` },
    ];
    const input = join(dir, 'hostile.json');
    await writeFile(input, JSON.stringify({ Records: records }));
    const out = join(dir, 'hostile.html');

    // Act
    const result = await run(['--from', '2026-11-27T00:00:00Z', '--out', out, input]);

    // Assess
    expect(result.code).toBe(0);
    const raw = await readFile(out, 'utf8');
    const html = inspectHtml(raw);
    expect(html.tags.filter((tag) => !ALLOWED_DIGEST_TAGS.has(tag.name))).toEqual([]);
    expect(html.tags.flatMap((tag) => Object.keys(tag.attributes)).filter((name) => !ALLOWED_DIGEST_ATTRIBUTES.has(name))).toEqual([]);
    expect(raw).not.toContain('<script');
    expect(raw).not.toContain('<img');
    expect(html.text).toContain(HOSTILE);
  });

  it.each([
    { name: 'no --from', argv: ['events/cloudtrail'], message: '--from is required' },
    { name: 'no path', argv: ['--from', '2026-11-27T00:00:00Z'], message: 'name at least one file or directory' },
    { name: 'a bad time', argv: ['--from', 'yesterday', 'x'], message: '--from is not a valid ISO 8601 time' },
    { name: 'an unknown language', argv: ['--from', '2026-11-27T00:00:00Z', '--lang', 'fr', 'x'], message: '--lang must be en or ja, not "fr"' },
    { name: 'an unknown zone', argv: ['--from', '2026-11-27T00:00:00Z', '--time-zone', 'Mars/Base', 'x'], message: 'time zone "Mars/Base" is not an IANA time zone name' },
    { name: 'an unknown option', argv: ['--since', 'x'], message: "Unknown option '--since'" },
  ])('answers $name with exit code 64 and says why', async ({ argv, message }) => {
    // Act
    const result = await run(argv);

    // Assess
    expect(result.code).toBe(64);
    expect(result.stderr).toContain(message);
  });
});
