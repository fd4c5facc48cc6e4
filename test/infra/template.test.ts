import { execFile, execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INFERENCE_EVENT_NAMES } from '../../shared/core/constants.js';
import { matchesEventPattern, type EventPattern } from '../../shared/core/event-pattern-matcher.js';
import { actionsOf, identityStatements, resourcesOf } from './iam-statements.js';
import { renderQDeveloperAlert } from '../../shared/core/render/q-developer.js';
import { crossRegionFinding } from '../shared/core/render/findings.js';
import { osls, packageStack, ROOT, type PackagedStack } from './package-stack.js';

// `osls package --stage dev` runs ONCE for this file, offline, with dummy credentials, in a copy of
// the repository; every test below reads the CloudFormation template it wrote.
let stack: PackagedStack;

beforeAll(async () => {
  // `prod` with defaults only: what a first deploy looks like (optional features off, no cap).
  // `hist`: the Athena history of docs/replay.md, exactly as the README packages it.
  stack = await packageStack('dev', [
    { stage: 'prod', args: ['--param=alertReservedConcurrency=none'] },
    { stage: 'hist', args: ['--param=historyBucket=example-org-trail', '--param=orgId=o-abcdefghij'] },
  ]);
  if (stack.stubbedHandlers.length > 0) {
    console.warn(`[infra] functions/${stack.stubbedHandlers.join(', ')}.ts missing: packaged with stubs in the copy`);
  }
  console.info(`[infra] bundle sizes (zip bytes): ${JSON.stringify(stack.zipBytes)}`);
  // Three osls packagings (~50 s each alone) take much longer on a shared, loaded machine.
}, 360_000);

afterAll(() => stack?.dispose());

const resource = (id: string) => {
  const found = stack.template.Resources[id];
  if (!found) throw new Error(`resource ${id} missing from the packaged template`);
  return found;
};
const ofType = (type: string) => Object.entries(stack.template.Resources).filter(([, r]) => r.Type === type);
const getAtt = (id: string, attribute: string) => ({ 'Fn::GetAtt': [id, attribute] });

const EVENT_DIR = join(ROOT, 'events', 'eventbridge');
const samples = readdirSync(EVENT_DIR)
  .filter((name) => name.endsWith('.json'))
  .map((name) => ({ name, event: JSON.parse(readFileSync(join(EVENT_DIR, name), 'utf8')) as unknown }));
const denials = samples.filter(({ name }) => !name.startsWith('negative-'));
const negatives = samples.filter(({ name }) => name.startsWith('negative-'));

describe('capture rules', () => {
  const RULES = ['CentralCaptureRule', 'LocalCaptureRule'];

  it.each(RULES)('%s receives read-only management events (Bedrock runtime calls are read-only)', (id) => {
    expect(resource(id).Properties?.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
  });

  it('listens on the central bus and on the default bus', () => {
    expect(resource('CentralCaptureRule').Properties?.EventBusName).toEqual({ Ref: 'CentralEventBus' });
    expect(resource('LocalCaptureRule').Properties?.EventBusName).toBe('default');
  });

  it.each(RULES)('%s uses exactly the pattern of infra/event-pattern.json', (id) => {
    const source = JSON.parse(readFileSync(join(ROOT, 'infra', 'event-pattern.json'), 'utf8'));
    expect(resource(id).Properties?.EventPattern).toEqual(source);
  });

  it('names the inference APIs of shared/core/constants.ts, except GetAsyncInvoke (a status poll, not an invocation)', () => {
    const pattern = resource('CentralCaptureRule').Properties?.EventPattern as { detail: { eventName: string[] } };
    expect([...pattern.detail.eventName].sort()).toEqual(
      INFERENCE_EVENT_NAMES.filter((name) => name !== 'GetAsyncInvoke').sort(),
    );
  });

  it.each(RULES)('%s targets the alert function with a retry policy and the dead-letter queue', (id) => {
    const targets = resource(id).Properties?.Targets as Record<string, any>[];
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      Arn: getAtt('AlertLambdaFunction', 'Arn'),
      RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 7200 },
      DeadLetterConfig: { Arn: getAtt('DeadLetterQueue', 'Arn') },
    });
  });

  it.each(RULES)('%s may invoke the alert function, and only from that rule', (id) => {
    const permissions = ofType('AWS::Lambda::Permission').filter(
      ([, p]) => JSON.stringify(p.Properties?.SourceArn) === JSON.stringify(getAtt(id, 'Arn')),
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]?.[1].Properties).toMatchObject({
      FunctionName: { Ref: 'AlertLambdaFunction' },
      Principal: 'events.amazonaws.com',
      Action: 'lambda:InvokeFunction',
    });
  });
});

