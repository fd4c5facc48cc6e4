import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrgSnapshotStoreError, createDynamoDbOrgSnapshotStore } from '../shared/adapters/dynamodb-org-snapshot-store.js';
import { createOrganizationsClient } from '../shared/adapters/organizations-scp-source.js';
import { ORG_READ_MAX_ATTEMPTS, readOrgSnapshot } from '../shared/adapters/organizations-tree.js';
import { CrisAuditorError } from '../shared/core/errors.js';
import type { OrgSnapshotStore } from '../shared/core/ports.js';
import type { OrgSnapshot } from '../shared/core/preflight/index.js';
import { loadOrgRefreshConfig } from '../shared/runtime/config.js';
import { logger, withRuntime } from '../shared/runtime/middleware.js';

/** What the refresh needs: a reader of the tree and the store. */
export interface OrgRefreshDependencies {
  read: () => Promise<OrgSnapshot>;
  store: OrgSnapshotStore;
}

/** What one refresh did. */
export interface OrgRefreshOutcome {
  version: number;
  accounts: number;
  organizationalUnits: number;
  policies: number;
  takenAt: string;
}

/** Builds the refresh's dependencies from its configuration. */
export function buildOrgRefreshDependencies(env: Record<string, string | undefined> = process.env): OrgRefreshDependencies {
  const config = loadOrgRefreshConfig(env);
  const client = createOrganizationsClient({ roleArn: config.orgReadRoleArn, sessionName: 'cris-auditor-refresh', maxAttempts: ORG_READ_MAX_ATTEMPTS });
  return {
    read: () => readOrgSnapshot({ client }),
    store: createDynamoDbOrgSnapshotStore({ client: new DynamoDBClient({}), tableName: config.tableName }),
  };
}

/** The stored version, also when the stored snapshot cannot be read back (the refresh repairs it). */
async function storedVersion(store: OrgSnapshotStore): Promise<number | null> {
  try {
    return (await store.load())?.version ?? null;
  } catch (error) {
    if (error instanceof OrgSnapshotStoreError && error.version !== null) {
      logger.warn('Stored snapshot unreadable; the refresh replaces it', { reason: error.message });
      return error.version;
    }
    throw error;
  }
}

/**
 * Reads the whole tree and replaces the stored snapshot. The version is taken before the read: a
 * conflict on save means a guard saved a change while the tree was being read (which the read may
 * have missed), so the tree is read again, up to three times in all.
 */
export function createOrgRefreshHandler(dependencies: OrgRefreshDependencies | (() => OrgRefreshDependencies)) {
  let resolved: OrgRefreshDependencies | null = typeof dependencies === 'function' ? null : dependencies;
  return withRuntime(
    async (): Promise<OrgRefreshOutcome> => {
      resolved ??= (dependencies as () => OrgRefreshDependencies)();
      for (let round = 0; round < 3; round += 1) {
        const expected = await storedVersion(resolved.store);
        const snapshot = await resolved.read();
        const saved = await resolved.store.save(snapshot, expected);
        if (saved.ok) {
          const outcome = { version: saved.version, accounts: snapshot.accounts.length, organizationalUnits: snapshot.organizationalUnits.length, policies: snapshot.policies.length, takenAt: snapshot.takenAt };
          logger.info('Organization snapshot refreshed', { ...outcome });
          return outcome;
        }
        logger.info('A change was saved during the read; reading the tree again', { expected, current: saved.currentVersion });
      }
      throw new CrisAuditorError('the stored organization snapshot kept changing during the refresh; the next run retries');
    },
    { name: 'refresh' },
  );
}

/** Lambda entry point (`functions/refresh.handler`), invoked daily by EventBridge Scheduler. */
export const handler = createOrgRefreshHandler(() => buildOrgRefreshDependencies());
