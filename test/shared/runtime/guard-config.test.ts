import { describe, expect, it } from 'vitest';
import { loadGuardConfig, loadOrgRefreshConfig } from '../../../shared/runtime/config.js';

const TOPIC = 'arn:aws:sns:us-east-1:111122223333:cris-auditor-alerts';

describe('loadGuardConfig', () => {
  it('reads the channels, the role, the pinned profiles and the lookback', () => {
    expect(
      loadGuardConfig({
        TABLE_NAME: 't',
        ALERT_TOPIC_ARN: TOPIC,
        SLACK_WEBHOOK_PARAMETER_NAME: '/cris-auditor/slack',
        ORG_READ_ROLE_ARN: 'arn:aws:iam::999988887777:role/cris-auditor-org-read',
        GUARD_PROFILES: 'apac.anthropic.claude-sonnet-4-20250514-v1:0@ap-northeast-1',
        GUARD_LOOKBACK_HOURS: '48',
        LOCALE: 'ja',
      }),
    ).toEqual({
      tableName: 't',
      slack: { parameterName: '/cris-auditor/slack' },
      topicArn: TOPIC,
      locale: 'ja',
      orgReadRoleArn: 'arn:aws:iam::999988887777:role/cris-auditor-org-read',
      profiles: [{ profile: 'apac.anthropic.claude-sonnet-4-20250514-v1:0', sourceRegion: 'ap-northeast-1' }],
      lookbackHours: 48,
    });
  });

  it.each([
    [{ TABLE_NAME: 't' }, 'no alert channel'],
    [{ TABLE_NAME: 't', ALERT_TOPIC_ARN: TOPIC, GUARD_PROFILES: 'apac.x' }, 'GUARD_PROFILES "apac.x" is not profile@region'],
    [{ TABLE_NAME: 't', ALERT_TOPIC_ARN: TOPIC, GUARD_LOOKBACK_HOURS: '0' }, 'GUARD_LOOKBACK_HOURS must be at least 1'],
    [{ ALERT_TOPIC_ARN: TOPIC }, 'TABLE_NAME is required'],
  ])('refuses %j, naming the setting', (env, message) => {
    expect(() => loadGuardConfig(env)).toThrow(message);
  });
});

describe('loadOrgRefreshConfig', () => {
  it('requires the org read role', () => {
    expect(() => loadOrgRefreshConfig({ TABLE_NAME: 't' })).toThrow('ORG_READ_ROLE_ARN is required');
    expect(loadOrgRefreshConfig({ TABLE_NAME: 't', ORG_READ_ROLE_ARN: 'arn:aws:iam::1:role/r' })).toEqual({ tableName: 't', orgReadRoleArn: 'arn:aws:iam::1:role/r' });
  });
});
