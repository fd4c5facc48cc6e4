import { describe, expect, it } from 'vitest';
import { MAX_GROUPS, MAX_TARGETS_PER_GROUP, guardAlertOf, renderGuardSlack, renderGuardSubject, renderGuardText, type GuardReport, type ReadinessFlip } from '../../../../shared/core/guard/index.js';
import { parseRouteList, routesInUse, type PreflightRow } from '../../../../shared/core/preflight/index.js';
import { japanSnapshot } from '../../../fixtures/org/snapshot.js';
import { blockKitViolation } from '../../../helpers/slack-server.js';

function flip(target: string, profile: string, denied: string[]): ReadinessFlip {
  const after: PreflightRow = {
    target,
    targetName: `name of ${target}`,
    profile,
    sourceRegion: 'ap-northeast-1',
    destinations: ['ap-northeast-1', ...denied],
    destinationsSource: 'catalog',
    deniedDestinations: denied,
    sourceCallDenied: false,
    status: 'blocked',
    deniedBy: [{ policyId: 'p-tokyodeny1', policyName: 'region-deny', sid: 'DenyOutside', level: 1 }],
    fix: { option: 'allow-profile', title: 'Allow this inference profile only', verification: 'verified', snippet: '{\n  "Version": "2012-10-17"\n}', policyName: 'region-deny', notes: [] },
  };
  return { target, targetName: after.targetName, profile, sourceRegion: 'ap-northeast-1', from: 'ready', to: 'blocked', after };
}

function report(breaks: ReadinessFlip[]): GuardReport {
  return {
    dedupeKey: 'org-change#e-1',
    change: { eventId: 'e-1', eventName: 'AttachPolicy', eventTime: '2026-12-01T08:15:00Z', actor: 'arn:aws:sts::999988887777:assumed-role/Admin/bob', policyId: 'p-tokyodeny1', targetId: 'r-ab12', accountId: null, sourceParentId: null, destinationParentId: null, content: null, policyType: null },
    affectedTargets: breaks.length,
    breaks,
    repairs: [],
    after: japanSnapshot(),
  };
}

describe('guardAlertOf and the guard renderers', () => {
  it('is null when nothing flipped: no alert for a no-op change', () => {
    expect(guardAlertOf(report([]), '2026-12-01T00:00:00.000Z')).toBeNull();
  });

  it('groups targets that break the same way and stays bounded for an organization-wide break', () => {
    // Prepare: 15 profiles × 400 accounts break at once (a region deny attached at the root)
    const flips = Array.from({ length: 15 }, (_, p) =>
      Array.from({ length: 400 }, (_, a) => flip(String(200000000000 + a), `apac.vendor.model-${String(p).padStart(2, '0')}-v1:0`, ['ap-south-1'])),
    ).flat();

    // Act
    const alert = guardAlertOf(report(flips), '2026-12-01T00:00:00.000Z');

    // Assess
    expect(alert?.breaks).toHaveLength(MAX_GROUPS);
    expect(alert?.moreGroups).toEqual({ breaks: 5, repairs: 0 });
    expect(alert?.breaks.every((g) => g.targets.length === MAX_TARGETS_PER_GROUP && g.moreTargets === 400 - MAX_TARGETS_PER_GROUP && g.accounts === 400)).toBe(true);
    expect(alert?.policyName).toBe('region-deny-tokyo-osaka-virginia');
    const slack = renderGuardSlack(alert!, 'en');
    expect(blockKitViolation(JSON.stringify(slack))).toBeNull();
    expect(slack.text).toBe('SCP change breaks 4000 cross-Region inference routes in use');
    expect(JSON.stringify(slack)).toContain('and 375 more');
    expect(JSON.stringify(slack)).toContain('5 more groups not shown: run `cris-audit preflight` for the full matrix');
    expect(Buffer.byteLength(JSON.stringify(alert))).toBeLessThan(100_000);
    expect(Buffer.byteLength(renderGuardText(alert!, 'ja'))).toBeLessThan(250 * 1024);
    expect(renderGuardSubject(alert!)).toBe('cris-auditor: AttachPolicy breaks 4000 CRIS route(s) in use (p-tokyodeny1)');
  });

  it('keeps the SNS subject printable ASCII under 100 characters whatever the policy ID holds', () => {
    const alert = guardAlertOf(report([flip('210000000001', 'apac.x.y-v1:0', ['ap-south-1'])]), 'x')!;
    alert.policyId = `p-${'日本'.repeat(80)}`;
    const subject = renderGuardSubject(alert);
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('routesInUse', () => {
  it('counts system profiles by source Region from stored findings, adds configured pairs, skips application profile ARNs', () => {
    const finding = (id: string, region: string | null) => ({ profile: { id, scope: 'apac' }, sourceRegion: region });
    const routes = routesInUse(
      [
        { finding: finding('apac.anthropic.claude-sonnet-4-20250514-v1:0', 'ap-northeast-1'), count: 3 },
        { finding: finding('apac.anthropic.claude-sonnet-4-20250514-v1:0', 'ap-northeast-1'), count: 2 },
        { finding: finding('arn:aws:bedrock:ap-northeast-1:111122223333:application-inference-profile/abc', 'ap-northeast-1'), count: 9 },
        { finding: finding('us.amazon.nova-lite-v1:0', null), count: 9 },
      ],
      [{ profile: 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0', sourceRegion: 'ap-northeast-3' }],
    );
    expect(routes).toEqual([
      { profile: 'apac.anthropic.claude-sonnet-4-20250514-v1:0', sourceRegion: 'ap-northeast-1', seen: 5 },
      { profile: 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0', sourceRegion: 'ap-northeast-3', seen: 0 },
    ]);
  });

  it('parses GUARD_PROFILES and names the first entry that is not profile@region', () => {
    expect(parseRouteList('apac.anthropic.claude-sonnet-4-20250514-v1:0@ap-northeast-1, us.amazon.nova-lite-v1:0@us-east-1')).toEqual({
      ok: true,
      value: [
        { profile: 'apac.anthropic.claude-sonnet-4-20250514-v1:0', sourceRegion: 'ap-northeast-1' },
        { profile: 'us.amazon.nova-lite-v1:0', sourceRegion: 'us-east-1' },
      ],
    });
    expect(parseRouteList('us.amazon.nova-lite-v1:0')).toMatchObject({ ok: false, reason: expect.stringContaining('"us.amazon.nova-lite-v1:0" is not profile@region') });
  });
});
