import { describe, expect, it } from 'vitest';
import { fingerprintFinding } from '../../../../shared/core/alert/fingerprint.js';
import type { StreamOutcome } from '../../../../shared/core/replay/lookup-port.js';
import { addTotals, buildReplayReport, createReplayAccumulator, MAX_REPORTED_GROUPS } from '../../../../shared/core/replay/report.js';
import { initialCursors, streamKey } from '../../../../shared/core/replay/resume.js';
import type { Finding } from '../../../../shared/core/types.js';

const WINDOW = { from: '2026-11-27T00:00:00.000Z', to: '2026-11-28T00:00:00.000Z' };

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    eventId: 'e', eventTime: '2026-11-27T10:00:00Z', eventName: 'Converse', accountId: '111122223333',
    principalArn: 'arn:aws:sts::111122223333:assumed-role/app-role/s1', sourceRegion: 'ap-northeast-1',
    action: 'bedrock:InvokeModel', modelId: 'apac.m', profile: { id: 'apac.m', scope: 'apac' }, foundationModel: 'm',
    deniedResource: null, deniedRegion: 'ap-southeast-2', policyType: 'service control policy', policyArn: null, authorizationId: null, authorizationDetailsUrl: null,
    destinations: null, destinationsSource: null, verdict: 'cross-region-scp', reason: 'r', userAgent: null,
    sourceIpAddress: null, errorCode: 'AccessDenied', errorMessage: null, ...overrides,
  };
}

function outcome(done: boolean): StreamOutcome {
  const [cursor] = initialCursors({ ...WINDOW, regions: ['ap-northeast-1'], accounts: null });
  return { cursor: { ...cursor!, done }, stoppedBy: done ? 'done' : 'deadline', requests: 1, pages: 1, throttled: 0, recordsRead: 3, skipped: 0, error: null };
}

function report(accumulator = createReplayAccumulator(), done = true) {
  return buildReplayReport({
    window: WINDOW, resumed: false, mode: { store: false, notify: false, dryRun: false }, outcomes: [outcome(done)],
    perStream: new Map([['self|ap-northeast-1', { scanned: 3, denials: 2 }]]), accumulator, fixes: new Map(),
    stored: null, notified: null, warnings: [], resume: 'crr1.x.y', streamKey: (o) => streamKey(o.cursor),
    totals: addTotals(null, 3, accumulator.byVerdict()),
  });
}

describe('replay accumulator and report', () => {
  it('groups sessions of one role into one fingerprint with count, first and last seen, across source Regions', () => {
    const accumulator = createReplayAccumulator();
    accumulator.add(finding({ eventTime: '2026-11-27T10:00:00Z' }), '2026-11-27T10:00:00.000Z');
    accumulator.add(finding({ eventTime: '2026-11-27T09:00:00Z', principalArn: 'arn:aws:sts::111122223333:assumed-role/app-role/s2', sourceRegion: 'ap-northeast-3' }), '2026-11-27T09:00:00.000Z');
    accumulator.add(finding({ verdict: 'identity', deniedRegion: 'ap-northeast-1' }), '2026-11-27T11:00:00.000Z');

    const result = report(accumulator);

    expect(result.findingsByVerdict).toMatchObject({ 'cross-region-scp': 2, identity: 1 });
    expect(result.crossRegionScpGroups).toEqual([
      expect.objectContaining({ count: 2, firstSeen: '2026-11-27T09:00:00Z', lastSeen: '2026-11-27T10:00:00Z', principal: 'arn:aws:iam::111122223333:role/app-role', sourceRegions: ['ap-northeast-1', 'ap-northeast-3'], recommendedFix: null }),
    ]);
    expect(result.distinctFingerprints).toBe(2);
    expect(accumulator.groups().find((g) => g.fingerprint === fingerprintFinding(finding()))?.hours.get('2026-11-27T09')?.count).toBe(1);
  });

  it('gives a resume token only when a stream is unfinished', () => {
    expect([report(undefined, true).resume, report(undefined, false).resume]).toEqual([null, 'crr1.x.y']);
    expect([report(undefined, true).complete, report(undefined, false).complete]).toEqual([true, false]);
  });

  it(`lists at most ${MAX_REPORTED_GROUPS} groups, most frequent first, and says how many there were`, () => {
    const accumulator = createReplayAccumulator();
    for (let i = 0; i < MAX_REPORTED_GROUPS + 5; i += 1) {
      for (let n = 0; n <= i % 3; n += 1) accumulator.add(finding({ principalArn: `arn:aws:iam::111122223333:role/r${i}` }), '2026-11-27T10:00:00.000Z');
    }

    const result = report(accumulator);

    expect(result.crossRegionScpGroups).toHaveLength(MAX_REPORTED_GROUPS);
    expect(result.crossRegionScpGroupsTotal).toBe(MAX_REPORTED_GROUPS + 5);
    expect(result.crossRegionScpGroups[0]?.count).toBe(3);
  });
});

describe('addTotals', () => {
  it('adds an invocation to the totals of the earlier ones, verdict by verdict', () => {
    const first = addTotals(null, 100, { 'cross-region-scp': 4, identity: 0 });

    const second = addTotals(first, 50, { 'cross-region-scp': 1, scp: 2 });

    expect(second).toEqual({ invocations: 2, recordsScanned: 150, denials: 7, byVerdict: { 'cross-region-scp': 5, scp: 2 } });
  });
});
