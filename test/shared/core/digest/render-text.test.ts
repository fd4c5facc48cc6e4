import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../../../shared/core/digest/aggregate.js';
import {
  renderDigestAsciiSubject,
  renderDigestSubject,
  renderDigestText,
  renderEmptyDigestText,
} from '../../../../shared/core/digest/render-text.js';
import { computeDigestWindow, type DigestWindow } from '../../../../shared/core/digest/schedule.js';
import { makeAggregate, makeFinding, makeFix } from './digest-fixtures.js';

function window(now = '2026-11-28T00:00:05Z', timeZone = 'Asia/Tokyo'): DigestWindow {
  const result = computeDigestWindow({ now: new Date(now), timeZone });
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

describe('renderDigestSubject', () => {
  it.each([
    { lang: 'en' as const, expected: '[cris-auditor] Bedrock denials digest 2026-11-28: 3 denials, 1 new problem' },
    { lang: 'ja' as const, expected: '[cris-auditor] Bedrock 拒否の日次ダイジェスト 2026-11-28: 拒否 3 件、新規の問題 1 件' },
  ])('names the local date and counts in $lang', ({ lang, expected }) => {
    // Prepare
    const digest = buildDigest({ window: window(), current: [makeAggregate({ time: '2026-11-27T03:00:00Z', finding: makeFinding(), count: 3 })], previous: [] });

    // Act / Assess
    expect(renderDigestSubject(digest, { lang })).toBe(expected);
  });

  it('dates a midnight run by the day it summarizes', () => {
    // Prepare: 00:00 JST on 2026-11-28 summarizes 2026-11-27
    const digest = buildDigest({ window: window('2026-11-27T15:00:00Z'), current: [], previous: [] });

    // Act / Assess
    expect(renderDigestSubject(digest, { lang: 'en' })).toBe('[cris-auditor] Bedrock denials digest 2026-11-27: no denials');
  });

  it('gives SNS an ASCII subject under 100 characters', () => {
    // Prepare
    const digest = buildDigest({ window: window(), current: [makeAggregate({ time: '2026-11-27T03:00:00Z', finding: makeFinding(), count: 123456 })], previous: [] });

    // Act
    const subject = renderDigestAsciiSubject(digest);

    // Assess
    expect(subject).toMatch(/^[\x20-\x7E]{1,99}$/);
    expect(subject).toContain('123456 denials');
  });
});

describe('renderDigestText', () => {
  it('lists totals, verdicts, top lists and groups with the fix snippet', () => {
    // Prepare
    const finding = makeFinding({ fix: makeFix('{\n  "Effect": "Deny"\n}') });
    const digest = buildDigest({
      window: window(),
      current: [makeAggregate({ time: '2026-11-27T03:00:00Z', finding, count: 4 })],
      previous: [makeAggregate({ time: '2026-11-26T03:00:00Z', finding, count: 6 })],
    });

    // Act
    const text = renderDigestText(digest, { lang: 'en' });

    // Assess
    expect(text).toContain('From 2026-11-27 09:00 to 2026-11-28 09:00 (Asia/Tokyo)');
    expect(text).toContain('Denials: 4 (Previous period: 6, Change: -2)');
    expect(text).toContain('Distinct problems: 1 (New problems: 0, Recurring problems: 1)');
    expect(text).toContain('Cross-Region inference blocked by an SCP [cross-region-scp]: 4 (Previous period: 6, -2)');
    expect(text).toContain('  4\t111122223333');
    expect(text).toContain('1. apac.anthropic.claude-3-5-sonnet-20241022-v2:0 -> ap-southeast-2: 4\n');
    expect(text).toContain('   Recommended fix: Allow the APAC profile only');
    expect(text).toContain('     {\n       "Effect": "Deny"\n     }');
  });

  it('keeps a value with line breaks on its line so it cannot forge entries', () => {
    // Prepare
    const finding = makeFinding({ accountId: '1111\n2. fake -> us-east-1: 999\r\n', reason: 'a\u202Eb' });
    const digest = buildDigest({ window: window(), current: [makeAggregate({ time: '2026-11-27T03:00:00Z', finding })], previous: [] });

    // Act
    const lines = renderDigestText(digest, { lang: 'en' }).split('\n');

    // Assess
    expect(lines.filter((line) => line.startsWith('2. '))).toEqual([]);
    expect(lines).toContain('   Account: 1111 2. fake -> us-east-1: 999 ');
    expect(lines).toContain('   Why: a[U+202E]b');
  });

  it('writes the empty-day line', () => {
    expect(renderEmptyDigestText(window(), { lang: 'ja' })).toBe('2026-11-27 09:00 から 2026-11-28 09:00 (Asia/Tokyo) まで、拒否された Amazon Bedrock の呼び出しはありません。\n');
  });
});
