import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { matchesEventPattern, type EventPattern } from '../../shared/core/event-pattern-matcher.js';
import { GUARDED_EVENT_NAMES } from '../../shared/core/guard/index.js';
import { readCfnYaml } from './cfn-yaml.js';
import { ROOT } from './package-stack.js';

const infra = (file: string) => join(ROOT, 'infra', file);
const pattern = JSON.parse(readFileSync(infra('organizations-event-pattern.json'), 'utf8')) as EventPattern;
const read = (dir: string) =>
  readdirSync(join(ROOT, 'events', dir))
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({ name, event: JSON.parse(readFileSync(join(ROOT, 'events', dir, name), 'utf8')) as { detail: { errorCode?: string } } }));

describe('infra/organizations-event-pattern.json (the guard\'s rules)', () => {
  const samples = read('organizations');

  it('names exactly the Organizations calls the guard handles', () => {
    expect((pattern as { detail: { eventName: string[] } }).detail.eventName).toEqual([...GUARDED_EVENT_NAMES]);
  });

  it.each(samples.filter(({ event }) => event.detail.errorCode === undefined))('matches the successful change $name', ({ event }) => {
    expect(matchesEventPattern(pattern, event)).toBe(true);
  });

  it('leaves out failed calls (nothing changed) and every Bedrock event', () => {
    const failed = samples.filter(({ event }) => event.detail.errorCode !== undefined);
    expect(failed.length).toBeGreaterThan(0);
    expect([...failed, ...read('eventbridge')].filter(({ event }) => matchesEventPattern(pattern, event)).map(({ name }) => name)).toEqual([]);
  });

  it('leaves out Organizations calls that cannot change an SCP chain (CreateAccount, TagResource)', () => {
    const base = samples[0]?.event as unknown as { detail: Record<string, unknown> };
    for (const eventName of ['CreateAccount', 'TagResource', 'ListPoliciesForTarget']) {
      expect(matchesEventPattern(pattern, { ...base, detail: { ...base.detail, eventName } })).toBe(false);
    }
  });
});

describe('infra/forwarder-organizations.yml (management account, us-east-1)', () => {
  const template = readCfnYaml(infra('forwarder-organizations.yml'));
  const rule = template.Resources['ForwarderRule'];

  it('forwards with exactly the guard\'s pattern, from the default bus, to the central bus through its own role', () => {
    expect(rule?.Properties?.['EventPattern']).toEqual(pattern);
    expect(rule?.Properties).toMatchObject({ EventBusName: 'default', State: 'ENABLED' });
    expect(rule?.Properties?.['Targets']).toEqual([
      {
        Id: 'central-bus',
        Arn: { Ref: 'CentralEventBusArn' },
        RoleArn: { 'Fn::GetAtt': ['ForwarderRole', 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      },
    ]);
  });

  it('refuses to deploy outside us-east-1, where no Organizations event arrives', () => {
    expect(JSON.stringify((template as unknown as { Rules: unknown }).Rules)).toContain('"us-east-1"');
  });

  it('lets the role put events on the central bus only', () => {
    const statements = (template.Resources['ForwarderRole']?.Properties?.['Policies'] as { PolicyDocument: { Statement: unknown[] } }[])[0]?.PolicyDocument.Statement;
    expect(statements).toEqual([{ Sid: 'PutEventsOnCentralBus', Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'CentralEventBusArn' } }]);
  });
});

describe('infra/guard.yml', () => {
  const template = readCfnYaml(infra('guard.yml'));

  it('uses the one pattern on the central bus and, in us-east-1, on the default bus; only with the org read role', () => {
    expect(template.Resources['CentralGuardRule']).toMatchObject({ Condition: 'HasOrgReadRole', Properties: { EventBusName: { Ref: 'CentralEventBus' }, State: 'ENABLED' } });
    expect(template.Resources['LocalGuardRule']).toMatchObject({ Condition: 'HasLocalGuardRule', Properties: { EventBusName: 'default' } });
    expect(template.Resources['RefreshSchedule']).toMatchObject({ Condition: 'HasOrgReadRole' });
  });

  it('scopes each role\'s DynamoDB access to the partitions it owns (LeadingKeys)', () => {
    // Each DynamoDB statement of the role: its actions and the partitions it may touch.
    const access = (role: string) => {
      const statements = (template.Resources[role]?.Properties?.['Policies'] as { PolicyDocument: { Statement: Array<Record<string, any>> } }[])[0]?.PolicyDocument.Statement ?? [];
      return statements
        .filter((s) => typeof s === 'object' && String(s['Action']).includes('dynamodb:'))
        .map((s) => ({ actions: ([] as string[]).concat(s['Action']), keys: s['Condition']?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'] }));
    };
    // The guard writes only its snapshot and change claims; the profiles in use are read-only.
    expect(access('GuardRole')).toEqual([
      { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'], keys: ['ORGSNAP*', 'ORGCHANGE#*'] },
      { actions: ['dynamodb:Query'], keys: ['HOUR#*', 'CALLS#*'] },
    ]);
    expect(access('RefreshRole').map((statement) => statement.keys)).toEqual([['ORGSNAP*']]);
  });
});
