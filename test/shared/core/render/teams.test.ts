import { describe, expect, it } from 'vitest';
import { renderTeamsMessage, teamsCardLines, teamsPayloadBytes, TEAMS_CARD_BUDGET_BYTES, type CardElement, type TeamsMessage } from '../../../../shared/core/render/teams.js';
import { teamsPayloadProblem } from '../../../helpers/teams-server.js';
import { crossRegionFinding, hostileFinding } from './findings.js';

const FINGERPRINT = '0123456789abcdef0123456789abcdef';

/** Every element of the card, depth first. */
function elements(message: TeamsMessage): CardElement[] {
  const out: CardElement[] = [];
  const visit = (element: CardElement): void => {
    out.push(element);
    if (element.type === 'Container') element.items.forEach(visit);
  };
  message.attachments[0]?.content.body.forEach(visit);
  return out;
}

describe('renderTeamsMessage', () => {
  it('lays out a cross-Region SCP denial as Slack does: headline, facts, SCP, reason, verified fix with its policy, caller, links', () => {
    // Act
    const message = renderTeamsMessage({ finding: crossRegionFinding(), fingerprint: FINGERPRINT, repeats: 2, lang: 'en' });

    // Assess
    expect(teamsPayloadProblem(JSON.stringify(message))).toBeNull();
    expect(message.attachments[0]?.content.version).toBe('1.4');
    const lines = teamsCardLines(message);
    expect(lines.slice(0, 9)).toEqual([
      '🔴 Cross-Region inference blocked by a region-deny SCP',
      'Account: 111122223333',
      'Principal: arn:aws:sts::111122223333:assumed-role/app-chatbot-role/i-0abc12345def67890',
      'Profile / model: apac.anthropic.claude-3-5-sonnet-20241022-v2:0',
      'Source → denied Region: ap-northeast-1 → ap-southeast-1',
      'Action: bedrock:InvokeModel (Converse)',
      'Verdict: cross-region-scp · High',
      'SCP: arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1',
      'Statement: DenyAllOutsideApprovedRegions',
    ]);
    expect(lines).toContain('Recommended fix: Allow the APAC profile only (verified against the SCPs in force)');
    expect(lines).toContain('  "Condition": { "ArnNotLike": { "bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:inference-profile/apac.*" } }');
    expect(lines).toContain('Caller: Boto3/1.35.0 203.0.113.25');
    expect(lines).toContain('2 alternatives · 2 more since last alert');
    expect(lines).toContain(`Fingerprint: ${FINGERPRINT}`);
    expect(lines).toContain('[Open the CloudTrail event] https://ap-northeast-1.console.aws.amazon.com/cloudtrailv2/home?region=ap-northeast-1#/events/9d1b7a52-0000-4000-9000-000000000001');
    expect(lines).toContain('[Open the SCP in AWS Organizations] https://us-east-1.console.aws.amazon.com/organizations/v2/home/policies/service-control-policy/p-examplescp1');
  });

  it('writes the Japanese labels and verification outcome with LOCALE=ja, policy text untranslated', () => {
    const finding = crossRegionFinding();
    if (finding.fix) finding.fix.verification = { status: 'unverified', checks: [] };
    const lines = teamsCardLines(renderTeamsMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'ja' }));
    expect(lines[0]).toBe('🔴 クロスリージョン推論がリージョン制限 SCP で拒否されました');
    expect(lines).toContain('アカウント: 111122223333');
    expect(lines).toContain('送信元 → 拒否されたリージョン: ap-northeast-1 → ap-southeast-1');
    expect(lines).toContain('推奨される修正: Allow the APAC profile only（未検証: 適用中の SCP を読み取っていません）');
    expect(lines.some((line) => line.includes('"ArnNotLike"'))).toBe(true);
    expect(lines).toContain('[CloudTrail イベントを開く] https://ap-northeast-1.console.aws.amazon.com/cloudtrailv2/home?region=ap-northeast-1#/events/9d1b7a52-0000-4000-9000-000000000001');
  });

  it('keeps hostile record text inert: only TextRuns (never Markdown), no link, no mention, identifiers verbatim', () => {
    // Act
    const message = renderTeamsMessage({ finding: hostileFinding(), fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });

    // Assess: no element that reads Markdown
    expect(elements(message).every((element) => element.type === 'RichTextBlock' || element.type === 'Container')).toBe(true);
    expect(teamsPayloadProblem(JSON.stringify(message))).toBeNull();
    const lines = teamsCardLines(message);
    expect(lines).toContain('Principal: arn:aws:sts::111122223333:assumed-role/app-role/<!channel> *bold* <https:∕∕evil|click>');
    expect(lines).toContain('Profile / model: *apac*._x_~y~<!everyone>');
    expect(lines).toContain('Caller: curl/8 ``` *x*``` `tick` <@U0123ABCD> <!subteam^S123>');
    expect(lines).toContain('Denied <!channel> see https:∕∕evil.example *now* @here');
    const raw = JSON.stringify(message);
    expect(raw).not.toContain('https://evil');
    expect(raw).not.toContain('<at>');
    // The only links are the actions built from validated IDs.
    expect(message.attachments[0]?.content.actions.map((action) => new URL(action.url).host)).toEqual(['ap-northeast-1.console.aws.amazon.com', 'us-east-1.console.aws.amazon.com']);
  });

  it('neutralises bidi overrides and control characters and keeps one value on one line', () => {
    const finding = crossRegionFinding();
    finding.userAgent = 'agent\u202Etxt.exe\nsecond line\u0007';
    const lines = teamsCardLines(renderTeamsMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' }));
    expect(lines).toContain('Caller: agent[U+202E]txt.exe second line\uFFFD 203.0.113.25');
  });

  it('shrinks a card with a huge policy below its byte budget and marks the cut', () => {
    // Prepare: a 600-line patched policy and a 20 KB error message
    const finding = crossRegionFinding();
    const snippet = Array.from({ length: 600 }, (_, index) => `    "arn:aws:bedrock:ap-south-${index}::foundation-model/${'x'.repeat(80)}",`).join('\n');
    if (finding.fix?.recommended) finding.fix.recommended.snippet = { language: 'json', content: snippet };
    finding.errorMessage = 'E'.repeat(20_000);

    // Act
    const message = renderTeamsMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });

    // Assess
    expect(teamsPayloadBytes(message)).toBeLessThanOrEqual(TEAMS_CARD_BUDGET_BYTES);
    expect(teamsPayloadProblem(JSON.stringify(message))).toBeNull();
    const lines = teamsCardLines(message);
    expect(lines.some((line) => /^… \d+ more lines \(the SNS alert and the CLI carry the whole fix\)$/.test(line))).toBe(true);
    expect(lines.find((line) => line.startsWith('Error message: '))).toMatch(/…\(\d+ characters cut\)$/);
  });

  it('says no fix was computed when there is none, and builds no link from an invalid event ID', () => {
    const finding = { ...hostileFinding(), eventId: 'not a valid id <x>' };
    const message = renderTeamsMessage({ finding, fingerprint: FINGERPRINT, repeats: 0, lang: 'en' });
    expect(teamsCardLines(message)).toContain('No fix computed for this denial.');
    expect(message.attachments[0]?.content.actions.map((action) => action.title)).toEqual(['Open the SCP in AWS Organizations']);
  });
});

describe('the loopback Teams card check', () => {
  it.each([
    ['an element type Teams does not know', { type: 'Marquee', text: 'x' }, /unknown element type Marquee/],
    ['an element newer than the card version', { type: 'Table', columns: [] }, /Table needs card version 1\.5/],
    ['a RichTextBlock inline that is not a TextRun', { type: 'RichTextBlock', inlines: [{ type: 'Image', url: 'https://x' }] }, /must be a TextRun/],
  ])('refuses %s', (_name, element, problem) => {
    const body = { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.4', body: [element] } }] };
    expect(teamsPayloadProblem(JSON.stringify(body))).toMatch(problem);
  });

  it('refuses a card version Teams does not render and an OpenUrl that is not https', () => {
    const card = (version: string, url: string) => JSON.stringify({ type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version, body: [], actions: [{ type: 'Action.OpenUrl', url }] } }] });
    expect(teamsPayloadProblem(card('1.6', 'https://x.example'))).toMatch(/version must be one of/);
    expect(teamsPayloadProblem(card('1.4', 'javascript:alert(1)'))).toMatch(/absolute https URL/);
    expect(teamsPayloadProblem(card('1.4', 'https://x.example'))).toBeNull();
  });
});
