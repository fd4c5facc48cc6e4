import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildOrgRefreshDependencies, createOrgRefreshHandler } from '../../functions/refresh.js';
import { createDynamoDbOrgSnapshotStore } from '../../shared/adapters/dynamodb-org-snapshot-store.js';
import { japanOrganization } from '../fixtures/org/model.js';
import { japanSnapshot } from '../fixtures/org/snapshot.js';
import { startDynalite, type LocalDynamoDb } from '../helpers/dynalite.js';
import { startOrganizationsServer, type OrganizationsServer } from '../helpers/organizations-server.js';

const context = { functionName: 'cris-auditor-test-org-refresh', awsRequestId: 'request-1', getRemainingTimeInMillis: () => 300_000 } as unknown as Context;

describe('refresh function (dynalite, loopback Organizations through the org read role)', () => {
  let db: LocalDynamoDb;
  let organizations: OrganizationsServer;

  beforeAll(async () => {
    [db, organizations] = await Promise.all([startDynalite(), startOrganizationsServer(japanOrganization(), { pageSize: 2, emptyFirstPage: true })]);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await Promise.all([db.stop(), organizations.close()]);
  });

  it('reads the whole tree through the assumed role, throttled and paginated, and replaces the stored snapshot', async () => {
    // Prepare: a stored snapshot from yesterday, one throttled call on the way
    await db.createTable('org-refresh');
    const store = createDynamoDbOrgSnapshotStore({ client: db.client, tableName: 'org-refresh' });
    await store.save(japanSnapshot('2026-11-30T00:00:00.000Z'), null);
    organizations.throttleNext(1);
    vi.stubEnv('TABLE_NAME', 'org-refresh');
    vi.stubEnv('ORG_READ_ROLE_ARN', 'arn:aws:iam::999988887777:role/cris-auditor-org-read');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', db.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_ORGANIZATIONS', organizations.endpoint);
    vi.stubEnv('AWS_ENDPOINT_URL_STS', organizations.endpoint);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    const handler = createOrgRefreshHandler(() => buildOrgRefreshDependencies());

    // Act
    const outcome = await handler({}, context);

    // Assess: the tree as Organizations serves it, stored as version 2
    const { takenAt: _taken, ...read } = (await store.load())?.snapshot ?? japanSnapshot();
    const { takenAt: _expectedTaken, ...expected } = japanSnapshot();
    expect(outcome).toMatchObject({ version: 2, accounts: 12, organizationalUnits: 3, policies: 3 });
    expect(read).toEqual(expected);
    expect(organizations.throttled()).toBe(1);
    expect(new Set(organizations.requests.filter((r) => r.operation !== 'sts:AssumeRole').map((r) => r.accessKeyId))).toEqual(new Set(['ASIA999988887777']));
  });
});
