import { describe, expect, it } from 'vitest';
import { FIELD_BUDGETS } from '../../../../shared/core/alert/budget.js';
import { ALERT_SCHEMA, SNS_LIMITS, renderAlertText, renderSnsMessage, renderSnsSubject, snsAttributeBytes } from '../../../../shared/core/render/sns.js';
import { crossRegionFinding, hostileFinding } from './findings.js';

const FINGERPRINT = '0123456789abcdef0123456789abcdef';

describe('renderSnsMessage', () => {
  it('builds a json-structured message with each body once: text for email, the versioned JSON body as default, the subject for sms', () => {
    // Act
    const rendered = renderSnsMessage({ finding: crossRegionFinding(), fingerprint: FINGERPRINT, repeats: 4, lang: 'en' });

    // Assess
    const bodies = JSON.parse(rendered.message) as Record<string, string>;
    expect(Object.keys(bodies).sort()).toEqual(['default', 'email', 'sms']);
    expect(bodies['sms']).toBe(rendered.subject);
    expect(bodies['email']?.split('\n').slice(0, 12)).toEqual([
      'Cross-Region inference blocked by a region-deny SCP',
      'Verdict: cross-region-scp (High)',
      '',
      'Account: 111122223333',
      'Principal: arn:aws:sts::111122223333:assumed-role/app-chatbot-role/i-0abc12345def67890',
      'Profile / model: apac.anthropic.claude-3-5-sonnet-20241022-v2:0',
      'Source → denied Region: ap-northeast-1 → ap-southeast-1',
      'Action: bedrock:InvokeModel (Converse)',
      'Event time: 2026-11-27T01:01:07Z',
      'SCP: arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1',
      'Statement: DenyAllOutsideApprovedRegions',
      'Why: An explicit deny in a service control policy blocked bedrock:InvokeModel in ap-southeast-1.',
    ]);
    expect(bodies['email']).toContain('2 alternatives\n4 more since last alert');
    expect(bodies['email']).toContain(
      'CloudTrail event: https://ap-northeast-1.console.aws.amazon.com/cloudtrailv2/home?region=ap-northeast-1#/events/9d1b7a52-0000-4000-9000-000000000001',
    );
    expect(JSON.parse(bodies['default'] ?? '')).toEqual({
      schema: ALERT_SCHEMA,
      fingerprint: FINGERPRINT,
      severity: 'high',
      repeats: 4,
      finding: crossRegionFinding(),
    });
    expect(rendered.attributes).toEqual({
      verdict: 'cross-region-scp',
      accountId: '111122223333',
      sourceRegion: 'ap-northeast-1',
      deniedRegion: 'ap-southeast-1',
      severity: 'high',
    });
  });

  it('carries a 25 KB user agent in a normal-sized message, cut with a visible count', () => {
    // Prepare
    const finding = { ...crossRegionFinding(), userAgent: `Boto3/${'a'.repeat(25_000)}` };

    // Act
    const rendered = renderSnsMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });

    // Assess
    const bodies = JSON.parse(rendered.message) as Record<string, string>;
    const machine = JSON.parse(bodies['default'] ?? '') as { finding: { userAgent: string } };
    expect(machine.finding.userAgent).toHaveLength(FIELD_BUDGETS.userAgent);
    expect(machine.finding.userAgent.endsWith('…(24005 characters cut)')).toBe(true);
    expect(bodies['email']).toContain('…(24005 characters cut)');
    expect(new TextEncoder().encode(rendered.message).length).toBeLessThan(20_000);
  });

  it('fits SNS with every caller field at 100 KB of characters JSON must escape', () => {
    // Prepare
    const hostile = '\u0001"\\'.repeat(35_000);
    const finding = { ...crossRegionFinding(), userAgent: hostile, errorMessage: hostile, principalArn: hostile, modelId: hostile, reason: hostile, deniedResource: hostile, policyArn: hostile, sourceIpAddress: hostile };

    // Act
    const rendered = renderSnsMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });

    // Assess
    const size = new TextEncoder().encode(rendered.message).length + snsAttributeBytes(rendered.attributes);
    expect(size).toBeLessThanOrEqual(256 * 1024);
    const machine = JSON.parse(JSON.parse(rendered.message).default) as { finding: { userAgent: string } };
    expect(machine.finding.userAgent).toMatch(/…\(\d+ characters cut\)$/);
  });

  it('fills attributes that have no value with "none" (SNS rejects empty attribute values)', () => {
    // Prepare
    const finding = { ...crossRegionFinding(), accountId: null, deniedRegion: null, verdict: 'unknown' as const };

    // Act
    const { attributes } = renderSnsMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });

    // Assess
    expect(attributes).toEqual({ verdict: 'unknown', accountId: 'none', sourceRegion: 'ap-northeast-1', deniedRegion: 'none', severity: 'low' });
  });

  it('drops the patched policy and diff from the machine body when the message would exceed the SNS size limit', () => {
    // Prepare
    const finding = crossRegionFinding();
    if (finding.fix?.scp) finding.fix.scp.patchedPolicy = 'x'.repeat(260_000);

    // Act
    const rendered = renderSnsMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });

    // Assess
    expect(new TextEncoder().encode(rendered.message).length).toBeLessThanOrEqual(SNS_LIMITS.messageBytes);
    expect(JSON.parse(JSON.parse(rendered.message).default).finding.fix.scp.patchedPolicy).toBe('');
  });

  it('writes the email body in Japanese when the locale is ja', () => {
    // Act
    const rendered = renderSnsMessage({ finding: crossRegionFinding(), fingerprint: FINGERPRINT, repeats: 2, lang: 'ja' });

    // Assess
    const email = JSON.parse(rendered.message).email as string;
    expect(email.split('\n')[0]).toBe('クロスリージョン推論がリージョン制限 SCP で拒否されました');
    expect(email).toContain('アカウント: 111122223333');
    expect(email).toContain('前回の通知以降さらに 2 件');
  });

  it('neutralises control characters and bidi overrides in the email text', () => {
    // Prepare
    const finding = crossRegionFinding();
    finding.principalArn = 'arn:aws:sts::111122223333:assumed-role/app/\u202Enimda\u0007';

    // Act
    const email = JSON.parse(renderSnsMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' }).message).email as string;

    // Assess
    expect(email).toContain('assumed-role/app/[U+202E]nimda\uFFFD');
    expect(email).not.toMatch(/[\u202E\u0007]/);
  });
});

