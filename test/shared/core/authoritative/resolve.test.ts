import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIamToolboxSource } from '../../../../shared/adapters/iam-toolbox.js';
import {
  attachmentKind,
  authoritativeNote,
  candidateRegions,
  mergeAuthorizationPages,
  parseAuthorizationDetailsPage,
  resolveAuthoritativeScps,
  scpLevels,
  withAuthoritativeNote,
} from '../../../../shared/core/authoritative/index.js';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import { suggestFix } from '../../../../shared/core/fix/suggest-fix.js';
import { startIamToolboxServer, type IamToolboxServer, type KnownCaller } from '../../../helpers/iam-toolbox-server.js';
import {
  ACCOUNT_ARN,
  apacConverseDenial,
  apacConverseFinding,
  AUTHORIZATION_ID,
  FULL_AWS_ACCESS_URI,
  MEMBER,
  OU_ARN,
  REGION_DENY_URI,
  regionDenyDocument,
  ROOT_ARN,
} from '../../../helpers/iam-toolbox-records.js';

const AUDIT: KnownCaller = { accessKeyId: 'AKIAAUDITEXAMPLE', secretAccessKey: 'audit-secret-example', accountId: '444455556666' };
const NO_POLICY: KnownCaller = { accessKeyId: 'AKIANOPOLICYEXAMPLE', secretAccessKey: 'no-policy', accountId: MEMBER, denied: ['iam:GetRequestAuthorizationPolicy'] };
const catalog = loadBundledCatalog();
let clock = Date.parse('2026-11-28T02:00:00Z');
let server: IamToolboxServer;

const toolbox = (caller: KnownCaller = AUDIT) =>
  createIamToolboxSource({ endpoint: server.url, credentials: async () => caller, sleep: async () => undefined });

beforeAll(async () => {
  server = await startIamToolboxServer({ callers: [AUDIT, NO_POLICY], now: () => clock, regions: ['ap-northeast-1', 'ap-southeast-1', 'us-east-1'] });
});
afterAll(() => server.close());
beforeEach(() => {
  clock = Date.parse('2026-11-28T02:00:00Z');
  server.authorizations.clear();
  server.authorizations.set(AUTHORIZATION_ID, apacConverseDenial());
  server.faults.length = 0;
  server.requests.length = 0;
});

