import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { recordFromText, runExplain } from '../../cli/explain.js';
import type { Finding } from '../../shared/core/types.js';
import { captureStream } from '../helpers/capture-stream.js';

const SCP_DENIAL =
  'An error occurred (AccessDeniedException) when calling the ConverseStream operation: User: arn:aws:sts::111122223333:assumed-role/app/s is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: arn:aws:bedrock:ap-southeast-2::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0 with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1. Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/k3m9x2 for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: k3m9x2';
const PROFILE = 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0';

async function explain(args: string[], stdinText = '') {
  const stdout = captureStream();
  const stderr = captureStream();
  const code = await runExplain(args, { stdout, stderr, stdin: Readable.from([stdinText]) });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('cris-audit explain', () => {
  it('explains a pasted SDK error with the verdict, the reason, the authorization link and the fix', async () => {
    const { code, stdout } = await explain(['--region', 'ap-northeast-1', '--model', PROFILE, SCP_DENIAL]);

    expect(code).toBe(0);
    expect(stdout).toContain('Verdict: cross-region-scp');
    expect(stdout).toContain('in ap-southeast-2, a destination of profile apac.anthropic.claude-3-5-sonnet-20241022-v2:0 called from ap-northeast-1');
    expect(stdout).toContain('Authorization details: https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/k3m9x2');
    expect(stdout).toContain('Recommended: Allow this inference profile only');
  });

  it('reads the text from stdin with "-" and prints the finding with --json', async () => {
    const escaped = `litellm.PermissionDeniedError: BedrockException - ${JSON.stringify(JSON.stringify({ Message: SCP_DENIAL.replace(/^An error occurred[^:]*: /, '') }))}`;

    const { code, stdout } = await explain(['--json', '--region', 'ap-northeast-1', '--model', PROFILE, '-'], escaped);

    const finding = JSON.parse(stdout) as Finding;
    expect(code).toBe(0);
    expect(finding).toMatchObject({
      verdict: 'cross-region-scp',
      sourceRegion: 'ap-northeast-1',
      deniedRegion: 'ap-southeast-2',
      policyArn: 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1',
      authorizationId: 'k3m9x2',
      eventName: 'InvokeModelWithResponseStream',
    });
    expect(finding.fix?.recommended?.id).toBe('allow-profile-only');
  });

  it('says "no access-denied message found" and exits 2 for text without one', async () => {
    const { code, stdout, stderr } = await explain(['ThrottlingException: Too many requests, please wait before trying again.']);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('no access-denied message found');
  });

  it('says so in Japanese with --lang ja, and writes the explanation in Japanese', async () => {
    const missing = await explain(['--lang', 'ja', 'nothing to see']);
    const found = await explain(['--lang', 'ja', '--region', 'ap-northeast-1', '--model', PROFILE, SCP_DENIAL]);

    expect(missing.stderr).toContain('アクセス拒否のメッセージが見つかりません');
    expect(found.stdout).toContain('判定: cross-region-scp');
    expect(found.stdout).toMatch(/理由: .+、サービスコントロールポリシー \(SCP\) が /);
  });

  it('takes the source Region and model from an inference-profile ARN in the message', () => {
    const record = recordFromText(
      'API Error (403 {"Message":"User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:us-west-2:111122223333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0 because no identity-based policy allows the bedrock:InvokeModel action"})',
      {},
    );

    expect(record).toMatchObject({ awsRegion: 'us-west-2', requestParameters: { modelId: 'us.anthropic.claude-sonnet-4-20250514-v1:0' }, eventName: 'InvokeModel' });
  });

  it('tells the user to pass --region when the source Region is unknown', async () => {
    const { stdout } = await explain([SCP_DENIAL]);

    expect(stdout).toContain('pass --region');
  });

  it.each([
    [['--lang', 'fr', 'x'], '--lang must be one of en, ja'],
    [['--region', 'Tokyo', 'x'], '--region must be a Region code'],
    [['--bogus'], 'Unknown option'],
  ])('rejects %j as a usage error', async (args, message) => {
    const { code, stderr } = await explain(args);

    expect(code).toBe(64);
    expect(stderr).toContain(message);
  });
});

describe('cris-audit analyze shows the authorization link', () => {
  it('prints a details line under a cross-Region SCP block whose message carried one', async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { runAnalyze } = await import('../../cli/analyze.js');
    const { ROOT } = await import('../helpers/load-event.js');
    const record = JSON.parse(readFileSync(join(ROOT, 'events', 'cloudtrail', 'cross-region-scp-apac-converse.json'), 'utf8')) as Record<string, string>;
    record.errorMessage = `${record.errorMessage}. Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/k3m9x2 for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: k3m9x2`;
    const file = join(mkdtempSync(join(tmpdir(), 'cris-explain-')), 'record.json');
    writeFileSync(file, JSON.stringify(record));
    const stdout = captureStream();

    const code = await runAnalyze([file], { stdout, stderr: captureStream() });

    expect(code).toBe(0);
    expect(stdout.text()).toContain('    details: https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/k3m9x2');
  });
});
