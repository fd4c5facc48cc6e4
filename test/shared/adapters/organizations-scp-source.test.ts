import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOrganizationsClient, createOrganizationsScpSource } from '../../../shared/adapters/organizations-scp-source.js';
import { suggestFix } from '../../../shared/core/fix/suggest-fix.js';
import { loadBundledCatalog } from '../../../shared/core/classify/profile-catalog.js';
import { startOrganizationsServer, type OrganizationModel, type OrganizationsServer } from '../../helpers/organizations-server.js';
import { PROFILE_FINDINGS } from '../core/fix/findings.js';

const FULL_ACCESS = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
const REGION_DENY = readFileSync(join(__dirname, '../../fixtures/fix/organizations-region-deny.json'), 'utf8');

const MODEL: OrganizationModel = {
  managementAccountId: '999988887777',
  organizationId: 'o-a1b2c3d4e5',
  parents: {
    '111122223333': 'ou-ab12-prod1234',
    '444455556666': 'ou-ab12-prod1234',
    'ou-ab12-prod1234': 'ou-ab12-work1234',
    'ou-ab12-work1234': 'r-ab12',
  },
  attachments: {
    'r-ab12': ['p-FullAWSAccess', 'p-regiondeny1'],
    'ou-ab12-work1234': ['p-FullAWSAccess'],
    'ou-ab12-prod1234': ['p-FullAWSAccess', 'p-guard0001', 'p-tagging01'],
    '111122223333': ['p-FullAWSAccess'],
    '444455556666': ['p-FullAWSAccess'],
  },
  policies: [
    { Id: 'p-FullAWSAccess', Name: 'FullAWSAccess', Description: 'Allows access to every operation', AwsManaged: true, Content: FULL_ACCESS },
    { Id: 'p-regiondeny1', Name: 'region-deny', Description: 'Deny outside EU', Content: REGION_DENY },
    { Id: 'p-guard0001', Name: 'deny-leave-org', Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }] }) },
    { Id: 'p-tagging01', Name: 'aws-guardrails-AbCdEf', Description: 'Managed by AWS Control Tower', Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'GRTAGGING', Effect: 'Deny', Action: 'ec2:DeleteTags', Resource: '*' }] }) },
  ],
};

let server: OrganizationsServer;

beforeAll(async () => {
  server = await startOrganizationsServer(MODEL, { pageSize: 2 });
});

afterAll(async () => {
  await server.close();
});

beforeEach(() => {
  server.requests.length = 0;
  server.failWith(null);
});

function client(): OrganizationsClient {
  return new OrganizationsClient({ region: 'us-east-1', endpoint: server.endpoint, maxAttempts: 1 });
}

