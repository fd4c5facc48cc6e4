import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../../../shared/core/digest/aggregate.js';
import { buildDigestIntermittency } from '../../../../shared/core/digest/intermittency.js';
import type { DigestReadiness } from '../../../../shared/core/digest/readiness.js';
import { renderDigestHtml } from '../../../../shared/core/digest/render-html.js';
import { renderDigestText } from '../../../../shared/core/digest/render-text.js';
import { computeDigestWindow } from '../../../../shared/core/digest/schedule.js';
import { renderQDeveloperDigest } from '../../../../shared/core/render/q-developer.js';
import { ALLOWED_DIGEST_ATTRIBUTES, ALLOWED_DIGEST_TAGS, inspectHtml } from '../../../helpers/html-inspect.js';
import { makeFix } from './digest-fixtures.js';

/** What an attacker can put in a model ID (any caller in the organization) or an admin in an OU name or Sid. */
const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>\u202Etxt.exe\nFORGED LINE';

function hostileDigest() {
  const window = computeDigestWindow({ now: new Date('2026-11-28T00:00:00Z'), timeZone: 'Asia/Tokyo' });
  if (!window.ok) throw new Error(window.reason);
  const fix = makeFix(`{"Sid":"${HOSTILE}"}`);
  if (fix.recommended !== null) fix.recommended.title = HOSTILE;
  const readiness: DigestReadiness = {
    status: 'computed', takenAt: HOSTILE, routes: [{ profile: HOSTILE, sourceRegion: 'ap-northeast-1' }], targets: 2, blockedRows: 1, groupsTotal: 1,
    groups: [{ profile: HOSTILE, sourceRegion: 'ap-northeast-1', deniedDestinations: ['ap-south-1'], sourceCallDenied: false, deniedBy: [{ policyId: 'p-tokyodeny1', policyName: HOSTILE, sid: HOSTILE, level: 1 }], targets: [{ id: 'ou-ab12-strict12', name: HOSTILE, kind: 'ou' }], targetsTotal: 1, fix }],
  };
  const intermittency = buildDigestIntermittency('2026-11-27', [
    { accountId: '111122223333', profile: HOSTILE, sourceRegion: 'ap-northeast-1', calls: 4, successes: 3, failures: 1, failedShare: 0.25, successesByRegion: { 'ap-northeast-1': 3 }, denialsByRegion: { 'ap-south-1': 1 }, otherErrors: {}, deniedBy: ['p-tokyodeny1'] },
  ]);
  return { ...buildDigest({ window: window.value, current: [], previous: [] }), intermittency, readiness };
}

describe('digest sections with hostile values', () => {
  it('escapes model IDs, OU names, policy names and Sids in the HTML: no tag, no attribute, no bidi control', () => {
    const raw = renderDigestHtml(hostileDigest(), { lang: 'en' });
    const html = inspectHtml(raw);
    expect(html.tags.filter((tag) => !ALLOWED_DIGEST_TAGS.has(tag.name)).map((tag) => tag.name)).toEqual([]);
    expect(html.tags.flatMap((tag) => Object.keys(tag.attributes)).filter((name) => !ALLOWED_DIGEST_ATTRIBUTES.has(name))).toEqual([]);
    expect(raw).not.toContain('<script');
    expect(raw).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(raw).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;[U+202E]txt.exe');
  });

  it('keeps every hostile value on its own line in the text part', () => {
    const text = renderDigestText(hostileDigest(), { lang: 'en' });
    expect(text.split('\n').filter((line) => line.startsWith('FORGED LINE'))).toEqual([]);
    expect(text).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
    expect(text).toContain('[U+202E]txt.exe');
  });

  it('escapes them in the Q Developer summary too', () => {
    const digest = hostileDigest();
    const notification = renderQDeveloperDigest({
      lang: 'en', window: digest.window, totals: digest.totals, byVerdict: [], groups: [],
      intermittency: [{ accountId: '111122223333', sentence: `${HOSTILE} from ap-northeast-1` }],
      willBreak: [{ profile: HOSTILE, sourceRegion: 'ap-northeast-1', deniedDestinations: ['ap-south-1'], targetsTotal: 1, recommendedTitle: HOSTILE }],
    });
    expect(notification.content.description).not.toMatch(/<script|<img|[\u202A-\u202E]/);
    expect(notification.content.description.split('\n').filter((line) => line.startsWith('FORGED LINE'))).toEqual([]);
  });
});
