import { describe, expect, it } from 'vitest';
import { aggregateFindings, buildDigest } from '../../../../shared/core/digest/aggregate.js';
import { computeDigestWindow, type DigestWindow } from '../../../../shared/core/digest/schedule.js';
import { fingerprintFinding } from '../../../../shared/core/alert/fingerprint.js';
import { makeAggregate, makeFinding, makeFix } from './digest-fixtures.js';

function tokyoWindow(): DigestWindow {
  // 09:00 JST on 2026-11-28: window 2026-11-27T00Z .. 2026-11-28T00Z
  const result = computeDigestWindow({ now: new Date('2026-11-28T00:00:05Z'), timeZone: 'Asia/Tokyo' });
  if (!result.ok) throw new Error(result.reason);
  return result.value;
}

describe('buildDigest', () => {
  it('merges the hours of one fingerprint into one group with summed count and widest seen times', () => {
    // Prepare
    const early = makeFinding({ eventId: 'early', eventTime: '2026-11-27T01:10:00Z' });
    const late = makeFinding({ eventId: 'late', eventTime: '2026-11-27T20:40:00Z', fix: makeFix() });
    const current = [
      makeAggregate({ time: '2026-11-27T01:10:00Z', finding: early, count: 3, lastSeen: '2026-11-27T01:50:00.000Z' }),
      makeAggregate({ time: '2026-11-27T20:05:00Z', finding: late, count: 4, lastSeen: '2026-11-27T20:40:00.000Z' }),
    ];

    // Act
    const digest = buildDigest({ window: tokyoWindow(), current, previous: [] });

    // Assess
    expect(digest.crossRegionScpGroups).toHaveLength(1);
    const [group] = digest.crossRegionScpGroups;
    expect(group).toMatchObject({
      fingerprint: fingerprintFinding(early),
      count: 7,
      firstSeen: '2026-11-27T01:10:00.000Z',
      lastSeen: '2026-11-27T20:40:00.000Z',
      isNew: true,
      previousCount: 0,
    });
    expect(group?.finding.eventId).toBe('late');
    expect(group?.recommendedFix?.id).toBe('allow-profile-only');
    expect(digest.totals).toEqual({
      count: 7,
      fingerprints: 1,
      newFingerprints: 1,
      recurringFingerprints: 0,
      previousCount: 0,
      previousFingerprints: 0,
      change: 7,
    });
  });

  it('tells new fingerprints from those already seen the day before', () => {
    // Prepare
    const recurring = makeFinding({ accountId: '111122223333' });
    const fresh = makeFinding({ accountId: '444455556666' });
    const current = [
      makeAggregate({ time: '2026-11-27T05:00:00Z', finding: recurring, count: 2 }),
      makeAggregate({ time: '2026-11-27T06:00:00Z', finding: fresh, count: 1 }),
    ];
    const previous = [makeAggregate({ time: '2026-11-26T23:00:00Z', finding: recurring, count: 5 })];

    // Act
    const digest = buildDigest({ window: tokyoWindow(), current, previous });

    // Assess
    expect(digest.totals.newFingerprints).toBe(1);
    expect(digest.totals.recurringFingerprints).toBe(1);
    const byAccount = Object.fromEntries(digest.crossRegionScpGroups.map((g) => [g.finding.accountId, g]));
    expect(byAccount['444455556666']?.isNew).toBe(true);
    expect(byAccount['111122223333']?.isNew).toBe(false);
    expect(byAccount['111122223333']?.previousCount).toBe(5);
  });

  it('totals denials by verdict in precedence order with the change against the previous window', () => {
    // Prepare
    const current = [
      makeAggregate({ time: '2026-11-27T02:00:00Z', finding: makeFinding({ verdict: 'model-access', deniedRegion: null }), count: 2 }),
      makeAggregate({ time: '2026-11-27T03:00:00Z', finding: makeFinding(), count: 10 }),
      makeAggregate({ time: '2026-11-27T04:00:00Z', finding: makeFinding({ accountId: '999988887777' }), count: 1 }),
    ];
    const previous = [
      makeAggregate({ time: '2026-11-26T03:00:00Z', finding: makeFinding(), count: 4 }),
      makeAggregate({ time: '2026-11-26T04:00:00Z', finding: makeFinding({ verdict: 'identity' }), count: 6 }),
    ];

    // Act
    const digest = buildDigest({ window: tokyoWindow(), current, previous });

    // Assess
    expect(digest.byVerdict).toEqual([
      { verdict: 'cross-region-scp', count: 11, fingerprints: 2, previousCount: 4, change: 7 },
      { verdict: 'identity', count: 0, fingerprints: 0, previousCount: 6, change: -6 },
      { verdict: 'model-access', count: 2, fingerprints: 1, previousCount: 0, change: 2 },
    ]);
    expect(digest.totals.count).toBe(13);
    expect(digest.totals.previousCount).toBe(10);
    expect(digest.totals.change).toBe(3);
    expect(digest.crossRegionScpGroups.map((g) => g.count)).toEqual([10, 1]);
  });

  it('ranks accounts, roles (not sessions), profiles and denied Regions by denials', () => {
    // Prepare
    const current = [
      makeAggregate({ time: '2026-11-27T02:00:00Z', finding: makeFinding({ accountId: 'A', principalArn: 'arn:aws:sts::111122223333:assumed-role/r1/s1', deniedRegion: 'ap-south-1' }), count: 1 }),
      makeAggregate({ time: '2026-11-27T02:00:00Z', finding: makeFinding({ accountId: 'B', principalArn: 'arn:aws:sts::111122223333:assumed-role/r1/s2', deniedRegion: 'ap-south-1' }), count: 5 }),
      makeAggregate({ time: '2026-11-27T03:00:00Z', finding: makeFinding({ accountId: 'B', principalArn: 'arn:aws:iam::111122223333:user/u', profile: null, modelId: 'anthropic.claude-v2', deniedRegion: 'ap-southeast-2' }), count: 2 }),
    ];

    // Act
    const digest = buildDigest({ window: tokyoWindow(), current, previous: [] });

    // Assess
    expect(digest.top.accounts).toEqual([
      { key: 'B', count: 7, fingerprints: 2 },
      { key: 'A', count: 1, fingerprints: 1 },
    ]);
    expect(digest.top.roles).toEqual([
      { key: 'arn:aws:iam::111122223333:role/r1', count: 6, fingerprints: 2 },
      { key: 'arn:aws:iam::111122223333:user/u', count: 2, fingerprints: 1 },
    ]);
    expect(digest.top.profiles).toEqual([
      { key: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0', count: 6, fingerprints: 2 },
      { key: 'anthropic.claude-v2', count: 2, fingerprints: 1 },
    ]);
    expect(digest.top.deniedRegions).toEqual([
      { key: 'ap-south-1', count: 6, fingerprints: 2 },
      { key: 'ap-southeast-2', count: 2, fingerprints: 1 },
    ]);
  });

  it('cuts top lists at the limit, ties broken by name', () => {
    // Prepare
    const current = ['c', 'a', 'b'].map((accountId) => makeAggregate({ time: '2026-11-27T02:00:00Z', finding: makeFinding({ accountId }) }));

    // Act
    const digest = buildDigest({ window: tokyoWindow(), current, previous: [], topLimit: 2 });

    // Assess
    expect(digest.top.accounts.map((entry) => entry.key)).toEqual(['a', 'b']);
  });

  it('ignores aggregates outside the window hours', () => {
    // Prepare
    const current = [
      makeAggregate({ time: '2026-11-28T00:30:00Z', finding: makeFinding(), count: 9 }),
      makeAggregate({ time: '2026-11-27T23:59:00Z', finding: makeFinding(), count: 1 }),
    ];

    // Act
    const digest = buildDigest({ window: tokyoWindow(), current, previous: current });

    // Assess
    expect(digest.totals.count).toBe(1);
    expect(digest.totals.previousCount).toBe(0);
  });

  it('builds an empty digest from no aggregates', () => {
    // Act
    const digest = buildDigest({ window: tokyoWindow(), current: [], previous: [] });

    // Assess
    expect(digest.totals.count).toBe(0);
    expect(digest.byVerdict).toEqual([]);
    expect(digest.crossRegionScpGroups).toEqual([]);
    expect(digest.top.accounts).toEqual([]);
  });
});

describe('aggregateFindings', () => {
  it('counts findings per fingerprint and UTC hour, keeping the latest finding', () => {
    // Prepare
    const a1 = makeFinding({ eventId: 'a1', eventTime: '2026-11-27T10:05:00Z' });
    const a2 = makeFinding({ eventId: 'a2', eventTime: '2026-11-27T10:55:00Z' });
    const a3 = makeFinding({ eventId: 'a3', eventTime: '2026-11-27T11:01:00Z' });
    const undated = makeFinding({ eventId: 'x', eventTime: null });
    const input = [a2, a1, a3, undated].map((finding) => ({ fingerprint: fingerprintFinding(finding), finding }));

    // Act
    const { aggregates, undated: skipped } = aggregateFindings(input);

    // Assess
    expect(skipped).toBe(1);
    expect(aggregates.map((a) => [a.hour, a.count, a.firstSeen, a.lastSeen, a.finding.eventId])).toEqual([
      ['2026-11-27T10', 2, '2026-11-27T10:05:00.000Z', '2026-11-27T10:55:00.000Z', 'a2'],
      ['2026-11-27T11', 1, '2026-11-27T11:01:00.000Z', '2026-11-27T11:01:00.000Z', 'a3'],
    ]);
  });
});
