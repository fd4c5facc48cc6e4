import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import { computeDigestReadiness, profilesInUse } from '../../../../shared/core/digest/readiness.js';
import { runPreflight, snapshotTargets } from '../../../../shared/core/preflight/index.js';
import { japanOrganization } from '../../../fixtures/org/model.js';
import { snapshotOf } from '../../../fixtures/org/snapshot.js';
import { makeAggregate, makeFinding } from './digest-fixtures.js';

const catalog = loadBundledCatalog();
const APAC = 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0';
const JP = 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0';

describe('digest readiness ("will break")', () => {
  it('takes the profiles in use from stored findings and call counts, distinct, most seen first', () => {
    const aggregates = [
      makeAggregate({ time: '2026-11-27T10:00:00Z', finding: makeFinding() }),
      makeAggregate({ time: '2026-11-27T11:00:00Z', finding: makeFinding({ principalArn: 'arn:aws:iam::111122223333:role/other' }) }),
      // A direct model call names no profile: nothing to route.
      makeAggregate({ time: '2026-11-27T12:00:00Z', finding: makeFinding({ profile: null, modelId: 'anthropic.claude-3-5-sonnet-20241022-v2:0' }) }),
    ];
    const calls = [{ accountId: '111122223333', profile: JP, sourceRegion: 'ap-northeast-3', calls: 3, successes: 3, failures: 0, failedShare: 0, successesByRegion: {}, denialsByRegion: {}, otherErrors: {}, deniedBy: [] }];
    // JP: 3 calls; APAC: 2 denials.
    expect(profilesInUse({ aggregates, calls })).toEqual([
      { profile: JP, sourceRegion: 'ap-northeast-3' },
      { profile: APAC, sourceRegion: 'ap-northeast-1' },
    ]);
  });

  it('counts the pairs configured for the guard (GUARD_PROFILES) as in use, as the guard does, even when nothing was seen', () => {
    const aggregates = [makeAggregate({ time: '2026-11-27T10:00:00Z', finding: makeFinding() })];
    const configured = [
      { profile: JP, sourceRegion: 'ap-northeast-3' },
      { profile: APAC, sourceRegion: 'ap-northeast-1' },
    ];
    expect(profilesInUse({ aggregates, configured })).toEqual([
      { profile: APAC, sourceRegion: 'ap-northeast-1' },
      { profile: JP, sourceRegion: 'ap-northeast-3' },
    ]);
    expect(profilesInUse({ aggregates: [], configured })).toEqual([
      { profile: APAC, sourceRegion: 'ap-northeast-1' },
      { profile: JP, sourceRegion: 'ap-northeast-3' },
    ]);
  });

  it('lists the targets preflight says are blocked, grouped, with the denied Regions, the statement and the verified fix', () => {
    // Act
    const readiness = computeDigestReadiness({ snapshot: snapshotOf(japanOrganization()), routes: [{ profile: APAC, sourceRegion: 'ap-northeast-1' }, { profile: JP, sourceRegion: 'ap-northeast-1' }], catalog, lang: 'en' });
    // Assess
    expect(readiness.status).toBe('computed');
    if (readiness.status !== 'computed') return;
    // The strict OU (Tokyo/Osaka/Virginia deny) and its five active accounts; the CRIS OU, the root
    // accounts and the jp. profile (Tokyo and Osaka only) are ready; the suspended account is not a target.
    expect(readiness).toMatchObject({ targets: 14, blockedRows: 6, groupsTotal: 1 });
    const [group] = readiness.groups;
    expect(group).toMatchObject({
      profile: APAC, sourceRegion: 'ap-northeast-1', deniedDestinations: ['ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2'], sourceCallDenied: false,
      deniedBy: [{ policyId: 'p-tokyodeny1', policyName: 'region-deny-tokyo-osaka-virginia', sid: 'GRREGIONDENY', level: 2 }], targetsTotal: 6,
    });
    expect(group?.targets.map((t) => t.id)).toEqual(['ou-ab12-strict12', '210000000001', '210000000002', '210000000003', '210000000004', '210000000005']);
    // The fix engine's own answer for that chain, the same preflight gives.
    const preflight = runPreflight({ targets: snapshotTargets(snapshotOf(japanOrganization())).filter((t) => t.id === '210000000001'), routes: [{ profile: APAC, sourceRegion: 'ap-northeast-1' }], catalog, lang: 'en' });
    expect(group?.fix?.recommended?.id).toBe(preflight.rows[0]?.fix?.option);
    expect(group?.fix?.recommended?.id).toBe('control-tower-parameters');
    expect(group?.fix?.verification.status).toBe(preflight.rows[0]?.fix?.verification);
    expect(group?.fix?.recommended?.outcome).toBe('verified');
  });

  it('has nothing to list when every profile in use is ready', () => {
    const readiness = computeDigestReadiness({ snapshot: snapshotOf(japanOrganization()), routes: [{ profile: JP, sourceRegion: 'ap-northeast-1' }], catalog, lang: 'en' });
    expect(readiness).toMatchObject({ status: 'computed', blockedRows: 0, groups: [], groupsTotal: 0 });
  });
});