describe('createOrganizationsScpSource', () => {
  it('walks the parents up to the root and returns the SCPs of every level, root first', async () => {
    // Prepare
    const source = createOrganizationsScpSource({ client: client(), cacheTtlMs: 60_000 });

    // Act
    const result = await source.scpsForAccount('111122223333');

    // Assess
    expect(result.ok).toBe(true);
    const levels = result.ok ? result.value : [];
    expect(levels.map((level) => level.map((p) => p.name))).toEqual([
      ['FullAWSAccess', 'region-deny'],
      ['FullAWSAccess'],
      ['FullAWSAccess', 'deny-leave-org', 'aws-guardrails-AbCdEf'],
      ['FullAWSAccess'],
    ]);
    expect(levels[0]?.[1]).toEqual({
      id: 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-regiondeny1',
      name: 'region-deny',
      content: REGION_DENY,
      description: 'Deny outside EU',
    });
    expect(levels[0]?.[0]?.id).toBe('arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess');
  });

  it('follows NextToken when a level has more SCPs than one page', async () => {
    // Prepare
    const source = createOrganizationsScpSource({ client: client(), cacheTtlMs: 60_000 });

    // Act
    await source.scpsForAccount('111122223333');

    // Assess
    const pages = server.requests.filter((r) => r.operation === 'ListPoliciesForTarget' && r.params.TargetId === 'ou-ab12-prod1234');
    expect(pages.map((r) => r.params.NextToken === undefined)).toEqual([true, false]);
    expect(pages.every((r) => r.params.Filter === 'SERVICE_CONTROL_POLICY')).toBe(true);
  });

  it('serves repeated and sibling lookups from the cache until the TTL passes', async () => {
    // Prepare
    let clock = 1_000_000;
    const source = createOrganizationsScpSource({ client: client(), cacheTtlMs: 60_000, now: () => clock });
    await source.scpsForAccount('111122223333');
    const first = server.requests.length;

    // Act
    await source.scpsForAccount('111122223333');
    const afterRepeat = server.requests.length;
    await source.scpsForAccount('444455556666');
    const sibling = server.requests.slice(afterRepeat).map((r) => `${r.operation}:${String(r.params.ChildId ?? r.params.TargetId ?? r.params.PolicyId)}`);
    clock += 60_001;
    await source.scpsForAccount('111122223333');

    // Assess
    expect(first).toBe(3 + 5 + 4); // ListParents ×3, ListPoliciesForTarget ×5 pages, DescribePolicy ×4 distinct
    expect(afterRepeat).toBe(first);
    expect(sibling).toEqual(['ListParents:444455556666', 'ListPoliciesForTarget:444455556666']);
    expect(server.requests.length - afterRepeat - sibling.length).toBe(first);
  });

  it('returns a reason naming the call when Organizations refuses, and retries next time', async () => {
    // Prepare
    const source = createOrganizationsScpSource({ client: client(), cacheTtlMs: 60_000 });
    server.failWith({ status: 400, type: 'AccessDeniedException', message: 'You don’t have permissions to access this resource.' });

    // Act
    const denied = await source.scpsForAccount('111122223333');
    server.failWith(null);
    const retried = await source.scpsForAccount('111122223333');

    // Assess
    expect(denied).toEqual({ ok: false, reason: expect.stringMatching(/^ListParents\(111122223333\) failed: AccessDeniedException/) });
    expect(retried.ok).toBe(true);
  });

  it.each([
    ['an account outside the organization', '777788889999', /^ListParents\(777788889999\) failed: ChildNotFoundException/],
    ['a malformed account ID', '1234', /^not an AWS account ID/],
  ])('returns a reason for %s', async (_name, accountId, reason) => {
    // Prepare
    const source = createOrganizationsScpSource({ client: client(), cacheTtlMs: 0 });

    // Act
    const result = await source.scpsForAccount(accountId);

    // Assess
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });

  it('feeds suggestFix a set it can verify', async () => {
    // Prepare
    const source = createOrganizationsScpSource({ client: client(), cacheTtlMs: 60_000 });
    const levels = await source.scpsForAccount('111122223333');

    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), {
      catalog: loadBundledCatalog(),
      lang: 'en',
      scps: levels.ok ? levels.value : [],
    });

    // Assess
    expect(fix.verification.status).toBe('verified');
    expect(fix.scp?.policyArn).toBe('arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-regiondeny1');
    expect(fix.scp?.policyName).toBe('region-deny');
  });
});

describe('createOrganizationsClient', () => {
  it('reads with a session of ORG_READ_ROLE_ARN, assumed once', async () => {
    // Prepare
    const organizations = createOrganizationsClient({
      roleArn: 'arn:aws:iam::999988887777:role/CrisAuditorOrgRead',
      endpoint: server.endpoint,
      sts: new STSClient({ region: 'us-east-1', endpoint: server.endpoint }),
    });
    const source = createOrganizationsScpSource({ client: organizations, cacheTtlMs: 0 });

    // Act
    const result = await source.scpsForAccount('111122223333');
    await source.scpsForAccount('444455556666');

    // Assess
    expect(result.ok).toBe(true);
    expect(server.requests.filter((r) => r.operation === 'sts:AssumeRole').map((r) => r.params.RoleArn)).toEqual([
      'arn:aws:iam::999988887777:role/CrisAuditorOrgRead',
    ]);
    const signers = new Set(server.requests.filter((r) => r.operation !== 'sts:AssumeRole').map((r) => r.accessKeyId));
    expect([...signers]).toEqual(['ASIA999988887777']);
  });

  it('reaches the endpoint named by AWS_ENDPOINT_URL_ORGANIZATIONS', async () => {
    // Prepare
    const previous = process.env.AWS_ENDPOINT_URL_ORGANIZATIONS;
    process.env.AWS_ENDPOINT_URL_ORGANIZATIONS = server.endpoint;
    try {
      const source = createOrganizationsScpSource({ client: createOrganizationsClient({ roleArn: null }), cacheTtlMs: 0 });

      // Act
      const result = await source.scpsForAccount('111122223333');

      // Assess
      expect(result.ok).toBe(true);
      expect(server.requests[0]?.accessKeyId).toBe('test');
    } finally {
      if (previous === undefined) delete process.env.AWS_ENDPOINT_URL_ORGANIZATIONS;
      else process.env.AWS_ENDPOINT_URL_ORGANIZATIONS = previous;
    }
  });
});
