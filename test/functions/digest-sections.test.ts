import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDigestHandler, dependenciesFromEnvironment, type DigestDependencies } from '../../functions/digest.js';
import { createDynamoDbOrgSnapshotStore } from '../../shared/adapters/dynamodb-org-snapshot-store.js';
import { createAthenaHistoryEngine } from '../../shared/adapters/athena-history.js';
import { createDynamoDbAggregateReader } from '../../shared/adapters/dynamodb-aggregate-reader.js';
import { createDynamoDbAlertStore } from '../../shared/adapters/dynamodb-alert-store.js';
import { createDynamoDbCallCountReader } from '../../shared/adapters/dynamodb-call-count-reader.js';
import { createDynamoDbCallCountWriter } from '../../shared/adapters/dynamodb-call-counts.js';
import { createQDeveloperDigestPublisher } from '../../shared/adapters/q-developer-publisher.js';
import { createSesMailer } from '../../shared/adapters/ses-mailer.js';
import { classifyRecord, isBedrockDenial } from '../../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../../shared/core/classify/profile-catalog.js';
import type { DigestConfig } from '../../shared/core/digest/config.js';
import type { DigestSnapshotSource } from '../../shared/core/digest/ports.js';
import { suggestFix } from '../../shared/core/fix/suggest-fix.js';
import { parseHistoryPayload } from '../../shared/core/history/payload.js';
import { runHistoryReplay } from '../../shared/core/history/run-history-replay.js';
import type { QDeveloperNotification } from '../../shared/core/render/q-developer.js';
import { japanOrganization } from '../fixtures/org/model.js';
import { snapshotOf } from '../fixtures/org/snapshot.js';
import { startAthenaServer, type AthenaServer } from '../helpers/athena-server.js';
import { startDynalite, type LocalDynamoDb } from '../helpers/dynalite.js';
import { inspectHtml } from '../helpers/html-inspect.js';
import { bedrockDenial, bedrockError, bedrockSuccess, writeTrailFile } from '../helpers/org-trail.js';
import { startSesLocal, type SesLocal } from '../helpers/ses-local.js';
import { startSnsServer, type SnsServer } from '../helpers/sns-server.js';

const ORG = 'o-a1b2c3d4e5';
const APAC = 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0';
const MODEL = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const JP = 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0';
const STRICT = '210000000001';
const CRIS = '220000000001';
const TOPIC = 'arn:aws:sns:ap-northeast-1:111122223333:cris-q-developer';
/** 09:00 Asia/Tokyo on 2026-11-28: the window is the UTC day 2026-11-27. */
const SCHEDULED = { scheduledTime: '2026-11-28T00:00:00Z' };
const catalog = loadBundledCatalog();

/** A snapshot source over a fixed snapshot, as the stack's store answers. */
function snapshotSource(snapshot: ReturnType<typeof snapshotOf> | null | Error): DigestSnapshotSource {
  return { load: async () => { if (snapshot instanceof Error) throw snapshot; return snapshot; } };
}