describe('the authoritative path', () => {
  it('finds the denying SCP statement, where it is attached, and the SCPs in force at request time', async () => {
    const result = await resolveAuthoritativeScps(apacConverseFinding(), toolbox());
    expect(result.lookup).toEqual({
      status: 'used',
      authorizationId: AUTHORIZATION_ID,
      region: 'ap-northeast-1',
      policies: [{ uri: REGION_DENY_URI, deniedBy: ['DenyOutsideTokyoOsaka'], attachedTo: [{ arn: OU_ARN, kind: 'ou' }] }],
    });
    // FullAWSAccess at every level it is attached to, the Region deny once, at its OU.
    expect(result.scps?.map((level) => level.map((p) => p.id))).toEqual([[FULL_AWS_ACCESS_URI], [FULL_AWS_ACCESS_URI, REGION_DENY_URI], [FULL_AWS_ACCESS_URI]]);
    expect(JSON.parse(result.scps?.[1]?.[1]?.content ?? '{}')).toEqual(regionDenyDocument());
    // The identity policy is not an SCP: never fetched.
    expect(server.requests.filter((r) => r.operation === 'GetRequestAuthorizationPolicy').map((r) => r.query['policyUri']).sort()).toEqual([FULL_AWS_ACCESS_URI, REGION_DENY_URI].sort());
  });

  it('feeds the fix engine, which patches and verifies that exact document with no Organizations role', async () => {
    const finding = apacConverseFinding();
    const result = await resolveAuthoritativeScps(finding, toolbox());
    const fix = suggestFix(finding, { catalog, lang: 'en', scps: result.scps ?? undefined });
    expect(fix.verification.status).toBe('verified');
    expect(fix.scp?.policyArn ?? fix.scp?.policyName ?? '').toContain('p-tokyoosaka1');
    expect(fix.scp?.statement.sid).toBe('DenyOutsideTokyoOsaka');
    expect(fix.verification.checks.every((c) => c.passed)).toBe(true);
    const noted = withAuthoritativeNote(fix, result.lookup, 'none');
    expect(noted.notes?.at(-1)).toContain(`authorization ID ${AUTHORIZATION_ID}, ap-northeast-1`);
    expect(noted.notes?.at(-1)).toContain('statement "DenyOutsideTokyoOsaka" of ' + REGION_DENY_URI);
    expect(noted.notes?.at(-1)).toContain('attached to OU ou-ab12-cdef3456');
  });

  it('asks the Region of the console link first, then the source Region, then the denied Region', async () => {
    server.authorizations.set(AUTHORIZATION_ID, apacConverseDenial({ region: 'ap-southeast-1' }));
    const finding = apacConverseFinding({ authorizationDetailsUrl: `https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/${AUTHORIZATION_ID}` });
    const result = await resolveAuthoritativeScps(finding, toolbox());
    expect(result.lookup.status).toBe('used');
    expect(server.requests.filter((r) => r.operation === 'GetRequestAuthorizationDetails' && r.query['nextToken'] === undefined).map((r) => r.region)).toEqual(['us-east-1', 'ap-northeast-1', 'ap-southeast-1']);
  });

  const cases: [string, () => ReturnType<typeof apacConverseFinding>, () => void, string][] = [
    ['no ID in the message', () => apacConverseFinding({ authorizationId: null, authorizationDetailsUrl: null }), () => undefined, 'no-authorization-id'],
    ['the details have expired', () => apacConverseFinding(), () => { clock = Date.parse('2026-11-30T00:00:00Z'); }, 'expired-or-unknown'],
    ['an ID IAM never issued', () => apacConverseFinding({ authorizationId: 'zzzz0000' }), () => undefined, 'expired-or-unknown'],
    ['the preview is not served', () => apacConverseFinding({ sourceRegion: 'eu-west-1', deniedRegion: 'eu-central-1', authorizationDetailsUrl: null }), () => undefined, 'preview-unavailable'],
    ['the details describe another request', () => apacConverseFinding({ action: 'bedrock:InvokeModelWithResponseStream' }), () => undefined, 'no-matching-scp'],
  ];
  it.each(cases)('degrades with a reason when %s', async (_name, make, arrange, reason) => {
    arrange();
    const result = await resolveAuthoritativeScps(make(), toolbox());
    expect(result.scps).toBeNull();
    expect(result.lookup).toMatchObject({ status: 'not-used', reason });
  });

  it('degrades with access-denied when a policy document cannot be read', async () => {
    const result = await resolveAuthoritativeScps(apacConverseFinding(), toolbox(NO_POLICY));
    expect(result.lookup).toMatchObject({ status: 'not-used', reason: 'access-denied', detail: expect.stringContaining('GetRequestAuthorizationPolicy') });
    expect(result.scps).toBeNull();
  });

  it('says why in the fix notes, and what the fix was made from instead', async () => {
    clock = Date.parse('2026-11-30T00:00:00Z');
    const finding = apacConverseFinding();
    const result = await resolveAuthoritativeScps(finding, toolbox());
    const fix = withAuthoritativeNote(suggestFix(finding, { catalog, lang: 'en' }), result.lookup, 'none');
    expect(fix.verification.status).toBe('unverified');
    expect(fix.notes?.at(-1)).toBe('IAM Access Troubleshooter was not used (the authorization ID is unknown or its details have expired (AWS keeps them at least 24 hours)). Without the SCPs in force the fix is not verified.');
    const ja = authoritativeNote(result.lookup, 'ja', 'organizations');
    expect(ja).toBe('IAM Access Troubleshooter は使用していません（認可 ID が見つからないか、認可の詳細の保持期間（24 時間以上）が過ぎています）。代わりに AWS Organizations から読み取った SCP で修正案を作成しました。');
  });
});

describe('reading the details', () => {
  it('names the field that breaks the documented shape', () => {
    expect(parseAuthorizationDetailsPage({ requestContext: {}, evaluations: [{ action: 'a', resource: 'r', matchedPolicies: [{ matchedStatements: [] }] }], policies: [] })).toEqual({ ok: false, reason: 'evaluations[0] does not have the documented shape' });
    expect(parseAuthorizationDetailsPage([])).toEqual({ ok: false, reason: 'the answer is not a JSON object' });
  });

  it('merges the attachments of a policy listed on several pages', () => {
    const page = (arn: string) => ({ requestContext: {}, evaluations: [], policies: [{ type: 'SERVICE_CONTROL_POLICY', inline: false, uri: 'p', attachedTo: [arn] }], nextToken: null });
    expect(mergeAuthorizationPages([page(ROOT_ARN), page(ACCOUNT_ARN), page(ROOT_ARN)]).policies).toEqual([{ type: 'SERVICE_CONTROL_POLICY', inline: false, uri: 'p', attachedTo: [ROOT_ARN, ACCOUNT_ARN] }]);
  });

  it('tells roots, OUs and accounts apart by their Organizations ARN', () => {
    expect([ROOT_ARN, OU_ARN, ACCOUNT_ARN, 'arn:aws:iam::111122223333:role/x'].map(attachmentKind)).toEqual(['root', 'ou', 'account', 'other']);
  });

  it('places a Deny-bearing SCP attached at several levels once, at the highest', () => {
    const deny = JSON.stringify(regionDenyDocument());
    const levels = scpLevels([{ policy: { uri: 'deny', deniedBy: [], attachedTo: [{ arn: ACCOUNT_ARN, kind: 'account' }, { arn: ROOT_ARN, kind: 'root' }] }, content: deny }]);
    expect(levels.map((l) => l.map((p) => `${p.level}:${p.id}`))).toEqual([['root:deny']]);
  });

  it('ignores a console link whose Region is not a Region', () => {
    expect(candidateRegions({ action: null, deniedResource: null, sourceRegion: 'ap-northeast-1', deniedRegion: 'unspecified', authorizationDetailsUrl: 'https://x.example/?region=../../etc' })).toEqual(['ap-northeast-1']);
  });
});
