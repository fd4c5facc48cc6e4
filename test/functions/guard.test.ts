import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildGuardDependencies, createGuardHandler } from '../../functions/guard.js';
import { createDynamoDbCallCountWriter } from '../../shared/adapters/dynamodb-call-counts.js';
import { createDynamoDbGuardClaims } from '../../shared/adapters/dynamodb-guard-claims.js';
import { createDynamoDbOrgSnapshotStore } from '../../shared/adapters/dynamodb-org-snapshot-store.js';
import { createPolicyDescriber } from '../../shared/adapters/organizations-tree.js';
import { createSlackWebhookSender } from '../../shared/adapters/slack-webhook.js';
import { createSnsTextPublisher } from '../../shared/adapters/sns-text-publisher.js';
import { dayBucketsBetween, orgChangeKey } from '../../shared/core/alert/store-keys.js';
import { loadBundledCatalog } from '../../shared/core/classify/profile-catalog.js';
import { renderGuardSlack, renderGuardSubject, renderGuardText, type GuardDependencies } from '../../shared/core/guard/index.js';
import type { OrgSnapshotStore } from '../../shared/core/ports.js';
import { japanOrganization } from '../fixtures/org/model.js';
import { japanSnapshot } from '../fixtures/org/snapshot.js';
import { putAggregateItem } from '../helpers/aggregate-items.js';
import { startDynalite, type LocalDynamoDb } from '../helpers/dynalite.js';
import { loadEvent } from '../helpers/load-event.js';
import { startOrganizationsServer, type OrganizationsServer } from '../helpers/organizations-server.js';
import { startSlackServer, type SlackServer } from '../helpers/slack-server.js';
import { startSnsServer, type SnsServer } from '../helpers/sns-server.js';
import { makeFinding } from '../shared/core/digest/digest-fixtures.js';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:cris-auditor-alerts';
const APAC = 'apac.anthropic.claude-sonnet-4-20250514-v1:0';
const ROUTES = [{ profile: APAC, sourceRegion: 'ap-northeast-1' }, { profile: 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0', sourceRegion: 'ap-northeast-1' }];
const NOW = new Date('2026-12-01T08:16:00.000Z');
const catalog = loadBundledCatalog();

type Sample = { id: string; detail: Record<string, unknown> & { eventID: string; userIdentity: { arn: string } } };
const sample = (name: string): Sample => loadEvent<Sample>(`organizations/${name}.json`);

const context = {
  functionName: 'cris-auditor-test-guard',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:cris-auditor-test-guard',
  memoryLimitInMB: '512',
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

let db: LocalDynamoDb;
let slack: SlackServer;
let sns: SnsServer;
let organizations: OrganizationsServer;
let doc: DynamoDBDocumentClient;
let tableName: string;
let tables = 0;

/** The fixture organization as Organizations serves it, plus a policy no snapshot holds yet and a tag policy. */
function organizationModel() {
  const model = japanOrganization();
  const tokyo = model.policies.find((p) => p.Id === 'p-tokyodeny1');
  model.policies.push({ Id: 'p-newdeny001', Name: 'new-region-deny', Content: tokyo?.Content ?? '' });
  model.policies.push({ Id: 'p-tagpolicy1', Name: 'cost-center-tags', Type: 'TAG_POLICY', Content: JSON.stringify({ tags: { costcenter: { tag_key: { '@@assign': 'CostCenter' } } } }) });
  return model;
}

function snapshots(): OrgSnapshotStore {
  return createDynamoDbOrgSnapshotStore({ client: db.client, tableName, now: () => NOW });
}

function dependencies(overrides: Partial<GuardDependencies> = {}): GuardDependencies {
  const send = createSlackWebhookSender({ webhookUrl: () => slack.url, retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2, totalTimeoutMs: 2000 } });
  const publisher = createSnsTextPublisher({ client: new SNSClient({ endpoint: sns.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }), topicArn: TOPIC_ARN });
  return {
    claims: createDynamoDbGuardClaims({ client: db.client, tableName }),
    snapshots: snapshots(),
    describePolicy: createPolicyDescriber(new OrganizationsClient({ endpoint: organizations.endpoint, region: 'us-east-1', maxAttempts: 1, credentials: { accessKeyId: 'l', secretAccessKey: 'l' } })),
    routes: async () => ROUTES,
    channels: {
      slack: (alert) => send(renderGuardSlack(alert, 'en')),
      sns: async (alert) => {
        await publisher.publish({ subject: renderGuardSubject(alert), text: renderGuardText(alert, 'en') });
      },
    },
    catalog,
    lang: 'en',
    ...overrides,
  };
}

const handlerOf = (deps: GuardDependencies = dependencies()) => createGuardHandler(deps, { clock: () => NOW });
const slackText = (index = 0) => JSON.stringify(slack.delivered()[index]?.blocks ?? []);

beforeAll(async () => {
  [db, slack, sns, organizations] = await Promise.all([startDynalite(), startSlackServer(), startSnsServer(), startOrganizationsServer(organizationModel())]);
  doc = DynamoDBDocumentClient.from(db.client);
});
afterAll(async () => {
  await Promise.all([db.stop(), slack.stop(), sns.stop(), organizations.close()]);
});
beforeEach(async () => {
  tables += 1;
  tableName = `guard-${tables}`;
  await db.createTable(tableName);
  await snapshots().save(japanSnapshot(), null);
  slack.reset();
  sns.published.length = 0;
  sns.rejected.length = 0;
  organizations.requests.length = 0;
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('guard function (dynalite, loopback Slack, SNS and Organizations)', () => {
  it('alerts Slack and SNS exactly once for an UpdatePolicy that breaks the APAC profile: who, what, which accounts and Regions, the verified fix', async () => {
    // Act
    const outcome = await handlerOf()(sample('update-policy-removes-cris-exemption'), context);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'alerted', breaks: 5, repairs: 0, channels: ['slack', 'sns'], rejected: [], version: 2 });
    expect(slack.delivered()).toHaveLength(1);
    expect(sns.published).toHaveLength(1);
    const blocks = slackText();
    expect(blocks).toContain('`arn:aws:sts::999988887777:assumed-role/PlatformAdmin/alice`');
    expect(blocks).toContain('updated the content of policy `p-apaccris01` (`region-deny-with-bedrock-cris-apac`)');
    expect(blocks).toContain(`*Now blocked* · \`${APAC}\` from \`ap-northeast-1\` · 4 accounts`);
    expect(blocks).toContain('`220000000001` cris-app-1, `220000000002` cris-app-2, `220000000003` cris-app-3, `220000000004` cris-app-4, `ou-ab12-cris1234` Japan-CRIS');
    expect(blocks).toContain('*Denied destination Regions* `ap-northeast-2`, `ap-south-1`, `ap-south-2`, `ap-southeast-1`, `ap-southeast-2`, `ap-southeast-4`');
    expect(blocks).toContain('Sid `GRREGIONDENY`');
    expect(blocks).toContain('verified against the SCPs after the change');
    const publish = sns.published[0];
    expect(publish?.subject).toBe('cris-auditor: UpdatePolicy breaks 5 CRIS route(s) in use (p-apaccris01)');
    expect(publish?.message).toContain('Changed by: arn:aws:sts::999988887777:assumed-role/PlatformAdmin/alice');
    expect(publish?.message).toContain(`Now blocked: ${APAC} from ap-northeast-1 (4 accounts)`);
    // The after-snapshot is stored: the next change is judged against the tree with this update.
    const stored = await snapshots().load();
    expect(stored?.version).toBe(2);
    const requested = sample('update-policy-removes-cris-exemption').detail['requestParameters'] as { content: string };
    expect(stored?.snapshot.policies.find((p) => p.id === 'p-apaccris01')?.content).toBe(requested.content);
    const claim = (await doc.send(new GetCommand({ TableName: tableName, Key: orgChangeKey('org-change#e1a2b3c4-0001-4d5e-8f90-a1b2c3d4e5f6'), ConsistentRead: true }))).Item;
    expect(claim).toMatchObject({ status: 'done', outcome: 'alerted' });
  });

  it('sends nothing more when EventBridge redelivers the same change (same CloudTrail eventID, new envelope)', async () => {
    // Prepare
    const handler = handlerOf();
    await handler(sample('update-policy-removes-cris-exemption'), context);

    // Act
    const again = await handler(sample('update-policy-removes-cris-exemption-redelivered'), context);

    // Assess
    expect(again).toEqual({ outcome: 'duplicate', state: 'done' });
    expect(slack.delivered()).toHaveLength(1);
    expect(sns.published).toHaveLength(1);
    expect((await snapshots().load())?.version).toBe(2);
  });

  it('sends one alert when two invocations of the same change run at once', async () => {
    // Act
    const outcomes = await Promise.all([handlerOf()(sample('update-policy-removes-cris-exemption'), context), handlerOf()(sample('update-policy-removes-cris-exemption-redelivered'), context)]);

    // Assess
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['alerted', 'duplicate']);
    expect(slack.delivered()).toHaveLength(1);
    expect(sns.published).toHaveLength(1);
  });

  it('after a failed Slack post, the retry posts to Slack once and does not publish to SNS again', async () => {
    // Prepare: Slack fails both attempts of the first invocation (HTTP 500)
    slack.answer({ status: 500, body: 'internal_error' }, { status: 500, body: 'internal_error' });
    const handler = handlerOf(dependencies({ channels: { sns: dependencies().channels['sns']!, slack: dependencies().channels['slack']! } }));

    // Act
    const first = await handler(sample('update-policy-removes-cris-exemption'), context).catch((error: Error) => error);
    const retry = await handler(sample('update-policy-removes-cris-exemption'), context);

    // Assess: the retry sends the alert recorded before the snapshot was saved (recomputing would now find no flip)
    expect(first).toBeInstanceOf(Error);
    expect(retry).toMatchObject({ outcome: 'alerted', breaks: 5, channels: ['slack'], alreadyDelivered: ['sns'] });
    expect(slack.delivered()).toHaveLength(1);
    expect(sns.published).toHaveLength(1);
    expect((await snapshots().load())?.version).toBe(2);
  });

  it('reports a repair: DetachPolicy of the region deny makes the strict OU ready again, with no fix to show', async () => {
    // Act
    const outcome = await handlerOf()(sample('detach-policy-region-deny'), context);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'alerted', breaks: 0, repairs: 6 });
    expect(slack.delivered()).toHaveLength(1);
    const blocks = slackText();
    expect(blocks).toContain('SCP change repairs 6 cross-Region inference routes in use');
    expect(blocks).toContain('*Now ready again*');
    expect(blocks).not.toContain('*Fix*');
    expect(sns.published[0]?.subject).toBe('cris-auditor: DetachPolicy repairs 6 CRIS route(s) in use (p-tokyodeny1)');
  });

  it('sends nothing for a change that flips no route in use, and still keeps the snapshot current', async () => {
    // Prepare: no profile of the APAC geography is in use, only a US one
    const deps = dependencies({ routes: async () => [{ profile: 'us.anthropic.claude-sonnet-4-20250514-v1:0', sourceRegion: 'us-east-1' }] });

    // Act
    const attach = await handlerOf(deps)(sample('attach-policy-region-deny'), context);
    const create = await handlerOf(deps)(sample('create-policy-detached'), context);

    // Assess
    expect(attach).toMatchObject({ outcome: 'no-flip', affectedTargets: 5 });
    expect(create).toMatchObject({ outcome: 'no-flip', affectedTargets: 0 });
    expect(slack.requests).toHaveLength(0);
    expect(sns.published).toHaveLength(0);
    expect((await snapshots().load())?.snapshot.organizationalUnits.find((ou) => ou.id === 'ou-ab12-cris1234')?.policyIds).toContain('p-tokyodeny1');
  });

  it('ignores a failed Organizations call without claiming it', async () => {
    // Act
    const outcome = await handlerOf()(sample('update-policy-denied'), context);

    // Assess
    expect(outcome).toEqual({ outcome: 'ignored', reason: 'the call failed (AccessDeniedException): nothing changed' });
    expect(slack.requests).toHaveLength(0);
    expect(sns.published).toHaveLength(0);
    expect((await doc.send(new GetCommand({ TableName: tableName, Key: orgChangeKey('org-change#e1a2b3c4-0006-4d5e-8f90-a1b2c3d4e5f6') }))).Item).toBeUndefined();
  });

  it('reads a policy the snapshot does not hold with DescribePolicy, then alerts on what it breaks', async () => {
    // Act
    const outcome = await handlerOf()(sample('attach-policy-not-in-snapshot'), context);

    // Assess
    expect(organizations.requests.map((r) => [r.operation, r.params['PolicyId']])).toEqual([['DescribePolicy', 'p-newdeny001']]);
    expect(outcome).toMatchObject({ outcome: 'alerted', breaks: 5 });
    expect(slackText()).toContain('attached policy `p-newdeny001` (`new-region-deny`) to `ou-ab12-cris1234`');
    expect((await snapshots().load())?.snapshot.policies.map((p) => p.id)).toContain('p-newdeny001');
  });

  it('fails the invocation when DescribePolicy fails, releases the claim, and the retry alerts once', async () => {
    // Prepare: Organizations answers 500 to the first attempt
    organizations.failWith({ status: 500, type: 'ServiceException', message: 'internal error' });
    const handler = handlerOf();

    // Act
    const first = await handler(sample('attach-policy-not-in-snapshot'), context).catch((error: Error) => error);
    organizations.failWith(null);
    const claimAfterFailure = (await doc.send(new GetCommand({ TableName: tableName, Key: orgChangeKey('org-change#e1a2b3c4-0007-4d5e-8f90-a1b2c3d4e5f6'), ConsistentRead: true }))).Item;
    const retry = await handler(sample('attach-policy-not-in-snapshot'), context);

    // Assess
    expect(first).toBeInstanceOf(Error);
    expect(String((first as Error).message)).toContain('DescribePolicy(p-newdeny001) failed');
    expect(claimAfterFailure).toMatchObject({ status: 'failed' });
    expect(retry).toMatchObject({ outcome: 'alerted', breaks: 5 });
    expect(slack.delivered()).toHaveLength(1);
    expect(sns.published).toHaveLength(1);
    expect((await snapshots().load())?.version).toBe(2);
  });

  it('ignores the attachment of a policy that is not an SCP (a tag policy), after DescribePolicy says so', async () => {
    // Act
    const outcome = await handlerOf()(sample('attach-tag-policy'), context);

    // Assess
    expect(outcome).toEqual({ outcome: 'ignored', reason: 'policy p-tagpolicy1 is a TAG_POLICY, not an SCP' });
    expect(slack.requests).toHaveLength(0);
    expect((await snapshots().load())?.version).toBe(1);
  });

  it('says why it cannot judge a change when no snapshot is stored, and sends nothing', async () => {
    // Prepare
    tableName = `guard-empty-${tables}`;
    await db.createTable(tableName);

    // Act
    const outcome = await handlerOf()(sample('update-policy-removes-cris-exemption'), context);

    // Assess
    expect(outcome).toEqual({ outcome: 'skipped', reason: 'no organization snapshot is stored yet (the daily refresh writes it)' });
    expect(slack.requests).toHaveLength(0);
  });

  it('keeps both of two different changes that race on the snapshot, judging the later one against the earlier', async () => {
    // Act
    const outcomes = await Promise.all([handlerOf()(sample('update-policy-removes-cris-exemption'), context), handlerOf()(sample('move-account-to-strict'), context)]);

    // Assess: update first breaks 5 and the move then flips nothing (CRIS OU already blocked); move first
    // breaks 1 and the update then 4. Either way 5 routes break once, and each alert is sent once.
    const breaks = outcomes.reduce((sum, o) => sum + (o.outcome === 'alerted' ? o.breaks : 0), 0);
    const alerted = outcomes.filter((o) => o.outcome === 'alerted').length;
    expect(breaks).toBe(5);
    const stored = await snapshots().load();
    expect(stored?.version).toBe(3);
    expect(stored?.snapshot.accounts.find((a) => a.id === '220000000001')?.parentId).toBe('ou-ab12-strict12');
    expect(stored?.snapshot.policies.find((p) => p.id === 'p-apaccris01')?.content).toContain('"GRREGIONDENY"');
    expect(slack.delivered()).toHaveLength(alerted);
    expect(sns.published).toHaveLength(alerted);
  });

  it('escapes a hostile session name in Slack and SNS, and keeps the ARN copyable in a code span', async () => {
    // Prepare
    const event = sample('update-policy-removes-cris-exemption');
    event.detail.userIdentity.arn = 'arn:aws:sts::999988887777:assumed-role/PlatformAdmin/<!channel>`*x*`https://evil.example/\u202Eabc';

    // Act
    await handlerOf()(event, context);

    // Assess
    const blocks = slackText();
    expect(blocks).not.toContain('<!channel>');
    expect(blocks).not.toContain('https://evil');
    expect(blocks).toContain('&lt;!channel&gt;');
    expect(blocks).toContain('[U+202E]');
    const text = sns.published[0]?.message ?? '';
    expect(text).not.toContain('\u202E');
    expect(text).not.toContain('https://evil');
  });

  it('builds from the environment: profiles in use from the stored findings, Japanese texts, services through AWS_ENDPOINT_URL_*', async () => {
    // Prepare: one stored denial of the APAC profile from Tokyo in the last 7 days
    await putAggregateItem(doc, tableName, {
      finding: makeFinding({ profile: { id: APAC, scope: 'apac' }, sourceRegion: 'ap-northeast-1' }),
      count: 3,
      firstSeen: '2026-11-30T10:00:00.000Z',
      lastSeen: '2026-11-30T10:05:00.000Z',
    });
    vi.stubEnv('TABLE_NAME', tableName);
    vi.stubEnv('SLACK_WEBHOOK_URL', slack.url);
    vi.stubEnv('ALERT_TOPIC_ARN', TOPIC_ARN);
    vi.stubEnv('LOCALE', 'ja');
    vi.stubEnv('ORG_READ_ROLE_ARN', 'arn:aws:iam::999988887777:role/cris-auditor-org-read');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_ORGANIZATIONS', organizations.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_STS', organizations.endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const handler = createGuardHandler(() => buildGuardDependencies(process.env, () => NOW), { clock: () => NOW });

    // Act
    const outcome = await handler(sample('attach-policy-not-in-snapshot'), context);

    // Assess: only the route seen in findings is judged (the jp. profile was never seen)
    expect(outcome).toMatchObject({ outcome: 'alerted', breaks: 5, channels: ['slack', 'sns'] });
    expect(slackText()).toContain('SCP 変更により使用中のクロスリージョン推論ルート 5 件がブロックされます');
    expect(slackText()).not.toContain('jp.anthropic');
    expect(organizations.requests.map((r) => r.operation)).toContain('DescribePolicy');
  });

  it('counts as in use a profile that never failed when a replay stored its calls', async () => {
    // Prepare: the APAC profile seen denied; the jp. profile only in a replay's call counts (all successes)
    await putAggregateItem(doc, tableName, {
      finding: makeFinding({ profile: { id: APAC, scope: 'apac' }, sourceRegion: 'ap-northeast-1' }),
      count: 3,
      firstSeen: '2026-11-30T10:00:00.000Z',
      lastSeen: '2026-11-30T10:05:00.000Z',
    });
    const JP = 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0';
    const written = await createDynamoDbCallCountWriter({ client: db.client, tableName }).addCalls([
      { day: '2026-11-29', accountId: '111122223333', profile: JP, sourceRegion: 'ap-northeast-1', calls: 40, successes: 40, failures: 0, failedShare: 0, successesByRegion: { 'ap-northeast-3': 40 }, denialsByRegion: {}, otherErrors: {}, deniedBy: [] },
    ]);
    expect(written).toMatchObject({ written: 1, failures: 0 });
    vi.stubEnv('TABLE_NAME', tableName);
    vi.stubEnv('ALERT_TOPIC_ARN', TOPIC_ARN);
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');

    // Act
    const routes = await buildGuardDependencies(process.env, () => NOW).routes();

    // Assess: both routes, most seen first (40 calls, then 3 denials)
    expect(routes.map((route) => [route.profile, route.sourceRegion])).toEqual([
      [JP, 'ap-northeast-1'],
      [APAC, 'ap-northeast-1'],
    ]);
  });

  it('reads every UTC day of the look-back window, both ends included', () => {
    expect(dayBucketsBetween(new Date('2026-11-24T08:16:00Z'), new Date('2026-12-01T08:16:00Z'))).toEqual([
      '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01',
    ]);
    expect(dayBucketsBetween(new Date('2026-12-01T23:59:59Z'), new Date('2026-12-02T00:00:01Z'))).toEqual(['2026-12-01', '2026-12-02']);
  });
});
