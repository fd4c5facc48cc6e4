import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runAnalyze } from '../../cli/analyze.js';
import type { Finding } from '../../shared/core/types.js';
import { captureStream } from '../helpers/capture-stream.js';
import { ROOT } from '../helpers/load-event.js';

const sample = (name: string) => join(ROOT, 'events', 'cloudtrail', `${name}.json`);

async function analyze(args: string[]) {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runAnalyze(args, { stdout, stderr });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('cris-audit analyze', () => {
  it('prints a table and one line per cross-Region SCP block naming profile, Region and SCP', async () => {
    // Act
    const { code, stdout, stderr } = await analyze([sample('cross-region-scp-apac-converse'), sample('session-policy')]);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/^TIME\s+ACCOUNT\s+VERDICT/);
    expect(stdout).toContain('Cross-Region SCP blocks (1):');
    expect(stdout).toContain(
      'profile apac.anthropic.claude-3-5-sonnet-20241022-v2:0 from ap-northeast-1 was denied in ap-southeast-1 by SCP arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1',
    );
    expect(stderr).toContain('records read: 2 · Bedrock denials: 2');
    expect(stderr).toContain('denials by verdict: cross-region-scp 1, session-policy 1');
  });

  it('writes only NDJSON findings on stdout with --json', async () => {
    const { code, stdout, stderr } = await analyze(['--json', join(ROOT, 'events', 'cloudtrail')]);

    const findings = stdout.trim().split('\n').map((line) => JSON.parse(line) as Finding);
    expect(code).toBe(0);
    expect(findings).toHaveLength(18);
    for (const finding of findings) {
      expect(Object.keys(finding)).toEqual(expect.arrayContaining(['eventId', 'eventTime', 'accountId', 'principalArn', 'sourceRegion', 'action', 'modelId', 'profile', 'deniedResource', 'deniedRegion', 'policyType', 'policyArn', 'destinations', 'verdict', 'reason']));
    }
    expect(stderr).toContain('other records: 2');
  });

  it('names a file it cannot parse, still reads the others, and exits 2', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cris-analyze-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"Records": [ {"eventSource": ');

    // Act
    const { code, stdout, stderr } = await analyze([broken, sample('cross-region-scp-batch-job'), join(dir, 'missing.json')]);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain(broken);
    expect(stderr).toContain(join(dir, 'missing.json'));
    expect(stdout).toContain('apac.amazon.nova-pro-v1:0 from ap-northeast-1 was denied in ap-south-1');
  });

  it('shows the first 10 problems of an input and then how many more it had', async () => {
    // Prepare: 40 broken lines, as a binary file read as NDJSON gives.
    const dir = mkdtempSync(join(tmpdir(), 'cris-analyze-'));
    const noisy = join(dir, 'noisy.ndjson');
    writeFileSync(noisy, Array.from({ length: 40 }, (_, index) => `{"eventName": x${index}}`).join('\n'));
    const quiet = join(dir, 'quiet.ndjson');
    writeFileSync(quiet, '{"eventName": y}');

    // Act
    const { code, stderr } = await analyze([noisy, quiet]);

    // Assess
    const lines = stderr.split('\n');
    expect(code).toBe(2);
    expect(lines.filter((line) => line.startsWith(`cris-audit: ${noisy}:`) && /:\d+: not valid JSON/.test(line))).toHaveLength(10);
    expect(lines).toContain(`cris-audit: ${noisy}: 30 more problems not shown (40 in this input)`);
    expect(lines.filter((line) => line.startsWith(`cris-audit: ${quiet}:1: not valid JSON`))).toHaveLength(1);
    expect(stderr).toContain('problems: 41');
  });

  it('skips a named pipe in a directory with a message instead of hanging', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cris-analyze-'));
    expect(spawnSync('mkfifo', [join(dir, 'trail.json')]).status).toBe(0);

    // Act
    const { code, stderr } = await analyze([dir]);

    // Assess
    expect(code).toBe(0);
    expect(stderr).toContain(`cris-audit: ${join(dir, 'trail.json')}: skipped: not a regular file (a named pipe), so it is not read`);
    expect(stderr).toContain('files: 0 read, 0 failed, 1 skipped');
  });

  it('neutralises terminal control characters from hostile records', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cris-analyze-'));
    const record = JSON.parse(readFileSync(sample('cross-region-scp-apac-converse'), 'utf8')) as Record<string, unknown>;
    record.requestParameters = { modelId: 'apac.evil\u001b[2J\u001b]8;;https://evil.example\u0007model' };
    const file = join(dir, 'hostile.json');
    writeFileSync(file, JSON.stringify(record));

    // Act
    const { stdout } = await analyze([file]);

    // Assess
    expect(stdout).not.toContain('\u001b');
    expect(stdout).not.toContain('\u0007');
    expect(stdout).toContain('apac.evil\uFFFD[2J');
  });

  it('shows a bidi override in a hostile field instead of letting it reorder the line', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'cris-analyze-'));
    const record = JSON.parse(readFileSync(sample('cross-region-scp-apac-converse'), 'utf8')) as Record<string, unknown>;
    record.requestParameters = { modelId: 'apac.model\u202Eevil' };
    const file = join(dir, 'bidi.json');
    writeFileSync(file, JSON.stringify(record));

    // Act
    const { stdout } = await analyze([file]);

    // Assess
    expect(stdout).not.toContain('\u202E');
    expect(stdout).toContain('apac.model[U+202E]evil');
  });

  it.each([
    ['no path', []],
    ['an unknown option', ['--bogus', 'x']],
  ])('rejects %s with usage and exit code 64', async (_name, args) => {
    const { code, stderr } = await analyze(args);

    expect(code).toBe(64);
    expect(stderr).toContain('usage: cris-audit analyze');
  });

  it('reports each event once with --unique when inputs overlap', async () => {
    const { stderr } = await analyze(['--unique', join(ROOT, 'events', 'cloudtrail'), join(ROOT, 'events', 's3')]);

    expect(stderr).toContain('records read: 20');
    expect(stderr).toContain('repeated event IDs skipped: 8');
  });

  it('attaches the suggested fix to every finding, unverified without the SCPs', async () => {
    const { stdout } = await analyze(['--json', sample('cross-region-scp-apac-converse')]);

    const finding = JSON.parse(stdout) as Finding;
    expect(finding.fix?.recommended?.id).toBe('allow-profile-only');
    expect(finding.fix?.verification.status).toBe('unverified');
    expect(finding.fix?.options.map((option) => option.id)).toEqual(expect.arrayContaining(['exempt-bedrock', 'widen-regions', 'in-region-model', 'leave-governance']));
  });

  it('prints the whole fix in Japanese with --fix --lang ja, keeping policy JSON untranslated', async () => {
    const { code, stdout, stderr } = await analyze(['--fix', '--lang', 'ja', sample('cross-region-scp-apac-converse')]);

    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^時刻 +アカウント +判定 +送信元 → 拒否されたリージョン +プロファイル \/ モデル +ポリシー$/);
    expect(stdout).toContain('SCP によるクロスリージョン推論のブロック（1 件）:');
    expect(stdout).toContain('✗ 送信元リージョン ap-northeast-1 から呼び出した推論プロファイル apac.anthropic.claude-3-5-sonnet-20241022-v2:0 が、送信先リージョン ap-southeast-1 で SCP arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1 によって拒否されました。送信先リージョン 6 か所をすべて許可してください: ap-northeast-1, ap-northeast-2, ap-northeast-3, ap-south-1, ap-southeast-1, ap-southeast-2');
    expect(stdout).toContain('修正: この推論プロファイルだけを許可する [未検証]');
    expect(stderr).toBe('読み取ったレコード: 1 · Bedrock の拒否: 1 · その他のレコード: 0\n判定別の拒否: cross-region-scp 1\nファイル: 読み取り 1\n');
    expect(stdout).toContain('"bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:inference-profile/apac.anthropic.claude-3-5-sonnet-20241022-v2:0"');
    expect(stdout).toContain('検証: 未検証');
  });

  it('verifies the fix against the SCP given with --scp and names the denying statement', async () => {
    const { code, stdout } = await analyze(['--json', '--scp', join(ROOT, 'events', 'scp', 'region-deny-tokyo-osaka-virginia.json'), sample('cross-region-scp-apac-converse')]);

    const finding = JSON.parse(stdout) as Finding;
    expect(code).toBe(0);
    expect(finding.fix?.verification.status).toBe('verified');
    expect(finding.fix?.scp?.statement).toEqual({ sid: 'GRREGIONDENY', index: 0 });
    expect(finding.fix?.scp?.controlTowerManaged).toBe(true);
    expect(finding.fix?.recommended?.id).toBe('control-tower-parameters');
  });

  it('names an unreadable --scp file, still analyses every input (fixes unverified) and exits 2', async () => {
    const { code, stderr, stdout } = await analyze(['--scp', join(ROOT, 'events', 'scp', 'no-such-policy.json'), sample('session-policy')]);

    expect(code).toBe(2);
    expect(stderr).toContain('no-such-policy.json: no such file; fixes are not verified');
    expect(stdout).toMatch(/^TIME\s+ACCOUNT\s+VERDICT/);
    expect(stderr).toContain('Bedrock denials: 1');
  });

  it('rejects a language it has no texts for', async () => {
    const { code, stderr } = await analyze(['--lang', 'fr', sample('session-policy')]);

    expect(code).toBe(64);
    expect(stderr).toContain('--lang must be one of en, ja');
  });

  it('runs as the installed bin, through npm run cris-audit', async () => {
    const { stdout } = await promisify(execFile)('node', ['bin/cris-audit.mjs', 'analyze', '--json', 'events/cloudtrail'], { cwd: ROOT });

    const verdicts = stdout.trim().split('\n').map((line) => (JSON.parse(line) as Finding).verdict);
    expect(verdicts).toHaveLength(18);
    expect(verdicts.filter((verdict) => verdict === 'cross-region-scp')).toHaveLength(7);
  });
});
