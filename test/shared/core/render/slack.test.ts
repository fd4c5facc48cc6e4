import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS, renderSlackMessage, type SlackBlock } from '../../../../shared/core/render/slack.js';
import { TRUNCATION_MARKER_PATTERN } from '../../../../shared/core/render/mrkdwn.js';
import { crossRegionFinding, hostileFinding } from './findings.js';

const FINGERPRINT = '0123456789abcdef0123456789abcdef';

function texts(blocks: SlackBlock[]): string[] {
  return blocks.flatMap((block) => {
    if (block.type === 'header') return [block.text.text];
    if (block.type === 'section') return [...(block.text === undefined ? [] : [block.text.text]), ...(block.fields ?? []).map((field) => field.text)];
    if (block.type === 'context') return block.elements.map((element) => element.text);
    return [];
  });
}

describe('renderSlackMessage', () => {
  it('lays out a cross-Region SCP denial: headline, facts, SCP with console link, fix as code, alternatives, links', () => {
    // Act
    const message = renderSlackMessage({ finding: crossRegionFinding(), fingerprint: FINGERPRINT, repeats: 12, lang: 'en' });

    // Assess
    expect(texts(message.blocks)).toEqual([
      ':red_circle: Cross-Region inference blocked by a region-deny SCP',
      '*Account*\n`111122223333`',
      '*Principal*\n`arn:aws:sts::111122223333:assumed-role/app-chatbot-role/i-0abc12345def67890`',
      '*Profile / model*\n`apac.anthropic.claude-3-5-sonnet-20241022-v2:0`',
      '*Source → denied Region*\n`ap-northeast-1` → `ap-southeast-1`',
      '*Action*\n`bedrock:InvokeModel` (`Converse`)',
      '*Verdict*\n`cross-region-scp` · High',
      '*SCP* `arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1`\n*Statement* `DenyAllOutsideApprovedRegions`\n<https://us-east-1.console.aws.amazon.com/organizations/v2/home/policies/service-control-policy/p-examplescp1|Policy in AWS Organizations>',
      '*Why*\nAn explicit deny in a service control policy blocked `bedrock:InvokeModel` in `ap-southeast-1`.',
      '*Recommended fix:* Allow the APAC profile only\nDeny outside approved Regions unless the call goes through an apac. profile.',
      '```\n{\n  "Condition": { "ArnNotLike": { "bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:inference-profile/apac.*" } }\n}\n```',
      '*Caller* `Boto3/1.35.0` `203.0.113.25`',
      '*Error message*\n```\nUser: arn:aws:sts::111122223333:assumed-role/app-chatbot-role/i-0abc is not authorized\n```',
      '2 alternatives',
      '12 more since last alert',
      '<https://ap-northeast-1.console.aws.amazon.com/cloudtrailv2/home?region=ap-northeast-1#/events/9d1b7a52-0000-4000-9000-000000000001|CloudTrail event>',
      `Fingerprint \`${FINGERPRINT}\``,
    ]);
    expect(message.text).toBe('Cross-Region inference blocked by a region-deny SCP: 111122223333 ap-northeast-1 → ap-southeast-1');
  });

  it('renders hostile text in every field without a ping, a link or broken formatting', () => {
    // Act
    const message = renderSlackMessage({ finding: hostileFinding(), fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });

    // Assess
    const all = texts(message.blocks);
    expect(all).toContain('*Principal*\n`arn:aws:sts::111122223333:assumed-role/app-role/&lt;!channel&gt; *bold* &lt;https:∕∕evil|click&gt;`');
    expect(all).toContain('*Profile / model*\n`*apac*._x_~y~&lt;!everyone&gt;`');
    expect(all).toContain('*Why*\nDenied &lt;!channel&gt; see https:∕∕evil.example ∗now∗ ＠here');
    expect(all).toContain('*Caller* `curl/8 ˋˋˋ *x*ˋˋˋ ˋtickˋ &lt;@U0123ABCD&gt;` `&lt;!subteam^S123&gt;`');
    expect(all).toContain('*Error message*\n```\nUser: x is not authorized &lt;script&gt;alert(1)&lt;/script&gt; ˋˋˋ &lt;!here&gt;\n```');
    const joined = JSON.stringify(message);
    expect(joined).not.toMatch(/<[!@#]/);
    expect(joined.match(/<https:/g)).toHaveLength(2);
    expect(joined).not.toContain('https://evil');
  });

  it('writes the Japanese labels when the locale is ja', () => {
    // Act
    const message = renderSlackMessage({ finding: crossRegionFinding(), fingerprint: FINGERPRINT, repeats: 3, lang: 'ja' });

    // Assess
    const all = texts(message.blocks);
    expect(all[0]).toBe(':red_circle: クロスリージョン推論がリージョン制限 SCP で拒否されました');
    expect(all).toContain('*アカウント*\n`111122223333`');
    expect(all).toContain('前回の通知以降さらに 3 件');
    expect(all).toContain('代替案 2 件');
    expect(all.find((text) => text.startsWith('*理由*'))).toMatch(/^\*理由\*\n.+、サービスコントロールポリシー \(SCP\) が .+ を拒否しました。/);
  });

  it('keeps every block within Block Kit limits and marks what it cut', () => {
    // Prepare
    const finding = crossRegionFinding();
    finding.errorMessage = 'E'.repeat(10_000);
    finding.principalArn = 'P'.repeat(5000);
    finding.reason = 'R'.repeat(5000);
    if (finding.fix?.recommended?.snippet) finding.fix.recommended.snippet.content = '{'.repeat(9000);

    // Act
    const message = renderSlackMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });

    // Assess
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const block of message.blocks) {
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
      if (block.type === 'section') {
        expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        expect(block.fields?.length ?? 0).toBeLessThanOrEqual(SLACK_LIMITS.fields);
        for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      }
    }
    const all = texts(message.blocks);
    expect(all.filter((text) => TRUNCATION_MARKER_PATTERN.test(text))).toHaveLength(4);
    expect(all.find((text) => text.startsWith('*Error message*'))).toMatch(/…\(\d+ characters cut\)\n```$/);
  });

  it('omits the links it cannot build from validated IDs', () => {
    // Prepare
    const finding = { ...crossRegionFinding(), eventId: 'x|<evil>', policyArn: null, fix: null };

    // Act
    const joined = JSON.stringify(renderSlackMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' }));

    // Assess
    expect(joined).not.toContain('cloudtrailv2');
    expect(joined).not.toContain('organizations/v2');
    expect(joined).toContain('No fix computed for this denial.');
  });
});

describe('renderSlackMessage identifiers and labels', () => {
  it('shows every identifier in prose as a code span, so a copied ARN, Sid or command is exact', () => {
    // Prepare
    const finding = crossRegionFinding();
    finding.principalArn = 'arn:aws:sts::111122223333:assumed-role/my_app_role/session_1';
    finding.reason = `A service control policy arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1 denied bedrock:InvokeModel in ap-southeast-1 for ${finding.principalArn}.`;
    if (finding.fix?.scp) finding.fix.scp.statement = { sid: 'Deny_Outside_EU', index: 0 };
    if (finding.fix?.recommended) {
      finding.fix.recommended.title = 'Exempt bedrock:Invoke* for apac.anthropic.claude-3-5-sonnet-20241022-v2:0';
      finding.fix.recommended.summary = 'Edit statement Deny_Outside_EU, then run `aws bedrock get-inference-profile --inference-profile-identifier apac.x_y --region ap-northeast-1`.';
    }

    // Act
    const all = texts(renderSlackMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' }).blocks);

    // Assess
    expect(all).toContain(
      '*Why*\nA service control policy `arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1` denied `bedrock:InvokeModel` in `ap-southeast-1` for `arn:aws:sts::111122223333:assumed-role/my_app_role/session_1`.',
    );
    expect(all).toContain(
      '*Recommended fix:* Exempt `bedrock:Invoke*` for `apac.anthropic.claude-3-5-sonnet-20241022-v2:0`\nEdit statement `Deny_Outside_EU`, then run `aws bedrock get-inference-profile --inference-profile-identifier apac.x_y --region ap-northeast-1`.',
    );
    expect(all.join('\n')).not.toMatch(/[\uff3f\u2217]/);
  });

  it('keeps mentions and links neutral in prose while spanning the identifiers around them', () => {
    // Prepare
    const finding = { ...crossRegionFinding(), reason: 'Denied <!here> by arn:aws:iam::111122223333:policy/x_y; see https://evil.example/a_b @channel *now*' };

    // Act
    const why = texts(renderSlackMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' }).blocks).find((text) => text.startsWith('*Why*'));

    // Assess
    expect(why).toBe('*Why*\nDenied &lt;!here&gt; by `arn:aws:iam::111122223333:policy/x_y`; see https:∕∕evil.example/a＿b ＠channel ∗now∗');
  });

  it.each([
    ['identity-based policy', 'arn:aws:iam::111122223333:policy/BedrockDeny', '*Identity-based policy* `arn:aws:iam::111122223333:policy/BedrockDeny`'],
    ['permissions boundary', 'arn:aws:iam::111122223333:policy/Boundary', '*Permissions boundary* `arn:aws:iam::111122223333:policy/Boundary`'],
    // No ARN in the message: the type is the value, said once, under the generic label.
    ['resource control policy', null, '*Policy* Resource control policy'],
    ['service control policy', null, '*SCP* `arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1`'],
  ])('labels a %s by its type, not as an SCP', (policyType, policyArn, expected) => {
    // Prepare
    const finding = { ...crossRegionFinding(), verdict: 'identity' as const, policyType, policyArn };
    if (policyType !== 'service control policy') finding.fix = null;

    // Act
    const all = texts(renderSlackMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' }).blocks);

    // Assess
    expect(all.some((text) => text.startsWith(expected))).toBe(true);
  });

  it.each([
    ['us-gov-west-1', 'arn:aws-us-gov:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1', 'https://console.amazonaws-us-gov.com'],
    ['cn-north-1', 'arn:aws-cn:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1', 'https://console.amazonaws.cn'],
  ])('links to the console of the partition for %s', (region, policyArn, origin) => {
    // Prepare
    const finding = { ...crossRegionFinding(), sourceRegion: region, policyArn, fix: null };

    // Act
    const joined = JSON.stringify(renderSlackMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' }));

    // Assess
    expect(joined).toContain(`<${origin}/cloudtrailv2/home?region=${region}#/events/9d1b7a52-0000-4000-9000-000000000001|CloudTrail event>`);
    expect(joined).toContain(`<${origin}/organizations/v2/home/policies/service-control-policy/p-examplescp1|Policy in AWS Organizations>`);
    expect(joined).not.toContain('console.aws.amazon.com');
  });
});

describe('renderSlackMessage with a finding from an older or foreign producer', () => {
  it('falls back to the unknown headline for a verdict it does not know', () => {
    const finding = { ...crossRegionFinding(), verdict: 'made-up' as never };
    const message = renderSlackMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });
    expect(message.blocks[0]).toMatchObject({ text: { text: ':white_circle: Bedrock call denied (cause not recognised)' } });
  });
});