describe('the capture pattern read from the packaged template', () => {
  const pattern = () => resource('CentralCaptureRule').Properties?.EventPattern as EventPattern;

  it('has denial samples to check', () => {
    expect(denials.length).toBeGreaterThanOrEqual(10);
    expect(negatives.length).toBeGreaterThanOrEqual(4);
  });

  it.each(denials)('matches the denial sample $name', ({ event }) => {
    expect(matchesEventPattern(pattern(), structuredClone(event))).toBe(true);
  });

  it.each(negatives)('rejects $name', ({ event }) => {
    expect(matchesEventPattern(pattern(), structuredClone(event))).toBe(false);
  });

  it('matches the SDK spelling AccessDeniedException as well as AccessDenied', () => {
    const [first] = denials;
    const event = structuredClone(first?.event) as { detail: { errorCode: string } };
    const results = ['AccessDenied', 'AccessDeniedException', 'ValidationException'].map((code) => {
      event.detail.errorCode = code;
      return matchesEventPattern(pattern(), event);
    });
    expect(results).toEqual([true, true, false]);
  });
});

describe('IAM', () => {
  const statements = () => identityStatements(stack.template);

  it('gives each function its own role', () => {
    const roles = ['Alert', 'Digest', 'Replay'].map((name) => resource(`${name}LambdaFunction`).Properties?.Role);
    expect(roles).toEqual([getAtt('AlertRole', 'Arn'), getAtt('DigestRole', 'Arn'), getAtt('ReplayRole', 'Arn')]);
    expect(stack.template.Resources['IamRoleLambdaExecution']).toBeUndefined();
  });

  it('never grants a wildcard action', () => {
    const wildcards = statements()
      .filter(({ statement }) => actionsOf(statement).some((action) => String(action) === '*' || String(action).endsWith(':*')))
      .map(({ where }) => where);
    expect(wildcards).toEqual([]);
  });

  it('uses Resource "*" only for cloudtrail:LookupEvents and the IAM Toolbox reads, which name no resource', () => {
    const starred = statements()
      .filter(({ statement }) => resourcesOf(statement).includes('*'))
      .map(({ statement }) => actionsOf(statement));
    // An authorization ID is not an ARN: IAM Toolbox's two preview reads are granted on "*".
    const toolbox = ['iam:GetRequestAuthorizationDetails', 'iam:GetRequestAuthorizationPolicy'];
    expect(starred).toEqual([toolbox, ['cloudtrail:LookupEvents'], toolbox, ['cloudtrail:LookupEvents']]);
  });

  it('grants only Allow statements', () => {
    expect(statements().filter(({ statement }) => statement['Effect'] !== 'Allow')).toEqual([]);
  });

  it('scopes each role\'s log permissions to its own function\'s log group', () => {
    for (const name of ['Alert', 'Digest', 'Replay']) {
      const logs = statements().filter(
        ({ where, statement }) => where.startsWith(`${name}Role/`) && actionsOf(statement).some((a) => String(a).startsWith('logs:')),
      );
      expect(logs.map(({ statement }) => statement['Resource'])).toEqual([getAtt(`${name}LogGroup`, 'Arn')]);
    }
  });

  it('reads the Slack webhook secret by its exact ARN only', () => {
    const secretStatements = statements().filter(({ statement }) => actionsOf(statement).includes('secretsmanager:GetSecretValue'));
    expect(secretStatements.map(({ where }) => where.split('/')[0])).toEqual(['AlertRole', 'ReplayRole', 'GuardRole']);
    for (const { statement } of secretStatements) {
      expect(statement['Resource']).toBe(
        'arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:cris-auditor/slack-webhook-AbCdEf',
      );
    }
  });

  it('sends email only from the configured SES identity, and only from the digest role', () => {
    const ses = statements().filter(({ statement }) => actionsOf(statement).some((a) => String(a).startsWith('ses:')));
    expect(ses.map(({ where }) => where.split('/')[0])).toEqual(['DigestRole']);
    expect(ses[0]?.statement['Resource']).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/example.com',
    });
  });

  it('lets only replay and the chat actions read CloudTrail, and assume reader roles only inside the organization', () => {
    const lookups = statements().filter(({ statement }) => actionsOf(statement).includes('cloudtrail:LookupEvents'));
    expect(lookups.map(({ where }) => where.split('/')[0])).toEqual(['ReplayRole', 'ChatActionRole']);
    const assumeReader = statements().find(({ where }) => where.endsWith('/AssumeReplayReaderInOrganization'));
    expect(assumeReader?.statement).toMatchObject({
      Action: 'sts:AssumeRole',
      Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/cris-auditor-replay-reader' },
      Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-exampleorgid' } },
    });
  });

  it('lets only the alert, replay, chat action, guard and refresh roles assume the Organizations read role, by its exact ARN', () => {
    const assume = statements().filter(({ where }) => where.endsWith('/ReadServiceControlPolicies'));
    expect(assume.map(({ where, statement }) => [where.split('/')[0], statement['Resource']]).sort()).toEqual([
      ['AlertRole', 'arn:aws:iam::999999999999:role/cris-auditor-org-read'],
      ['ChatActionRole', 'arn:aws:iam::999999999999:role/cris-auditor-org-read'],
      ['GuardRole', 'arn:aws:iam::999999999999:role/cris-auditor-org-read'],
      ['RefreshRole', 'arn:aws:iam::999999999999:role/cris-auditor-org-read'],
      ['ReplayRole', 'arn:aws:iam::999999999999:role/cris-auditor-org-read'],
    ]);
  });

  it('lets the KMS key be used for SNS only, by the roles that publish', () => {
    const kms = statements().filter(({ statement }) => actionsOf(statement).some((a) => String(a).startsWith('kms:')));
    for (const { statement } of kms) {
      expect(statement['Resource']).toEqual(getAtt('NotificationKey', 'Arn'));
      expect(statement['Condition']).toEqual({
        StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'sns.${AWS::Region}.amazonaws.com' } },
      });
    }
    expect(kms.map(({ where }) => where.split('/')[0]).sort()).toEqual(['AlertRole', 'DigestRole', 'GuardRole', 'ReplayRole']);
  });
});

