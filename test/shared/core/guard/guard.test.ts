import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import { guardChange, readOrganizationsChange } from '../../../../shared/core/guard/index.js';
import { ORG_SNAPSHOT_FORMAT, ORG_SNAPSHOT_VERSION, type OrgSnapshot } from '../../../../shared/core/preflight/index.js';
import type { CloudTrailRecord } from '../../../../shared/core/types.js';
import { japanOrganization } from '../../../fixtures/org/model.js';
import { ROOT } from '../../../helpers/load-event.js';

const catalog = loadBundledCatalog();
const APAC = 'apac.anthropic.claude-sonnet-4-20250514-v1:0';
const ROUTES = [{ profile: APAC, sourceRegion: 'ap-northeast-1' }, { profile: 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0', sourceRegion: 'ap-northeast-1' }];

/** The fixture organization as a snapshot (the shape `cris-audit org snapshot` writes). */
function snapshot(): OrgSnapshot {
  const model = japanOrganization();
  const ids = new Set([...Object.keys(model.parents), ...Object.keys(model.attachments)]);
  const node = (id: string) => ({ id, name: model.names?.[id] ?? id, parentId: model.parents[id] ?? null, policyIds: model.attachments[id] ?? [] });
  return {
    format: ORG_SNAPSHOT_FORMAT,
    version: ORG_SNAPSHOT_VERSION,
    takenAt: '2026-12-01T00:00:00.000Z',
    organizationId: model.organizationId,
    managementAccountId: model.managementAccountId,
    roots: [node('r-ab12')],
    organizationalUnits: [...ids].filter((id) => id.startsWith('ou-')).sort().map(node),
    accounts: [...ids].filter((id) => /^\d{12}$/.test(id)).sort().map((id) => ({ ...node(id), status: model.accountStates?.[id] ?? 'ACTIVE' })),
    policies: model.policies.map((p) => ({ id: p.Id, arn: `arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/${p.Id}`, name: p.Name, description: p.Description ?? '', awsManaged: p.AwsManaged === true, content: p.Content })),
  };
}

function sample(name: string): CloudTrailRecord {
  return (JSON.parse(readFileSync(join(ROOT, 'events', 'organizations', `${name}.json`), 'utf8')) as { detail: CloudTrailRecord }).detail;
}

function guard(name: string) {
  const change = readOrganizationsChange(sample(name));
  if (!change.ok) throw new Error(change.reason);
  const report = guardChange({ snapshot: snapshot(), change: change.value, routes: ROUTES, catalog, lang: 'en' });
  if (!report.ok) throw new Error(report.reason);
  return report.value;
}

describe('guardChange', () => {
  it('UpdatePolicy removing the CRIS exemption breaks the APAC profile in the CRIS OU and its accounts, with who changed it and the fix', () => {
    const report = guard('update-policy-removes-cris-exemption');

    expect(report.dedupeKey).toBe('org-change#e1a2b3c4-0001-4d5e-8f90-a1b2c3d4e5f6');
    expect(report.change.actor).toBe('arn:aws:sts::999988887777:assumed-role/PlatformAdmin/alice');
    expect(report.affectedTargets).toBe(5);
    expect(report.breaks.map((b) => [b.target, b.profile, b.from, b.to])).toEqual(
      ['ou-ab12-cris1234', '220000000001', '220000000002', '220000000003', '220000000004'].map((t) => [t, APAC, 'ready', 'blocked']),
    );
    expect(report.breaks[1]?.after.deniedDestinations).toEqual(['ap-northeast-2', 'ap-south-1', 'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-4']);
    expect(report.breaks[1]?.after.fix?.verification).toBe('verified');
    expect(report.repairs).toEqual([]);
  });

  it('MoveAccount into the strict OU breaks that one account only', () => {
    const report = guard('move-account-to-strict');

    expect(report.breaks.map((b) => b.target)).toEqual(['220000000001']);
    expect(report.after.accounts.find((a) => a.id === '220000000001')?.parentId).toBe('ou-ab12-strict12');
  });

  it('DetachPolicy of the region deny repairs the strict OU', () => {
    const report = guard('detach-policy-region-deny');

    expect(report.breaks).toEqual([]);
    expect(report.repairs.map((r) => r.target)).toEqual(['ou-ab12-strict12', '210000000001', '210000000002', '210000000003', '210000000004', '210000000005']);
  });

  it('AttachPolicy of the region deny to the CRIS OU breaks it', () => {
    expect(guard('attach-policy-region-deny').breaks).toHaveLength(5);
  });

  it('a new, detached policy changes nothing and alerts nobody', () => {
    const report = guard('create-policy-detached');

    expect(report).toMatchObject({ affectedTargets: 0, breaks: [], repairs: [] });
  });

  it('refuses a failed call: nothing changed', () => {
    const change = readOrganizationsChange(sample('update-policy-denied'));

    expect(change).toEqual({ ok: false, reason: 'the call failed (AccessDeniedException): nothing changed' });
  });

  it('names what it cannot apply instead of guessing', () => {
    const change = readOrganizationsChange({ ...sample('attach-policy-region-deny'), requestParameters: { policyId: 'p-unknown001', targetId: 'ou-ab12-cris1234' } });
    if (!change.ok) throw new Error(change.reason);

    expect(guardChange({ snapshot: snapshot(), change: change.value, routes: ROUTES, catalog, lang: 'en' })).toEqual({ ok: false, reason: 'policy p-unknown001 is not in the snapshot: describe it first' });
  });
});
