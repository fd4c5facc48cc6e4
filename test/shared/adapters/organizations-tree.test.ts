import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterEach, describe, expect, it } from 'vitest';
import { readOrgSnapshot, type OrgReadProgress } from '../../../shared/adapters/organizations-tree.js';
import { parseOrgSnapshot, snapshotTargets } from '../../../shared/core/preflight/index.js';
import { japanOrganization } from '../../fixtures/org/model.js';
import { startOrganizationsServer, type OrganizationsServer } from '../../helpers/organizations-server.js';

let server: OrganizationsServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function client(endpoint: string, maxAttempts = 1): OrganizationsClient {
  return new OrganizationsClient({ region: 'us-east-1', endpoint, maxAttempts, credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' } });
}

describe('readOrgSnapshot', () => {
  it('reads roots, OUs, accounts and every attached SCP through pagination, empty pages included', async () => {
    // Prepare
    server = await startOrganizationsServer(japanOrganization(), { pageSize: 2, emptyFirstPage: true });
    const seen: OrgReadProgress[] = [];

    // Act
    const snapshot = await readOrgSnapshot({ client: client(server.endpoint), onProgress: (p) => seen.push(p), now: () => new Date('2026-12-01T00:00:00Z') });

    // Assess
    expect(parseOrgSnapshot(JSON.parse(JSON.stringify(snapshot)))).toEqual({ ok: true, value: snapshot });
    expect(snapshot).toMatchObject({ takenAt: '2026-12-01T00:00:00.000Z', organizationId: 'o-a1b2c3d4e5', managementAccountId: '999988887777' });
    expect(snapshot.roots).toEqual([{ id: 'r-ab12', name: 'Root', parentId: null, policyIds: ['p-FullAWSAccess'] }]);
    expect(snapshot.organizationalUnits.map((ou) => [ou.id, ou.name, ou.parentId, ou.policyIds])).toEqual([
      ['ou-ab12-cris1234', 'Japan-CRIS', 'ou-ab12-japan123', ['p-FullAWSAccess', 'p-apaccris01']],
      ['ou-ab12-japan123', 'Japan', 'r-ab12', ['p-FullAWSAccess']],
      ['ou-ab12-strict12', 'Japan-Strict', 'ou-ab12-japan123', ['p-FullAWSAccess', 'p-tokyodeny1']],
    ]);
    expect(snapshot.accounts).toHaveLength(12);
    expect(snapshot.accounts.find((a) => a.id === '230000000009')).toMatchObject({ status: 'SUSPENDED', parentId: 'ou-ab12-strict12' });
    expect(snapshot.policies.map((p) => [p.id, p.name, p.awsManaged])).toEqual([
      ['p-FullAWSAccess', 'FullAWSAccess', true],
      ['p-apaccris01', 'region-deny-with-bedrock-cris-apac', false],
      ['p-tokyodeny1', 'region-deny-tokyo-osaka-virginia', false],
    ]);
    expect(snapshot.policies[2]?.arn).toBe('arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-tokyodeny1');
    const operations = new Set(server.requests.map((r) => r.operation));
    expect([...operations].sort()).toEqual(['DescribePolicy', 'ListAccountsForParent', 'ListOrganizationalUnitsForParent', 'ListPoliciesForTarget', 'ListRoots']);
    expect(server.requests.filter((r) => r.operation === 'DescribePolicy')).toHaveLength(3);
    expect(seen.at(-1)).toMatchObject({ accounts: 12, organizationalUnits: 3, policies: 3, targetsRead: 16, targetsKnown: 16 });
  });

  it('retries throttled calls and still reads everything', async () => {
    server = await startOrganizationsServer(japanOrganization(), { pageSize: 20 });
    server.throttleNext(2);

    const snapshot = await readOrgSnapshot({ client: client(server.endpoint, 5) });

    expect(server.throttled()).toBe(2);
    expect(snapshot.accounts).toHaveLength(12);
  });

  it('names the call that failed for good', async () => {
    server = await startOrganizationsServer(japanOrganization());
    server.failWith({ status: 400, type: 'AccessDeniedException', message: 'You don\'t have permissions to access this resource.' });

    await expect(readOrgSnapshot({ client: client(server.endpoint) })).rejects.toThrow('ListRoots failed: AccessDeniedException: You don\'t have permissions to access this resource.');
  });
});

describe('snapshotTargets', () => {
  it('lists every OU and active account depth first, each with its chain from the root', async () => {
    server = await startOrganizationsServer(japanOrganization(), { pageSize: 20 });
    const snapshot = await readOrgSnapshot({ client: client(server.endpoint) });

    const targets = snapshotTargets(snapshot);

    expect(targets.map((t) => t.id)).toEqual([
      '100000000001', '100000000002', 'ou-ab12-japan123',
      'ou-ab12-cris1234', '220000000001', '220000000002', '220000000003', '220000000004',
      'ou-ab12-strict12', '210000000001', '210000000002', '210000000003', '210000000004', '210000000005',
    ]);
    const strict = targets.find((t) => t.id === '210000000001');
    expect(strict?.path).toEqual(['r-ab12', 'ou-ab12-japan123', 'ou-ab12-strict12']);
    expect(strict?.levels.map((level) => level.map((doc) => doc.name))).toEqual([['FullAWSAccess'], ['FullAWSAccess'], ['FullAWSAccess', 'region-deny-tokyo-osaka-virginia'], ['FullAWSAccess']]);
  });
});

describe('parseOrgSnapshot', () => {
  const base = { format: 'cris-auditor/org-snapshot', version: 1, takenAt: '', roots: [{ id: 'r-ab12', name: 'Root', parentId: null, policyIds: [] }], organizationalUnits: [], accounts: [], policies: [] };

  it.each([
    [{ ...base, version: 2 }, 'version 2 is not supported'],
    [{ ...base, accounts: [{ id: '111122223333', name: 'a', parentId: 'ou-ab12-missing1', policyIds: [] }] }, 'accounts[0] (111122223333): parent ou-ab12-missing1 is not a root or OU of the snapshot'],
    [{ ...base, accounts: [{ id: '111122223333', name: 'a', parentId: 'r-ab12', policyIds: ['p-nothere1'] }] }, 'policy p-nothere1 is not in policies'],
    [{ ...base, accounts: [{ id: '1111', name: 'a', parentId: 'r-ab12', policyIds: [] }] }, 'accounts[0].id "1111" is not a valid account ID'],
    [{ ...base, organizationalUnits: [{ id: 'ou-ab12-aaaaaaaa', name: 'a', parentId: 'ou-ab12-bbbbbbbb', policyIds: [] }, { id: 'ou-ab12-bbbbbbbb', name: 'b', parentId: 'ou-ab12-aaaaaaaa', policyIds: [] }] }, 'is deeper than 5 levels or in a cycle'],
  ])('refuses a broken snapshot, naming the field (%#)', (value, reason) => {
    const result = parseOrgSnapshot(value);

    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});
