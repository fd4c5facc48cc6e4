import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../shared/core/errors.js';
import { loadAlertConfig, loadReplayConfig, oncePerColdStart } from '../../../shared/runtime/config.js';

const BASE = { TABLE_NAME: 'cris-auditor', ALERT_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:111122223333:alerts' };

function failure(env: Record<string, string | undefined>): string {
  try {
    loadAlertConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('loadAlertConfig', () => {
  it('applies the defaults: 60-minute window, English, authoritative path on', () => {
    expect(loadAlertConfig(BASE)).toEqual({
      tableName: 'cris-auditor',
      slack: null,
      topicArn: 'arn:aws:sns:ap-northeast-1:111122223333:alerts',
      suppressionWindowMinutes: 60,
      locale: 'en',
      orgReadRoleArn: null,
      authoritative: true,
    });
  });

  it('switches the authoritative path off with AUTHORITATIVE_FIXES=off, and refuses other values', () => {
    expect(loadAlertConfig({ ...BASE, AUTHORITATIVE_FIXES: 'off' }).authoritative).toBe(false);
    expect(loadReplayConfig({ AUTHORITATIVE_FIXES: 'off' }).authoritative).toBe(false);
    expect(() => loadAlertConfig({ ...BASE, AUTHORITATIVE_FIXES: 'yes' })).toThrow(/AUTHORITATIVE_FIXES must be on or off \(got "yes"\)/);
  });

  it('prefers Secrets Manager over SSM over a literal webhook URL', () => {
    const env = {
      TABLE_NAME: 't',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x',
      SLACK_WEBHOOK_PARAMETER_NAME: '/cris-auditor/slack-webhook',
      SLACK_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:slack-AbCdEf',
    };
    expect(loadAlertConfig(env).slack).toEqual({ secretArn: env.SLACK_WEBHOOK_SECRET_ARN });
    expect(loadAlertConfig({ ...env, SLACK_WEBHOOK_SECRET_ARN: '' }).slack).toEqual({ parameterName: '/cris-auditor/slack-webhook' });
    expect(loadAlertConfig({ ...env, SLACK_WEBHOOK_SECRET_ARN: undefined, SLACK_WEBHOOK_PARAMETER_NAME: undefined }).slack).toEqual({ url: env.SLACK_WEBHOOK_URL });
  });

  it.each([
    ['names a missing table', { ALERT_TOPIC_ARN: BASE.ALERT_TOPIC_ARN }, 'Invalid configuration of the alert function: TABLE_NAME is required'],
    ['names a window that is not a number', { ...BASE, SUPPRESSION_WINDOW_MINUTES: 'hourly' }, 'SUPPRESSION_WINDOW_MINUTES must be a whole number of minutes (got "hourly")'],
    ['names a window that is too long', { ...BASE, SUPPRESSION_WINDOW_MINUTES: '20000' }, 'SUPPRESSION_WINDOW_MINUTES must be at most 10080 (7 days)'],
    ['names an unknown locale', { ...BASE, LOCALE: 'fr' }, 'LOCALE must be one of en, ja (got "fr")'],
    ['names a topic that is not an SNS ARN', { ...BASE, ALERT_TOPIC_ARN: 'alerts' }, 'ALERT_TOPIC_ARN must be an SNS topic ARN (got "alerts")'],
    ['asks for a channel when none is set', { TABLE_NAME: 't' }, 'no alert channel; set SLACK_WEBHOOK_SECRET_ARN, SLACK_WEBHOOK_PARAMETER_NAME or SLACK_WEBHOOK_URL, and/or ALERT_TOPIC_ARN'],
  ])('%s', (_title, env, expected) => {
    expect(failure(env)).toContain(expected);
  });

  it('never echoes an invalid webhook URL, which may be a secret', () => {
    const message = failure({ TABLE_NAME: 't', SLACK_WEBHOOK_URL: 'hooks.slack.com/services/T/B/secretvalue' });
    expect(message).toContain('SLACK_WEBHOOK_URL must be an http(s) URL');
    expect(message).not.toContain('secretvalue');
  });
});

describe('loadReplayConfig', () => {
  it('reads a replay that may only read: no table, no channel, Regions from AWS_REGION', () => {
    expect(loadReplayConfig({ AWS_REGION: 'ap-northeast-1' })).toEqual({
      tableName: null,
      slack: null,
      topicArn: null,
      defaultRegions: ['ap-northeast-1'],
      roleName: null,
      orgReadRoleArn: null,
      locale: 'en',
      authoritative: true,
      history: null,
    });
  });

  it('reads the Athena reader settings, with the stack\'s database and table as defaults', () => {
    expect(loadReplayConfig({ HISTORY_WORKGROUP: 'cris-auditor-history', HISTORY_ACCOUNTS: '111122223333, 444455556666' }).history).toEqual({
      workGroup: 'cris-auditor-history', database: 'cris_auditor_history', table: 'cloudtrail', accounts: ['111122223333', '444455556666'],
    });
    expect(() => loadReplayConfig({ HISTORY_WORKGROUP: 'wg', HISTORY_ACCOUNTS: '1234' })).toThrow(/HISTORY_ACCOUNTS/);
  });

  it('prefers REPLAY_REGIONS and the Secrets Manager webhook, as the alert function does', () => {
    const config = loadReplayConfig({
      AWS_REGION: 'ap-northeast-1',
      REPLAY_REGIONS: 'ap-northeast-1, ap-northeast-3',
      SLACK_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:slack-AbCdEf',
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/secret',
      REPLAY_ROLE_NAME: 'cris-auditor-replay-reader',
      LOCALE: 'ja',
    });

    expect(config).toMatchObject({
      defaultRegions: ['ap-northeast-1', 'ap-northeast-3'],
      slack: { secretArn: 'arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:slack-AbCdEf' },
      roleName: 'cris-auditor-replay-reader',
      locale: 'ja',
    });
  });

  it.each([
    ['REPLAY_REGIONS', { REPLAY_REGIONS: 'Tokyo; Osaka' }, /REPLAY_REGIONS must be a comma list of Region codes/],
    ['ALERT_TOPIC_ARN', { ALERT_TOPIC_ARN: 'alerts' }, /ALERT_TOPIC_ARN must be an SNS topic ARN/],
    ['SLACK_WEBHOOK_URL, without echoing it', { SLACK_WEBHOOK_URL: 'not a url' }, /^(?!.*not a url).*SLACK_WEBHOOK_URL must be an http\(s\) URL/],
  ])('names an invalid %s', (_name, env, message) => {
    expect(() => loadReplayConfig(env)).toThrow(message);
  });
});

describe('oncePerColdStart', () => {
  it('loads once until reset, and does not cache a failure', () => {
    let calls = 0;
    const config = oncePerColdStart(() => {
      calls += 1;
      if (calls === 1) throw new ConfigurationError('first load fails');
      return calls;
    });
    expect(() => config.get()).toThrow('first load fails');
    expect(config.get()).toBe(2);
    expect(config.get()).toBe(2);
    config.reset();
    expect(config.get()).toBe(3);
  });
});