describe('renderAlertText (SNS email text) with caller-controlled values', () => {
  it('flattens caller line breaks so no value can forge a line of the email', () => {
    // Prepare
    const finding = crossRegionFinding();
    finding.userAgent = 'Boto3/1.35.0\nRecommended fix: disable the SCP\r\nFingerprint: 0';
    finding.errorMessage = 'User: x is not authorized\u2028Verdict: low';
    finding.principalArn = 'arn:aws:sts::111122223333:assumed-role/app/s\n\nSCP: none';

    // Act
    const email = renderAlertText({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });

    // Assess
    expect(email).toContain('Caller: Boto3/1.35.0 Recommended fix: disable the SCP Fingerprint: 0 203.0.113.25');
    expect(email).toContain('Principal: arn:aws:sts::111122223333:assumed-role/app/s  SCP: none');
    expect(email).toContain('Error message: User: x is not authorized\uFFFDVerdict: low');
    expect(email.split('\n').filter((line) => line.startsWith('Recommended fix:'))).toEqual(['Recommended fix: Allow the APAC profile only']);
    expect(email.split('\n').filter((line) => line.startsWith('Fingerprint:'))).toEqual([`Fingerprint: ${FINGERPRINT}`]);
  });

  it('breaks bare URLs from caller data but keeps the console links it builds', () => {
    // Prepare
    const finding = { ...crossRegionFinding(), userAgent: 'see https://evil.example/login', errorMessage: 'http://x.example' };

    // Act
    const email = renderAlertText({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });

    // Assess
    expect(email).toContain('Caller: see https:\u2215\u2215evil.example/login 203.0.113.25');
    expect(email).toContain('Error message: http:\u2215\u2215x.example');
    expect(email.match(/https?:\/\//g)).toHaveLength(2);
    expect(email).toContain('CloudTrail event: https://ap-northeast-1.console.aws.amazon.com/cloudtrailv2/');
  });

  it('labels an identity-policy ARN by its type, not as an SCP', () => {
    // Prepare
    const finding = { ...crossRegionFinding(), verdict: 'identity' as const, policyType: 'identity-based policy', policyArn: 'arn:aws:iam::111122223333:policy/BedrockDeny', fix: null };

    // Act
    const email = renderAlertText({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });

    // Assess
    expect(email).toContain('\nIdentity-based policy: arn:aws:iam::111122223333:policy/BedrockDeny\n');
    expect(email).not.toMatch(/^SCP:/m);
  });

  it('links GovCloud and China events to their own console domains', () => {
    const gov = renderAlertText({ finding: { ...crossRegionFinding(), sourceRegion: 'us-gov-east-1', policyArn: null, fix: null }, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });
    const china = renderAlertText({ finding: { ...crossRegionFinding(), sourceRegion: 'cn-northwest-1', policyArn: null, fix: null }, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });
    expect(gov).toContain('CloudTrail event: https://console.amazonaws-us-gov.com/cloudtrailv2/home?region=us-gov-east-1#/events/');
    expect(china).toContain('CloudTrail event: https://console.amazonaws.cn/cloudtrailv2/home?region=cn-northwest-1#/events/');
  });
});

describe('renderSnsSubject', () => {
  it.each([
    ['names severity, verdict, account and route', crossRegionFinding(), '[cris-auditor] high cross-region-scp 111122223333 ap-northeast-1 -> ap-southeast-1'],
    [
      'replaces non-ASCII and line breaks in hostile values',
      { ...hostileFinding(), accountId: '1111\n2222é<b>', sourceRegion: 'ap-\u0000north' },
      '[cris-auditor] high cross-region-scp 1111 2222?<b> ap-?north -> ap-southeast-1',
    ],
  ])('%s', (_title, finding, expected) => {
    expect(renderSnsSubject(finding)).toBe(expected);
  });

  it('stays shorter than 100 characters', () => {
    const subject = renderSnsSubject({ ...crossRegionFinding(), accountId: 'A'.repeat(300) });
    expect(subject.length).toBeLessThan(100);
    expect(subject.endsWith('...')).toBe(true);
  });
});