describe('digest sections: failure rates from stored replays, and "will break" from the org snapshot', () => {
  let dir: string;
  let athena: AthenaServer;
  let db: LocalDynamoDb;
  let ses: SesLocal;
  let sns: SnsServer;
  let sesClient: SESv2Client;
  let snsClient: SNSClient;
  const table = 'digest-sections';

  beforeAll(async () => {
    // Prepare: on 2026-11-27 a strict-OU account calls the apac. profile from Tokyo 1,204 times:
    // 445 are denied by the Tokyo/Osaka/Virginia deny (ap-south-1 and ap-southeast-2), the rest are
    // routed in-Region or to Osaka; a CRIS-OU account's jp. calls all succeed but one throttled.
    dir = mkdtempSync(join(tmpdir(), 'digest-sections-'));
    const strict: unknown[] = [];
    for (let i = 0; i < 1204; i += 1) {
      const time = `2026-11-27T${String(1 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`;
      const call = { account: STRICT, region: 'ap-northeast-1', time, modelId: APAC };
      if (i < 300) strict.push(bedrockDenial({ ...call, deniedRegion: 'ap-south-1', foundationModel: MODEL, policyId: 'p-tokyodeny1' }));
      else if (i < 445) strict.push(bedrockDenial({ ...call, deniedRegion: 'ap-southeast-2', foundationModel: MODEL, policyId: 'p-tokyodeny1' }));
      else strict.push(bedrockSuccess({ ...call, routedTo: i % 2 === 0 ? 'ap-northeast-1' : 'ap-northeast-3' }));
    }
    writeTrailFile({ bucketDir: dir, orgId: ORG }, { account: STRICT, region: 'ap-northeast-1', deliveredAt: '2026-11-27T23:00:00Z', records: strict });
    writeTrailFile({ bucketDir: dir, orgId: ORG }, {
      account: CRIS, region: 'ap-northeast-1', deliveredAt: '2026-11-27T12:00:00Z',
      records: [
        ...Array.from({ length: 9 }, (_, i) => bedrockSuccess({ account: CRIS, region: 'ap-northeast-1', time: `2026-11-27T11:0${i}:00Z`, modelId: JP, routedTo: 'ap-northeast-3' })),
        bedrockError({ account: CRIS, region: 'ap-northeast-1', time: '2026-11-27T11:30:00Z', modelId: JP, errorCode: 'ThrottlingException', errorMessage: 'Too many requests' }),
      ],
    });
    [athena, db, ses, sns] = await Promise.all([
      startAthenaServer({ bucketDir: dir, orgId: ORG, database: 'cris_auditor_history', table: 'cloudtrail', regions: ['ap-northeast-1'], now: () => Date.parse('2026-12-01T00:00:00Z') }),
      startDynalite(),
      startSesLocal(),
      startSnsServer(),
    ]);
    await db.createTable(table);
    sesClient = new SESv2Client({ endpoint: ses.endpoint, region: 'ap-northeast-1', maxAttempts: 1 });
    snsClient = new SNSClient({ endpoint: sns.endpoint, region: 'ap-northeast-1', maxAttempts: 1 });
    // Act (shared): the Athena replay with store, in three invocations of 500 rows, as the stack runs it.
    const athenaClient = new AthenaClient({ endpoint: athena.endpoint, region: 'ap-northeast-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const replayDeps = {
      engine: createAthenaHistoryEngine({ client: athenaClient, workGroup: 'primary', database: 'cris_auditor_history' }),
      table: { database: 'cris_auditor_history', table: 'cloudtrail' },
      isDenial: isBedrockDenial,
      classify: (record: unknown) => classifyRecord(record, { catalog }),
      suggestFix: (finding: Parameters<typeof suggestFix>[0]) => suggestFix(finding, { catalog, lang: 'en' }),
      writer: createDynamoDbAlertStore({ client: db.client, tableName: table }),
      callWriter: createDynamoDbCallCountWriter({ client: db.client, tableName: table }),
      deadline: Number.POSITIVE_INFINITY,
      now: () => Date.parse('2026-12-01T00:00:00Z'),
      sleep: async () => undefined,
    };
    const parse = (payload: Record<string, unknown>) => {
      const parsed = parseHistoryPayload({ source: 'athena', ...payload }, { now: Date.parse('2026-12-01T00:00:00Z'), defaultAccounts: [] });
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.value;
    };
    let report = await runHistoryReplay(parse({ from: '2026-11-27T00:00:00Z', to: '2026-11-28T00:00:00Z', accounts: [STRICT, CRIS], store: true, maxEvents: 500 }), replayDeps);
    while (report.resume !== null) report = await runHistoryReplay(parse({ resume: report.resume, store: true, maxEvents: 500 }), replayDeps);
    expect(report.totals).toMatchObject({ invocations: 3, recordsScanned: 1214, denials: 445 });
  }, 120_000);

  beforeEach(async () => {
    await ses.clear();
    sns.published.length = 0;
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    sesClient?.destroy();
    snsClient?.destroy();
    await Promise.all([athena?.close(), db?.stop(), ses?.stop(), sns?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  function deps(snapshots: DigestSnapshotSource | null, lang: 'en' | 'ja' = 'en'): DigestDependencies {
    const config: DigestConfig = { tableName: table, recipients: ['ccoe@example.com'], sender: 'noreply@example.com', timeZone: 'Asia/Tokyo', emptyDay: 'send', topicArn: null, lang, profilesInUse: [] };
    return {
      config,
      reader: createDynamoDbAggregateReader({ client: db.client, tableName: table, onInvalidItem: () => undefined }),
      callReader: createDynamoDbCallCountReader({ client: db.client, tableName: table }),
      mailer: createSesMailer({ client: sesClient, from: config.sender }),
      publisher: null,
      summaryPublisher: createQDeveloperDigestPublisher({ client: snsClient, topicArn: TOPIC }),
      ledger: null,
      readiness: { snapshots, catalog },
      now: () => new Date('2026-11-28T00:03:00Z'),
    };
  }

  it('shows how often each profile failed, where, and the profiles in use the SCPs block, with the verified fix', async () => {
    // Act
    const outcome = await createDigestHandler(deps(snapshotSource(snapshotOf(japanOrganization()))))(SCHEDULED);
    // Assess: the text part
    expect(outcome.status).toBe('sent');
    const [email] = await ses.emails();
    const text = email?.body.text ?? '';
    expect(text).toContain('== How often calls fail (UTC day 2026-11-27) ==');
    expect(text).toContain(`  ${STRICT}  ${APAC} from ap-northeast-1: 37% of 1,204 calls failed; every failure was routed to ap-south-1 or ap-southeast-2, denied by p-tokyodeny1.\n`);
    expect(text).toContain(`  ${CRIS}  ${JP} from ap-northeast-1: 10% of 10 calls failed: 1 ThrottlingException.\n`);
    expect(text).toContain('== Will break: profiles in use that the SCPs block ==');
    expect(text).toContain('2 profile/source Region pairs in use checked against 14 accounts and OUs of the organization snapshot of 2026-11-27T21:00:00.000Z.');
    expect(text).toContain(`R1. ${APAC} (ap-northeast-1)\n`);
    expect(text).toContain('   Blocked in: ou-ab12-strict12 (Japan-Strict), 210000000001 (strict-app-1), 210000000002 (strict-app-2), 210000000003 (strict-app-3), 210000000004 (strict-app-4), 210000000005 (strict-app-5)\n');
    expect(text).toContain('   Denied Regions: ap-northeast-2, ap-south-1, ap-southeast-1, ap-southeast-2\n');
    expect(text).toContain('   Denied by: p-tokyodeny1 region-deny-tokyo-osaka-virginia "GRREGIONDENY" (level 2)\n');
    expect(text).toContain('   Recommended fix: Control Tower: exempt the inference actions with CT.MULTISERVICE.PV.1\n');
    expect(text).toContain('   (verified against the SCPs in force, whatever the keys the auditor cannot know (tags, …) are)\n');
    expect(text).not.toContain('R2.');
    // Assess: the HTML part says the same
    const html = inspectHtml(email?.body.html ?? '');
    expect(html.text).toContain(`${APAC} from ap-northeast-1: 37% of 1,204 calls failed; every failure was routed to ap-south-1 or ap-southeast-2, denied by p-tokyodeny1.`);
    expect(html.text).toContain('Will break: profiles in use that the SCPs block');
    expect(html.text).toContain('p-tokyodeny1 region-deny-tokyo-osaka-virginia "GRREGIONDENY" (level 2)');
    expect(html.text).toContain('Recommended fix: Control Tower: exempt the inference actions with CT.MULTISERVICE.PV.1');
    // Assess: the Q Developer summary
    const notification = JSON.parse(sns.published[0]?.message ?? '{}') as QDeveloperNotification;
    expect(notification.content.description).toContain('*How often calls fail*');
    expect(notification.content.description).toContain(`\`${STRICT}\` ${APAC} from ap-northeast-1: 37% of 1,204 calls failed`);
    expect(notification.content.description).toContain(`*Will break*\n• \`${APAC}\` \`ap-northeast-1\` → \`ap-northeast-2\` \`ap-south-1\` \`ap-southeast-1\` \`ap-southeast-2\`: blocked in 6 targets — Control Tower: exempt the inference actions with CT.MULTISERVICE.PV.1`);
  });

  it('writes both sections in Japanese with LOCALE ja', async () => {
    await createDigestHandler(deps(snapshotSource(snapshotOf(japanOrganization())), 'ja'))(SCHEDULED);
    const [email] = await ses.emails();
    const text = email?.body.text ?? '';
    expect(text).toContain('== 呼び出しの失敗率（UTC 2026-11-27） ==');
    expect(text).toContain(`${APAC}（送信元リージョン ap-northeast-1）: 1,204 回の呼び出しのうち 37% が失敗。失敗はすべて ap-south-1、ap-southeast-2 へのルーティングで拒否されました（拒否したポリシー: p-tokyodeny1）。`);
    expect(text).toContain('== 今後失敗する呼び出し: SCP がブロックしている使用中のプロファイル ==');
    expect(text).toContain('   拒否されるリージョン: ap-northeast-2, ap-south-1, ap-southeast-1, ap-southeast-2\n');
  });

  it('has no "will break" section when every profile in use is ready', async () => {
    // Prepare: an organization where nothing is denied (FullAWSAccess only).
    const open = japanOrganization();
    open.attachments = Object.fromEntries(Object.keys(open.attachments).map((id) => [id, ['p-FullAWSAccess']]));
    // Act
    await createDigestHandler(deps(snapshotSource(snapshotOf(open))))(SCHEDULED);
    // Assess
    const [email] = await ses.emails();
    expect(email?.body.text).not.toContain('Will break');
    expect(email?.body.text).not.toContain('Readiness');
    expect(inspectHtml(email?.body.html ?? '').text).not.toContain('Will break');
  });

  it.each([
    ['the stack keeps no snapshot', null, 'Readiness ("will break") was not computed: this stack keeps no organization snapshot'],
    ['no snapshot has been stored yet', snapshotSource(null), 'Readiness ("will break") was not computed: no organization snapshot is stored'],
    ['the stored snapshot cannot be read', snapshotSource(new Error('snapshot.json.gz: not gzip')), 'Readiness ("will break") was not computed: the stored organization snapshot could not be read (snapshot.json.gz: not gzip).'],
  ])('says readiness was not computed, and why, when %s', async (_name, source, line) => {
    await createDigestHandler(deps(source))(SCHEDULED);
    const [email] = await ses.emails();
    expect(email?.body.text).toContain(`\n${line}`);
    expect(inspectHtml(email?.body.html ?? '').text).toContain(line);
    expect(email?.body.text).not.toContain('== Will break');
  });

  it('reads the snapshot the refresh and the guard store, and the call counts, with the clients built from the environment', async () => {
    // Prepare: the snapshot saved through the real store, in the digest's own table.
    const store = createDynamoDbOrgSnapshotStore({ client: db.client, tableName: table, now: () => new Date('2026-11-27T21:00:00Z') });
    expect(await store.save(snapshotOf(japanOrganization()), null)).toEqual({ ok: true, version: 1 });
    vi.stubEnv('TABLE_NAME', table);
    vi.stubEnv('DIGEST_RECIPIENTS', 'ops@example.com');
    vi.stubEnv('DIGEST_SENDER', 'noreply@example.com');
    vi.stubEnv('DIGEST_TIME_ZONE', 'Asia/Tokyo');
    vi.stubEnv('AWS_REGION', 'ap-northeast-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_SESV2', ses.endpoint);
    // Act
    const outcome = await createDigestHandler(dependenciesFromEnvironment())(SCHEDULED);
    // Assess
    expect(outcome.status).toBe('sent');
    const [email] = await ses.emails();
    const text = email?.body.text ?? '';
    expect(text).toContain(`  ${STRICT}  ${APAC} from ap-northeast-1: 37% of 1,204 calls failed; every failure was routed to ap-south-1 or ap-southeast-2, denied by p-tokyodeny1.\n`);
    expect(text).toContain(`R1. ${APAC} (ap-northeast-1)\n   Blocked in: ou-ab12-strict12 (Japan-Strict), 210000000001 (strict-app-1)`);
    expect(text).toContain('   Recommended fix: Control Tower: exempt the inference actions with CT.MULTISERVICE.PV.1\n');
  });
});