describe('dead letters', () => {
  it('keeps them two weeks, encrypted', () => {
    expect(resource('DeadLetterQueue').Properties).toMatchObject({ MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
  });

  it('lets EventBridge write to the queue only on behalf of the two capture rules and the guard rules that exist', () => {
    const statements = resource('DeadLetterQueuePolicy').Properties?.PolicyDocument.Statement as Record<string, any>[];
    const allow = statements.filter((s) => s['Effect'] === 'Allow');
    expect(allow).toEqual([
      {
        Sid: 'CaptureRulesDeadLetters',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: getAtt('DeadLetterQueue', 'Arn'),
        Condition: {
          ArnEquals: {
            'aws:SourceArn': [
              getAtt('CentralCaptureRule', 'Arn'),
              getAtt('LocalCaptureRule', 'Arn'),
              { 'Fn::If': ['HasOrgReadRole', getAtt('CentralGuardRule', 'Arn'), { Ref: 'AWS::NoValue' }] },
              { 'Fn::If': ['HasLocalGuardRule', getAtt('LocalGuardRule', 'Arn'), { Ref: 'AWS::NoValue' }] },
            ],
          },
        },
      },
    ]);
  });

  it('raises an alarm to the alert topic as soon as one message waits', () => {
    expect(resource('DeadLetterQueueAlarm').Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: getAtt('DeadLetterQueue', 'QueueName') }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: 'AlertTopic' }],
    });
  });

  it('retries failed or throttled alert invocations for the longest time Lambda allows', () => {
    expect(resource('AlertLambdaEvConf').Properties?.MaximumEventAgeInSeconds).toBe(21600);
  });

  it.each(['Alert', 'Digest'])('parks failed asynchronous %s invocations in the queue', (name) => {
    expect(resource(`${name}LambdaEvConf`).Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: getAtt('DeadLetterQueue', 'Arn') } },
    });
  });

  it('never retries a replay behind the caller', () => {
    expect(resource('ReplayLambdaEvConf').Properties?.MaximumRetryAttempts).toBe(0);
  });
});

describe('resources', () => {
  it('stores alerts in an on-demand table with TTL, point-in-time recovery and encryption', () => {
    expect(resource('AuditTable').Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it.each(['AlertTopic', 'DigestTopic'])('encrypts %s with the customer managed key', (id) => {
    expect(resource(id).Properties?.KmsMasterKeyId).toEqual({ Ref: 'NotificationKey' });
  });

  it('rotates the key and lets CloudWatch alarms use it for the topics of this account only', () => {
    const key = resource('NotificationKey').Properties as Record<string, any>;
    expect(key['EnableKeyRotation']).toBe(true);
    const cloudwatch = (key['KeyPolicy'].Statement as Record<string, any>[]).find((s) => s['Principal']?.Service === 'cloudwatch.amazonaws.com');
    expect(cloudwatch).toMatchObject({ Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } });
  });

  it('admits the organization, and only it, to the central bus', () => {
    expect(resource('CentralEventBusPolicy').Properties).toMatchObject({
      EventBusName: { Ref: 'CentralEventBus' },
      Statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: getAtt('CentralEventBus', 'Arn'),
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorgid' } },
      },
    });
  });

  it('subscribes each configured email address to the alert topic', () => {
    const endpoints = ofType('AWS::SNS::Subscription').map(([, s]) => [s.Properties?.Protocol, s.Properties?.Endpoint]);
    expect(endpoints).toEqual([
      ['email', 'security-team@example.com'],
      ['email', 'platform-team@example.com'],
    ]);
  });

  it('runs the digest on the configured cron and time zone, through its own role, with retries and the DLQ', () => {
    expect(resource('DigestSchedule').Properties).toMatchObject({
      ScheduleExpression: 'cron(0 9 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Tokyo',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: getAtt('DigestLambdaFunction', 'Arn'),
        RoleArn: getAtt('DigestSchedulerRole', 'Arn'),
        DeadLetterConfig: { Arn: getAtt('DeadLetterQueue', 'Arn') },
      },
    });
  });

  it('passes the digest the scheduled time (the digest window is computed from it)', () => {
    const input = JSON.parse(resource('DigestSchedule').Properties?.Target.Input as string);
    expect(input).toMatchObject({ scheduledTime: '<aws.scheduler.scheduled-time>' });
  });
});

