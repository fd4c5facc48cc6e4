import { describe, expect, it } from 'vitest';
import { renderQDeveloperAlert, renderQDeveloperDigest, qDeveloperMessageBytes, Q_DEVELOPER_LIMITS } from '../../../../shared/core/render/q-developer.js';
import { qDeveloperProblem } from '../../../helpers/q-developer-schema.js';
import { crossRegionFinding, hostileFinding } from './findings.js';

const FINGERPRINT = '0123456789abcdef0123456789abcdef';

describe('renderQDeveloperAlert', () => {
  it('writes a schema-valid custom notification threaded by the fingerprint, with the facts, the verified fix and the links', () => {
    // Act
    const notification = renderQDeveloperAlert({ finding: crossRegionFinding(), fingerprint: FINGERPRINT, repeats: 3, lang: 'en' });

    // Assess
    expect(qDeveloperProblem(JSON.stringify(notification))).toBeNull();
    expect(notification).toMatchObject({ version: '1.0', source: 'custom', id: '9d1b7a52-0000-4000-9000-000000000001' });
    expect(notification.content.textType).toBe('client-markdown');
    expect(notification.content.title).toBe('🔴 Cross-Region inference blocked by a region-deny SCP');
    const description = notification.content.description.split('\n');
    expect(description.slice(0, 5)).toEqual([
      '*Account* `111122223333`   *Principal* `arn:aws:sts::111122223333:assumed-role/app-chatbot-role/i-0abc12345def67890`',
      '*Profile / model* `apac.anthropic.claude-3-5-sonnet-20241022-v2:0`',
      '*Source → denied Region* `ap-northeast-1` → `ap-southeast-1`   *Action* `bedrock:InvokeModel` (`Converse`)',
      '*SCP* `arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1`   *Statement* `DenyAllOutsideApprovedRegions`',
      expect.stringMatching(/^\*Why\* An explicit deny in a service control policy blocked `bedrock:InvokeModel` in `ap-southeast-1`\.$/),
    ]);
    expect(notification.content.description).toContain('```\n{\n  "Condition": { "ArnNotLike": { "bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:inference-profile/apac.*" } }\n}\n```');
    expect(notification.content.nextSteps[0]).toBe(
      '*Recommended fix:* Allow the APAC profile only _(verified against the SCPs in force)_ — Deny outside approved Regions unless the call goes through an apac. profile. (2 alternatives)',
    );
    expect(notification.content.nextSteps.slice(1)).toEqual([
      '3 more since last alert',
      '<https://ap-northeast-1.console.aws.amazon.com/cloudtrailv2/home?region=ap-northeast-1#/events/9d1b7a52-0000-4000-9000-000000000001|Open the CloudTrail event>',
      '<https://us-east-1.console.aws.amazon.com/organizations/v2/home/policies/service-control-policy/p-examplescp1|Open the SCP in AWS Organizations>',
    ]);
    expect(notification.content.keywords).toEqual(['cross-region-scp', 'High', 'ap-southeast-1', '111122223333']);
    expect(notification.metadata).toEqual({
      threadId: FINGERPRINT,
      summary: 'Cross-Region inference blocked by a region-deny SCP · 111122223333 · ap-northeast-1 → ap-southeast-1',
      eventType: 'CrisAuditorAlert',
      relatedResources: [
        'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1',
        'arn:aws:sts::111122223333:assumed-role/app-chatbot-role/i-0abc12345def67890',
        'arn:aws:bedrock:ap-southeast-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0',
      ],
      additionalContext: {
        accountId: '111122223333',
        sourceRegion: 'ap-northeast-1',
        deniedRegion: 'ap-southeast-1',
        verdict: 'cross-region-scp',
        severity: 'high',
        fingerprint: FINGERPRINT,
        eventId: '9d1b7a52-0000-4000-9000-000000000001',
        profileId: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0',
      },
      enableCustomActions: true,
    });
  });

  it('writes Japanese with LOCALE=ja and says when the fix is not verified', () => {
    const finding = crossRegionFinding();
    if (finding.fix) finding.fix.verification = { status: 'unverified', checks: [] };
    const notification = renderQDeveloperAlert({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'ja' });
    expect(qDeveloperProblem(JSON.stringify(notification))).toBeNull();
    expect(notification.content.title).toBe('🔴 クロスリージョン推論がリージョン制限 SCP で拒否されました');
    expect(notification.content.description).toContain('*アカウント* `111122223333`');
    expect(notification.content.nextSteps[0]).toContain('_（未検証: 適用中の SCP を読み取っていません）_');
    expect(notification.content.nextSteps[1]).toContain('|CloudTrail イベントを開く>');
  });

  it('keeps hostile record text inert and out of the values custom actions substitute', () => {
    // Act
    const finding = { ...hostileFinding(), accountId: '1111; rm -rf /', sourceRegion: 'ap-northeast-1 --payload x' };
    const notification = renderQDeveloperAlert({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });

    // Assess: valid, no control sequence, no live link, no mention
    expect(qDeveloperProblem(JSON.stringify(notification))).toBeNull();
    const text = [notification.content.description, ...notification.content.nextSteps, notification.metadata.summary].join('\n');
    expect(text).toContain('*Principal* `arn:aws:sts::111122223333:assumed-role/app-role/&lt;!channel&gt; *bold* &lt;https:∕∕evil|click&gt;`');
    expect(text).toContain('*Profile / model* `*apac*._x_~y~&lt;!everyone&gt;`');
    expect(text).not.toMatch(/<[!@#]/);
    expect(text).not.toContain('https://evil');
    // Only validated values reach additionalContext and relatedResources.
    expect(notification.metadata.additionalContext).toEqual({ deniedRegion: 'ap-southeast-1', verdict: 'cross-region-scp', severity: 'high', fingerprint: FINGERPRINT, eventId: '9d1b7a52-0000-4000-9000-000000000001' });
    expect(notification.metadata.relatedResources).toEqual([
      'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1',
      'arn:aws:bedrock:ap-southeast-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0',
    ]);
  });

  it('keeps every field within its limit with a huge policy, error message and caller, and marks the cuts', () => {
    const finding = crossRegionFinding();
    if (finding.fix?.recommended) finding.fix.recommended.snippet = { language: 'json', content: '{"Statement": [\n' + '  "x",\n'.repeat(5000) + ']}' };
    finding.errorMessage = 'E'.repeat(50_000);
    finding.userAgent = 'U'.repeat(50_000);
    const notification = renderQDeveloperAlert({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });
    expect(qDeveloperProblem(JSON.stringify(notification))).toBeNull();
    expect(notification.content.description.length).toBeLessThanOrEqual(Q_DEVELOPER_LIMITS.description);
    expect(notification.content.description).toMatch(/…\(\d+ characters cut\)/);
    expect(qDeveloperMessageBytes(notification)).toBeLessThan(Q_DEVELOPER_LIMITS.messageBytes);
  });
});

describe('renderQDeveloperDigest', () => {
  it('summarises the day in one schema-valid notification without custom actions', () => {
    const finding = hostileFinding();
    const notification = renderQDeveloperDigest({
      lang: 'en',
      window: { from: '2026-11-26T00:00:00.000Z', to: '2026-11-27T00:00:00.000Z', timeZone: 'Asia/Tokyo' },
      totals: { count: 42, fingerprints: 3, newFingerprints: 1, change: 5 },
      byVerdict: [{ verdict: 'cross-region-scp', count: 40 }, { verdict: 'identity', count: 2 }],
      groups: [{ fingerprint: FINGERPRINT, count: 40, isNew: true, finding, recommendedTitle: 'Allow the APAC profile only' }],
    });
    expect(qDeveloperProblem(JSON.stringify(notification))).toBeNull();
    expect(notification.content.title).toBe('📋 cris-auditor daily digest 2026-11-27: 42 denials, 3 distinct (1 new)');
    expect(notification.content.description.split('\n')).toEqual([
      '*Window* `2026-11-26T00:00:00.000Z` → `2026-11-27T00:00:00.000Z` (Asia/Tokyo)',
      '`cross-region-scp` 40 · `identity` 2',
      '• 40× `111122223333` `*apac*._x_~y~&lt;!everyone&gt;` `ap-northeast-1` → `ap-southeast-1` *new* — Allow the APAC profile only',
    ]);
    expect(notification.metadata).toMatchObject({ eventType: 'CrisAuditorDigest', summary: '42 denials (+5 on the day before)', enableCustomActions: false });
  });
});

describe('the loopback Q Developer schema check', () => {
  it.each([
    ['a missing description', { version: '1.0', source: 'custom', content: {} }, /content\.description/],
    ['a wrong source', { version: '1.0', source: 'aws.bedrock', content: { description: 'x' } }, /source/],
    ['an unknown field (a typo)', { version: '1.0', source: 'custom', content: { description: 'x', nextstep: ['y'] } }, /Unrecognized key/],
    ['a raw control sequence', { version: '1.0', source: 'custom', content: { description: 'hi <!channel>' } }, /raw < or >/],
    ['a live attacker link', { version: '1.0', source: 'custom', content: { description: 'see https://evil.example' } }, /live URL/],
  ])('refuses %s', (_name, event, problem) => {
    expect(qDeveloperProblem(JSON.stringify(event))).toMatch(problem);
  });

  it('accepts the minimal documented notification', () => {
    expect(qDeveloperProblem(JSON.stringify({ version: '1.0', source: 'custom', content: { description: 'Deploy finished' } }))).toBeNull();
  });
});
