import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../../../shared/core/digest/aggregate.js';
import { escapeHtml, renderDigestHtml, renderEmptyDigestHtml } from '../../../../shared/core/digest/render-html.js';
import { computeDigestWindow, type DigestWindow } from '../../../../shared/core/digest/schedule.js';
import type { Finding } from '../../../../shared/core/types.js';
import { ALLOWED_DIGEST_ATTRIBUTES, ALLOWED_DIGEST_TAGS, inspectHtml } from '../../../helpers/html-inspect.js';
import { makeAggregate, makeFinding, makeFix } from './digest-fixtures.js';

function window(timeZone = 'Asia/Tokyo'): DigestWindow {
  const result = computeDigestWindow({ now: new Date('2026-11-28T00:00:05Z'), timeZone });
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "javascript:alert('x')",
  "'><svg onload=alert(1)>",
  '</td></tr></table><iframe src="https://evil.example"></iframe>',
  '&lt;script&gt;',
] as const;

function hostileFinding(payload: string): Finding {
  const fix = makeFix(`{"Sid": "${payload}"}`);
  if (fix.recommended !== null) {
    fix.recommended.title = payload;
    fix.recommended.summary = payload;
    fix.recommended.tradeoffs = payload;
  }
  return makeFinding({
    eventId: payload,
    accountId: payload,
    principalArn: payload,
    sourceRegion: payload,
    modelId: payload,
    profile: { id: payload, scope: payload },
    deniedRegion: payload,
    reason: payload,
    userAgent: payload,
    errorMessage: payload,
    fix,
  });
}

describe('escapeHtml', () => {
  it.each([
    ['<script>', '&lt;script&gt;'],
    ['"quoted"', '&quot;quoted&quot;'],
    ["it's", 'it&#39;s'],
    ['a & b', 'a &amp; b'],
    ['`tick`', '&#96;tick&#96;'],
    ['&amp;', '&amp;amp;'],
    ['plain ascii 東京', 'plain ascii 東京'],
  ])('escapes %s as %s', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('renderDigestHtml', () => {
  it.each(HOSTILE)('keeps %s as text: no script, image, link or handler reaches the email', (payload) => {
    // Prepare
    const finding = hostileFinding(payload);
    const digest = buildDigest({ window: window(), current: [makeAggregate({ time: '2026-11-27T03:00:00Z', finding, count: 2 })], previous: [] });

    // Act
    const html = renderDigestHtml(digest, { lang: 'en' });
    const parsed = inspectHtml(html);

    // Assess
    const tagNames = new Set(parsed.tags.map((tag) => tag.name));
    expect([...tagNames].filter((name) => !ALLOWED_DIGEST_TAGS.has(name))).toEqual([]);
    const attributeNames = new Set(parsed.tags.flatMap((tag) => Object.keys(tag.attributes)));
    expect([...attributeNames].filter((name) => !ALLOWED_DIGEST_ATTRIBUTES.has(name))).toEqual([]);
    expect(parsed.tags.flatMap((tag) => Object.values(tag.attributes)).some((value) => value.includes('javascript:'))).toBe(false);
    expect(parsed.text).toContain(payload);
    if (/[<>"'&]/.test(payload)) expect(html).not.toContain(payload);
  });

  it('shows a right-to-left override as a visible code instead of reversing the text', () => {
    // Prepare
    const finding = makeFinding({ accountId: 'role\u202Egpj.exe', reason: 'ok\u2066x\u2069' });
    const digest = buildDigest({ window: window(), current: [makeAggregate({ time: '2026-11-27T03:00:00Z', finding })], previous: [] });

    // Act
    const html = renderDigestHtml(digest, { lang: 'en' });

    // Assess
    expect(html).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(inspectHtml(html).text).toContain('role[U+202E]gpj.exe');
    expect(inspectHtml(html).text).toContain('ok[U+2066]x[U+2069]');
  });

  it('renders totals, verdicts, top lists and each cross-Region SCP group with its recommended fix', () => {
    // Prepare
    const finding = makeFinding({ fix: makeFix('{\n  "Effect": "Deny"\n}') });
    const digest = buildDigest({
      window: window(),
      current: [makeAggregate({ time: '2026-11-27T03:00:00Z', finding, count: 4 })],
      previous: [makeAggregate({ time: '2026-11-26T03:00:00Z', finding, count: 1 })],
    });

    // Act
    const text = inspectHtml(renderDigestHtml(digest, { lang: 'en' })).text;

    // Assess
    expect(text).toContain('From 2026-11-27 09:00 to 2026-11-28 09:00 (Asia/Tokyo)');
    expect(text).toContain('Cross-Region inference blocked by an SCP');
    expect(text).toContain('111122223333');
    expect(text).toContain('arn:aws:iam::111122223333:role/app-role');
    expect(text).toContain('ap-northeast-1 → ap-southeast-2');
    expect(text).toContain('Recommended fix: Allow the APAC profile only');
    expect(text).toContain('{\n  "Effect": "Deny"\n}');
    expect(text).toContain('2026-11-27 12:00');
    expect(text).toContain('+3');
  });

  it('prints a snippet shared by several groups once and points back to it', () => {
    // Prepare
    const fix = makeFix('{"same": true}');
    const current = ['a', 'b', 'c'].map((accountId) => makeAggregate({ time: '2026-11-27T03:00:00Z', finding: makeFinding({ accountId, fix }) }));
    const digest = buildDigest({ window: window(), current, previous: [] });

    // Act
    const html = renderDigestHtml(digest, { lang: 'en' });

    // Assess
    expect(html.split('{&quot;same&quot;: true}')).toHaveLength(2);
    expect(inspectHtml(html).text.match(/Same snippet as group 1\./g)).toHaveLength(2);
  });

  it('shows at most maxGroups groups and says how many more there are', () => {
    // Prepare
    const current = Array.from({ length: 5 }, (_, i) => makeAggregate({ time: '2026-11-27T03:00:00Z', finding: makeFinding({ accountId: `acct-${i}` }), count: 10 - i }));
    const digest = buildDigest({ window: window(), current, previous: [] });

    // Act
    const text = inspectHtml(renderDigestHtml(digest, { lang: 'en', maxGroups: 2 })).text;

    // Assess
    expect(text).toContain('acct-0');
    expect(text).toContain('acct-1');
    expect(text).toContain('2. apac.');
    expect(text).not.toContain('3. apac.');
    expect(text).toContain('3 more groups not shown (5 in all).');
  });

  it('writes Japanese labels when the language is ja', () => {
    // Prepare
    const digest = buildDigest({ window: window(), current: [makeAggregate({ time: '2026-11-27T03:00:00Z', finding: makeFinding() })], previous: [] });

    // Act
    const html = renderDigestHtml(digest, { lang: 'ja' });

    // Assess
    expect(html).toContain('<html lang="ja">');
    expect(inspectHtml(html).text).toContain('SCP によりブロックされたクロスリージョン推論');
    expect(inspectHtml(html).text).toContain('修正案はまだ計算されていません');
  });
});

describe('renderEmptyDigestHtml', () => {
  it('says in one line that there were no denials', () => {
    // Act
    const parsed = inspectHtml(renderEmptyDigestHtml(window(), { lang: 'en' }));

    // Assess
    expect(parsed.text).toContain('No denied Amazon Bedrock calls from 2026-11-27 09:00 to 2026-11-28 09:00 (Asia/Tokyo).');
  });
});
