/**
 * The IAM Access Troubleshooter reference of a finding reaches every channel: Slack, SNS (email and
 * default text), the digest (text and HTML) and the CLI.
 */
import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../../../shared/core/digest/aggregate.js';
import { renderDigestHtml } from '../../../../shared/core/digest/render-html.js';
import { renderDigestText } from '../../../../shared/core/digest/render-text.js';
import { computeDigestWindow } from '../../../../shared/core/digest/schedule.js';
import { renderSlackMessage } from '../../../../shared/core/render/slack.js';
import { renderAlertText } from '../../../../shared/core/render/sns.js';
import type { Finding } from '../../../../shared/core/types.js';
import { makeAggregate, makeFinding } from '../digest/digest-fixtures.js';
import { crossRegionFinding } from './findings.js';

const ID = 'k3m9x2q7w1';
const URL = `https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/${ID}`;
const withLink = (finding: Finding): Finding => ({ ...finding, authorizationId: ID, authorizationDetailsUrl: URL });

describe('the authorization link in every channel', () => {
  it('is a Slack link with the ID as code', () => {
    const message = renderSlackMessage({ finding: withLink(crossRegionFinding()), fingerprint: 'f', repeats: 0, lang: 'en' });

    expect(JSON.stringify(message.blocks)).toContain(`<${URL}|Authorization details (IAM, kept at least 24 hours)> \`${ID}\``);
  });

  it('is the ID alone in Slack when the message had no complete link', () => {
    const message = renderSlackMessage({ finding: { ...crossRegionFinding(), authorizationId: ID, authorizationDetailsUrl: null }, fingerprint: 'f', repeats: 0, lang: 'ja' });

    expect(JSON.stringify(message.blocks)).toContain(`*認可 ID* \`${ID}\``);
  });

  it('is shown unbroken in the SNS text', () => {
    const text = renderAlertText({ finding: withLink(crossRegionFinding()), fingerprint: 'f', repeats: 0, lang: 'en' });

    expect(text).toContain(`Authorization details (IAM, kept at least 24 hours): ${URL}`);
  });

  it('is absent from every channel when the finding has none', () => {
    const slack = JSON.stringify(renderSlackMessage({ finding: crossRegionFinding(), fingerprint: 'f', repeats: 0, lang: 'en' }).blocks);
    const text = renderAlertText({ finding: crossRegionFinding(), fingerprint: 'f', repeats: 0, lang: 'en' });

    expect(slack).not.toContain('Authorization');
    expect(text).not.toContain('Authorization');
  });

  it('is in the digest, as text and as an HTML link', () => {
    const window = computeDigestWindow({ now: new Date('2026-11-28T00:00:05Z'), timeZone: 'Asia/Tokyo' });
    if (!window.ok) throw new Error(window.reason);
    const digest = buildDigest({ window: window.value, current: [makeAggregate({ time: '2026-11-27T03:00:00Z', finding: withLink(makeFinding()) })], previous: [] });

    expect(renderDigestText(digest, { lang: 'en' })).toContain(`Authorization details (latest denial, kept at least 24 hours): ${URL}`);
    expect(renderDigestHtml(digest, { lang: 'ja' })).toContain(`<a href="${URL}">${ID}</a>`);
  });
});
