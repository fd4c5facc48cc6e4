import { describe, expect, it } from 'vitest';
import { parseDigestConfig } from '../../../../shared/core/digest/config.js';

const BASE = {
  TABLE_NAME: 'cris-auditor-dev',
  DIGEST_RECIPIENTS: 'ccoe@example.com, sec@example.com',
  DIGEST_SENDER: 'cris-auditor <noreply@example.com>',
};

describe('parseDigestConfig', () => {
  it('applies the defaults: UTC, send on empty days, English, no topic', () => {
    // Act
    const result = parseDigestConfig(BASE);

    // Assess
    expect(result).toEqual({
      ok: true,
      value: {
        tableName: 'cris-auditor-dev',
        recipients: ['ccoe@example.com', 'sec@example.com'],
        sender: 'cris-auditor <noreply@example.com>',
        timeZone: 'UTC',
        emptyDay: 'send',
        topicArn: null,
        lang: 'en',
        profilesInUse: [],
      },
    });
  });

  it('reads every optional setting', () => {
    // Act
    const result = parseDigestConfig({
      ...BASE,
      DIGEST_TIME_ZONE: 'Asia/Tokyo',
      DIGEST_EMPTY_DAY: 'skip',
      DIGEST_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:111122223333:cris-digest',
      LOCALE: 'ja',
      GUARD_PROFILES: 'apac.anthropic.claude-sonnet-4-5-20250929-v1:0@ap-northeast-1, jp.amazon.nova-lite-v1:0@ap-northeast-3',
    });

    // Assess
    expect(result.ok && result.value).toMatchObject({
      timeZone: 'Asia/Tokyo',
      emptyDay: 'skip',
      topicArn: 'arn:aws:sns:ap-northeast-1:111122223333:cris-digest',
      lang: 'ja',
      profilesInUse: [
        { profile: 'apac.anthropic.claude-sonnet-4-5-20250929-v1:0', sourceRegion: 'ap-northeast-1' },
        { profile: 'jp.amazon.nova-lite-v1:0', sourceRegion: 'ap-northeast-3' },
      ],
    });
  });

  it('accepts a topic without recipients (SNS only)', () => {
    // Act
    const result = parseDigestConfig({ TABLE_NAME: 't', DIGEST_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:111122223333:d' });

    // Assess
    expect(result.ok && result.value).toMatchObject({ recipients: [], sender: '', topicArn: 'arn:aws:sns:ap-northeast-1:111122223333:d' });
  });

  it.each([
    { name: 'no table', env: { ...BASE, TABLE_NAME: '' }, reason: /TABLE_NAME/ },
    { name: 'neither recipients nor topic', env: { ...BASE, DIGEST_RECIPIENTS: ' , ' }, reason: /DIGEST_RECIPIENTS is not set .* nowhere to go/ },
    { name: 'a bad recipient', env: { ...BASE, DIGEST_RECIPIENTS: 'a@example.com,not-an-address' }, reason: /"not-an-address"/ },
    { name: 'too many recipients', env: { ...BASE, DIGEST_RECIPIENTS: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`).join(',') }, reason: /51 addresses/ },
    { name: 'no sender', env: { ...BASE, DIGEST_SENDER: undefined }, reason: /DIGEST_SENDER is not set/ },
    { name: 'a sender with a line break', env: { ...BASE, DIGEST_SENDER: 'x\r\nBcc: a@example.com' }, reason: /DIGEST_SENDER is not an email address/ },
    { name: 'an unknown time zone', env: { ...BASE, DIGEST_TIME_ZONE: 'Asia/Nowhere' }, reason: /DIGEST_TIME_ZONE "Asia\/Nowhere"/ },
    { name: 'an unknown empty-day mode', env: { ...BASE, DIGEST_EMPTY_DAY: 'never' }, reason: /DIGEST_EMPTY_DAY/ },
    { name: 'a pinned profile without its Region', env: { ...BASE, GUARD_PROFILES: 'apac.anthropic.claude-sonnet-4-5-20250929-v1:0' }, reason: /^GUARD_PROFILES / },
    { name: 'a topic that is not an ARN', env: { ...BASE, DIGEST_TOPIC_ARN: 'cris-digest' }, reason: /DIGEST_TOPIC_ARN/ },
    { name: 'an unknown language', env: { ...BASE, LOCALE: 'fr' }, reason: /LOCALE must be en or ja, not "fr"/ },
  ])('refuses $name with a reason naming the variable', ({ env, reason }) => {
    // Act
    const result = parseDigestConfig(env);

    // Assess
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