describe('functions', () => {
  const ALLOWED_ENV = new Set([
    'TABLE_NAME', 'SLACK_WEBHOOK_URL', 'SLACK_WEBHOOK_SECRET_ARN', 'SLACK_WEBHOOK_PARAMETER_NAME', 'ALERT_TOPIC_ARN',
    'SUPPRESSION_WINDOW_MINUTES', 'LOCALE', 'DIGEST_RECIPIENTS', 'DIGEST_SENDER', 'DIGEST_TIME_ZONE', 'DIGEST_EMPTY_DAY',
    'DIGEST_TOPIC_ARN', 'REPLAY_REGIONS', 'REPLAY_ROLE_NAME', 'ORG_READ_ROLE_ARN', 'POWERTOOLS_SERVICE_NAME',
    'POWERTOOLS_LOG_LEVEL', 'AUTHORITATIVE_FIXES',
    'TEAMS_WEBHOOK_URL', 'TEAMS_WEBHOOK_SECRET_ARN', 'TEAMS_WEBHOOK_PARAMETER_NAME', 'Q_DEVELOPER_TOPIC_ARN',
    'GUARD_PROFILES', 'GUARD_LOOKBACK_HOURS',
  ]);
  const functions = () => ofType('AWS::Lambda::Function').filter(([id]) => id !== 'CustomDashresourceDasheventDashbridgeLambdaFunction');
  const env = (name: string) => resource(`${name}LambdaFunction`).Properties?.Environment.Variables as Record<string, unknown>;

  it('runs six functions on Node.js 22 on arm64', () => {
    expect(functions().map(([id, f]) => [id, f.Properties?.Runtime, f.Properties?.Architectures])).toEqual([
      ['AlertLambdaFunction', 'nodejs22.x', ['arm64']],
      ['DigestLambdaFunction', 'nodejs22.x', ['arm64']],
      ['ReplayLambdaFunction', 'nodejs22.x', ['arm64']],
      ['ChatLambdaFunction', 'nodejs22.x', ['arm64']],
      ['GuardLambdaFunction', 'nodejs22.x', ['arm64']],
      ['RefreshLambdaFunction', 'nodejs22.x', ['arm64']],
    ]);
  });

  it('uses only the agreed environment variable names', () => {
    const names = functions().flatMap(([, f]) => Object.keys(f.Properties?.Environment.Variables ?? {}));
    expect(names.filter((name) => !ALLOWED_ENV.has(name))).toEqual([]);
  });

  it('gives each function the settings it reads', () => {
    expect(env('Alert')).toMatchObject({
      TABLE_NAME: { Ref: 'AuditTable' },
      ALERT_TOPIC_ARN: { Ref: 'AlertTopic' },
      SUPPRESSION_WINDOW_MINUTES: '60',
      LOCALE: 'en',
      POWERTOOLS_SERVICE_NAME: 'cris-auditor',
      ORG_READ_ROLE_ARN: 'arn:aws:iam::999999999999:role/cris-auditor-org-read',
    });
    expect(env('Digest')).toMatchObject({
      DIGEST_RECIPIENTS: 'security-team@example.com',
      DIGEST_SENDER: 'cris-auditor@example.com',
      DIGEST_TIME_ZONE: 'Asia/Tokyo',
      DIGEST_EMPTY_DAY: 'send',
    });
    expect(env('Replay')).toMatchObject({
      REPLAY_REGIONS: 'ap-northeast-1,ap-northeast-3,us-east-1',
      REPLAY_ROLE_NAME: 'cris-auditor-replay-reader',
      ALERT_TOPIC_ARN: { Ref: 'AlertTopic' },
    });
    expect(env('Replay')['ORG_READ_ROLE_ARN']).toBe('arn:aws:iam::999999999999:role/cris-auditor-org-read');
    expect(env('Digest')['ORG_READ_ROLE_ARN']).toBeUndefined();
  });

  it('gives the guard Slack, the alert topic and the org read role, and the refresh the table and the role only', () => {
    expect(env('Guard')).toMatchObject({
      TABLE_NAME: { Ref: 'AuditTable' },
      ALERT_TOPIC_ARN: { Ref: 'AlertTopic' },
      SLACK_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-1:111122223333:secret:cris-auditor/slack-webhook-AbCdEf',
      ORG_READ_ROLE_ARN: 'arn:aws:iam::999999999999:role/cris-auditor-org-read',
    });
    expect(Object.keys(env('Guard')).filter((name) => name.startsWith('TEAMS_'))).toEqual([]);
    expect(Object.keys(env('Refresh')).sort()).toEqual(['LOCALE', 'ORG_READ_ROLE_ARN', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME', 'TABLE_NAME']);
    expect(resource('RefreshSchedule').Properties).toMatchObject({ ScheduleExpression: 'cron(30 3 * * ? *)', ScheduleExpressionTimezone: 'UTC' });
  });

  it('caps the alert function\'s concurrency and gives replay the full 15 minutes', () => {
    expect(resource('AlertLambdaFunction').Properties?.ReservedConcurrentExecutions).toBe(10);
    expect(resource('ReplayLambdaFunction').Properties?.Timeout).toBe(900);
  });

  it('ships one small bundle per function', () => {
    for (const [name, bytes] of Object.entries(stack.zipBytes)) {
      expect(bytes, name).toBeGreaterThan(0);
      expect(bytes, name).toBeLessThan(5 * 1024 * 1024);
    }
  });
});

describe('stages', () => {
  const print = async (stage: string) => JSON.parse((await osls(stack.dir, ['print', '--stage', stage, '--format', 'json'])).stdout);

  it('local: every environment value is a literal, so `osls invoke local` never asks CloudFormation', async () => {
    const config = await print('local');
    const values = Object.values(config.functions as Record<string, { environment: Record<string, unknown> }>).flatMap(
      (fn) => Object.values(fn.environment),
    );
    expect(values.filter((value) => typeof value !== 'string')).toEqual([]);
    expect(config.functions.alert.environment).toMatchObject({
      TABLE_NAME: 'cris-auditor-local',
      ALERT_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:000000000000:cris-auditor-local-alerts',
    });
  }, 60_000);

  it('a stage with only defaults leaves unset optional features out entirely', async () => {
    const config = await print('prod');
    expect(Object.keys(config.functions.alert.environment).sort()).toEqual([
      'ALERT_TOPIC_ARN', 'LOCALE', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_SERVICE_NAME', 'SUPPRESSION_WINDOW_MINUTES', 'TABLE_NAME',
    ]);
    expect(config.functions.replay.environment.REPLAY_REGIONS).toBe('ap-northeast-1');
    expect(Object.keys(config.resources.Resources).filter((id) => id.startsWith('AlertEmailSubscription'))).toEqual([]);
    expect(config.resources.Conditions.HasOrganization).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
    // Optional statements are absent, not statements with an empty ARN.
    const alertStatements = config.resources.Resources.AlertRole.Properties.Policies[0].PolicyDocument.Statement;
    expect(alertStatements.filter((statement: unknown) => JSON.stringify(statement) === '{"Ref":"AWS::NoValue"}')).toHaveLength(6);
    expect(config.resources.Conditions.HasQDeveloper).toEqual({ 'Fn::Equals': ['', 'q-developer'] });
    expect(JSON.stringify(config.resources)).not.toMatch(/"Resource":""/);
    // No recipients and no digest topic: no schedule, so no daily failure lands in the DLQ.
    expect(config.resources.Resources.DigestSchedule.Condition).toBe('HasDigestDestination');
    // No org read role: no guard rule and no refresh schedule (the guard would have no snapshot).
    expect(config.resources.Conditions.HasOrgReadRole).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
    expect(['CentralGuardRule', 'LocalGuardRule', 'RefreshSchedule'].map((id) => config.resources.Resources[id].Condition)).toEqual(['HasOrgReadRole', 'HasLocalGuardRule', 'HasOrgReadRole']);
    expect(config.resources.Conditions.HasDigestRecipients).toEqual({ 'Fn::Not': [{ 'Fn::Equals': ['', ''] }] });
  }, 60_000);
});

describe('cfn-lint', () => {
  const cfnLint = (() => {
    try {
      return execFileSync('sh', ['-c', 'command -v cfn-lint'], { encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  })();
  if (!cfnLint) console.info('[infra] cfn-lint tests skipped: `command -v cfn-lint` found nothing (pip install cfn-lint)');

  const FILES = ['forwarder.yml', 'replay-reader-role.yml', 'org-read-role.yml'].map((file) => join(ROOT, 'infra', file));
  const templates = () => [stack.templatePath, stack.templatePathOf('prod'), stack.templatePathOf('hist'), ...FILES];
  let findings: Promise<string[]> | undefined;
  /** Every finding of one cfn-lint run over all templates, as `path:line:col:line:col:rule:message` lines. */
  const lintAll = () =>
    (findings ??= promisify(execFile)(cfnLint, ['--format', 'parseable', ...templates()], { timeout: 120_000 })
      .then(({ stdout }) => stdout)
      .catch((error: { code?: unknown; stdout?: string }) => {
        // Exit status is a bit mask (2 errors, 4 warnings, 8 informational): findings are on stdout.
        if (typeof error.code !== 'number') throw error;
        return error.stdout ?? '';
      })
      .then((stdout) => stdout.split('\n').filter((line) => line.trim() !== '')));
  const errorsIn = async (path: string) =>
    (await lintAll()).filter((line) => line.startsWith(`${path}:`) && /:E\d{4}:/.test(line));

  it.skipIf(!cfnLint)('finds no errors in the packaged template', async () => {
    expect(await errorsIn(stack.templatePath)).toEqual([]);
  }, 120_000);

  it.skipIf(!cfnLint)('finds no errors in the template of a defaults-only stage', async () => {
    expect(await errorsIn(stack.templatePathOf('prod'))).toEqual([]);
  }, 120_000);

  it.skipIf(!cfnLint)('finds no errors in the template with the Athena history (historyBucket)', async () => {
    expect(await errorsIn(stack.templatePathOf('hist'))).toEqual([]);
  }, 120_000);

  it.skipIf(!cfnLint).each(FILES)('finds no errors in %s', async (path) => {
    expect(await errorsIn(path)).toEqual([]);
  }, 120_000);

  it.skipIf(!cfnLint)('reads findings it can attribute (a broken template would show up)', async () => {
    // Warnings are expected (conditions over literal parameters); each line names a file we passed.
    const lines = await lintAll();
    expect(lines.every((line) => templates().some((path) => line.startsWith(`${path}:`)))).toBe(true);
  }, 120_000);
});

describe('Athena history (historyBucket)', () => {
  type Template = PackagedStack['template'];
  const history = (): Template => JSON.parse(readFileSync(stack.templatePathOf('hist'), 'utf8')) as Template;
  const replayStatements = (template: Template) =>
    (template.Resources.ReplayRole?.Properties?.Policies as { PolicyDocument: { Statement: { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown }[] } }[])[0]?.PolicyDocument.Statement ?? [];
  const HISTORY_TYPES = ['AWS::Glue::Database', 'AWS::Glue::Table', 'AWS::Athena::WorkGroup'];

  it('exists only when historyBucket is set: no resource, statement, variable or output otherwise', () => {
    for (const template of [stack.template, JSON.parse(readFileSync(stack.templatePathOf('prod'), 'utf8')) as Template]) {
      expect(Object.keys(template.Resources).filter((id) => id.startsWith('History'))).toEqual([]);
      expect(Object.values(template.Resources).filter((r) => HISTORY_TYPES.includes(r.Type))).toEqual([]);
      expect(replayStatements(template).filter((s) => s.Sid?.startsWith('History'))).toEqual([]);
      expect(JSON.stringify(template.Resources.ReplayLambdaFunction?.Properties?.Environment)).not.toMatch(/HISTORY_/);
      expect(Object.keys(template.Outputs ?? {}).filter((id) => id.startsWith('History'))).toEqual([]);
    }
  });

  it('creates the trail table with the CloudTrail SerDe and partition projection: account injected, Region enum, day as a date', () => {
    const table = history().Resources.HistoryTable?.Properties?.TableInput;
    expect(table.PartitionKeys).toEqual([{ Name: 'account', Type: 'string' }, { Name: 'region', Type: 'string' }, { Name: 'timestamp', Type: 'string' }]);
    expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('com.amazon.emr.hive.serde.CloudTrailSerde');
    expect(table.StorageDescriptor.InputFormat).toBe('com.amazon.emr.cloudtrail.CloudTrailInputFormat');
    expect(table.StorageDescriptor.Location).toBe('s3://example-org-trail/AWSLogs/o-abcdefghij/');
    expect(table.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.account.type': 'injected',
      'projection.region.type': 'enum',
      'projection.region.values': 'ap-northeast-1',
      'projection.timestamp.type': 'date',
      'projection.timestamp.format': 'yyyy/MM/dd',
      'projection.timestamp.range': '2025/01/01,NOW',
      'storage.location.template': { 'Fn::Sub': 's3://example-org-trail/AWSLogs/o-abcdefghij/${!account}/CloudTrail/${!region}/${!timestamp}' },
    });
    // Every column the history query selects exists in the table.
    const columns = new Set((table.StorageDescriptor.Columns as { Name: string }[]).map((c) => c.Name));
    for (const name of ['eventid', 'eventtime', 'eventname', 'eventsource', 'awsregion', 'recipientaccountid', 'useridentity', 'sourceipaddress', 'useragent', 'errorcode', 'errormessage', 'requestparameters', 'additionaleventdata']) {
      expect(columns.has(name), name).toBe(true);
    }
  });

  it('caps every query of the workgroup and expires query results', () => {
    const template = history();
    const workGroup = template.Resources.HistoryWorkGroup?.Properties;
    expect(workGroup?.WorkGroupConfiguration).toMatchObject({ BytesScannedCutoffPerQuery: 10_000_000_000, EnforceWorkGroupConfiguration: true });
    expect(workGroup?.WorkGroupConfiguration.ResultConfiguration.OutputLocation).toEqual({ 'Fn::Sub': 's3://${HistoryResultsBucket}/results/' });
    const rules = template.Resources.HistoryResultsBucket?.Properties?.LifecycleConfiguration.Rules;
    expect(rules).toEqual([expect.objectContaining({ Status: 'Enabled', ExpirationInDays: 7 })]);
    expect(JSON.stringify(template.Resources.ReplayLambdaFunction?.Properties?.Environment.Variables)).toContain('"HISTORY_WORKGROUP":{"Ref":"HistoryWorkGroup"}');
  });

  it('gives the replay role Athena on that workgroup only, Glue read on that table, S3 read on the trail prefix', () => {
    const statements = replayStatements(history()).filter((s) => s.Sid?.startsWith('History'));
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.HistoryQueries).toMatchObject({ Action: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:workgroup/cris-auditor-hist-ap-northeast-1-history' } });
    expect(bySid.HistoryTableDefinition?.Action).toEqual(['glue:GetDatabase', 'glue:GetTable']);
    expect(JSON.stringify(bySid.HistoryTableDefinition?.Resource)).toContain('table/cris_auditor_hist_history/cloudtrail');
    expect(bySid.HistoryTrailObjects).toMatchObject({ Action: 's3:GetObject', Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:s3:::example-org-trail/AWSLogs/o-abcdefghij/*' } });
    expect(bySid.HistoryTrailListing?.Condition).toEqual({ StringLike: { 's3:prefix': ['AWSLogs/o-abcdefghij/*', 'AWSLogs/o-abcdefghij/'] } });
    for (const statement of statements) {
      expect([statement.Action].flat().every((action) => !action.includes('*')), statement.Sid).toBe(true);
      expect(JSON.stringify(statement.Resource), statement.Sid).not.toBe('"*"');
    }
  });

  it('refuses historyBucket without an organization ID, naming it', async () => {
    const { copyRepository } = await import('./package-stack.js');
    const { dir } = copyRepository();
    try {
      const failure = await osls(dir, ['package', '--stage', 'prod', '--param=historyBucket=example-org-trail']).then(
        () => null,
        (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`,
      );
      expect(failure).toMatch(/historyBucket needs orgId/);
    } finally {
      (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('chat channels (issue 15)', () => {
  it('reads the Teams webhook parameter by its exact path, from the alert and replay roles only', () => {
    const teams = identityStatements(stack.template).filter(({ where }) => where.endsWith('/TeamsWebhookParameter'));
    expect(teams.map(({ where }) => where.split('/')[0])).toEqual(['AlertRole', 'ReplayRole']);
    for (const { statement } of teams) {
      expect(statement).toMatchObject({
        Action: 'ssm:GetParameter',
        Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/cris-auditor/teams-webhook' },
      });
    }
    expect(resource('AlertLambdaFunction').Properties?.Environment?.Variables).toMatchObject({ TEAMS_WEBHOOK_PARAMETER_NAME: '/cris-auditor/teams-webhook' });
    expect(resource('ReplayLambdaFunction').Properties?.Environment?.Variables).toMatchObject({ TEAMS_WEBHOOK_PARAMETER_NAME: '/cris-auditor/teams-webhook' });
  });

  it('with chatNotifications=q-developer, publishes alerts, replays and the digest summary to one chat topic, and only there', () => {
    expect(resource('ChatNotificationTopic')).toMatchObject({ Type: 'AWS::SNS::Topic', Condition: 'HasQDeveloper', Properties: { KmsMasterKeyId: 'alias/aws/sns' } });
    for (const name of ['Alert', 'Replay', 'Digest']) {
      expect(resource(`${name}LambdaFunction`).Properties?.Environment?.Variables).toMatchObject({ Q_DEVELOPER_TOPIC_ARN: { Ref: 'ChatNotificationTopic' } });
    }
    const publishes = identityStatements(stack.template).filter(({ statement }) => JSON.stringify(statement['Resource']) === '{"Ref":"ChatNotificationTopic"}');
    expect(publishes.map(({ where, statement }) => [where.split('/')[0], where.split('/').at(-1), statement['Action']])).toEqual([
      ['AlertRole', 'PublishChatNotifications', 'sns:Publish'],
      ['DigestRole', 'PublishChatNotifications', 'sns:Publish'],
      ['ReplayRole', 'PublishChatNotifications', 'sns:Publish'],
    ]);
  });

  it('attaches the two action buttons to cris-auditor alerts, with commands Q Developer accepts and values the alert carries', () => {
    const alert = renderQDeveloperAlert({ finding: crossRegionFinding(), fingerprint: '0123456789abcdef0123456789abcdef', repeats: 0, lang: 'en' });
    const actions = ofType('AWS::Chatbot::CustomAction');
    expect(actions.map(([id]) => id)).toEqual(['ReplayAccountAction', 'ExplainAgainAction']);
    for (const [, action] of actions) {
      expect(action.Condition).toBe('HasQDeveloper');
      const command = action.Properties?.Definition.CommandText as string;
      // CustomActionDefinition.CommandText: at most 100 characters (API reference).
      expect(command.length).toBeLessThanOrEqual(100);
      expect(command).toMatch(/^lambda invoke --function-name cris-dev-chat --region ap-northeast-1 --payload \{"[re]":"\$[A-Za-z]+"\}$/);
      const [attachment, ...others] = action.Properties?.Attachments as Array<Record<string, any>>;
      expect(others).toEqual([]);
      expect(attachment?.['NotificationType']).toBe('Custom');
      expect(String(attachment?.['ButtonText']).length).toBeLessThanOrEqual(50);
      for (const [variable, path] of Object.entries(attachment?.['Variables'] as Record<string, string>)) {
        expect(command).toContain(`$${variable}`);
        // The path names a key the renderer really puts in additionalContext.
        const key = /^event\.metadata\.additionalContext\.([A-Za-z]+)$/.exec(path)?.[1] ?? '';
        expect(alert.metadata.additionalContext[key], path).toMatch(/^[0-9a-f]{32}$|^\d{12}$/);
        expect(attachment?.['Criteria']).toEqual([{ Operator: 'HAS_VALUE', VariableName: variable }]);
      }
    }
    expect(resource('ReplayAccountAction').Properties?.Attachments[0].ButtonText).toBe('Replay 24 h for this account');
    expect(resource('ExplainAgainAction').Properties?.Attachments[0].ButtonText).toBe('Explain again with the SCPs in force');
    expect(resource('ChatLambdaFunction').Properties?.FunctionName).toBe('cris-dev-chat');
  });

  it('lets the Q Developer channel role and guardrail invoke exactly the chat action function, nothing else', () => {
    expect(resource('ChatChannelRole').Properties?.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    const invoke = [{ Sid: 'InvokeChatActions', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: getAtt('ChatLambdaFunction', 'Arn') }];
    expect(resource('ChatChannelRole').Properties?.Policies.map((policy: { PolicyDocument: { Statement: unknown } }) => policy.PolicyDocument.Statement)).toEqual([invoke]);
    expect(resource('ChatGuardrailPolicy').Properties?.PolicyDocument.Statement).toEqual(invoke);
    const invokers = identityStatements(stack.template).filter(({ statement }) => JSON.stringify(statement['Resource']).includes('"ChatLambdaFunction"'));
    expect(invokers.map(({ where }) => where.split('/')[0])).toEqual(['ChatChannelRole', 'ChatGuardrailPolicy']);
  });

  it('creates the Slack channel configuration with the chat topic, the channel role, the guardrail and both buttons', () => {
    expect(resource('SlackChannelConfiguration')).toMatchObject({
      Type: 'AWS::Chatbot::SlackChannelConfiguration',
      Condition: 'HasQDeveloper',
      Properties: {
        ConfigurationName: 'cris-auditor-dev',
        SlackWorkspaceId: 'T0EXAMPLE1',
        SlackChannelId: 'C0EXAMPLE1',
        IamRoleArn: getAtt('ChatChannelRole', 'Arn'),
        GuardrailPolicies: [{ Ref: 'ChatGuardrailPolicy' }],
        SnsTopicArns: [{ Ref: 'ChatNotificationTopic' }],
        CustomizationResourceArns: [getAtt('ReplayAccountAction', 'CustomActionArn'), getAtt('ExplainAgainAction', 'CustomActionArn')],
      },
    });
    expect(stack.template.Resources['TeamsChannelConfiguration']).toBeUndefined();
  });
});
