import {
  DescribePolicyCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { CrisAuditorError } from '../core/errors.js';
import {
  ORG_SNAPSHOT_FORMAT,
  ORG_SNAPSHOT_VERSION,
  type OrgSnapshot,
  type SnapshotAccount,
  type SnapshotNode,
  type SnapshotPolicy,
} from '../core/preflight/index.js';
import type { PolicyDescriber } from '../core/guard/index.js';

/**
 * Reads the whole organization tree once into an {@link OrgSnapshot}: `ListRoots`, then per parent
 * `ListOrganizationalUnitsForParent` and `ListAccountsForParent`, per root/OU/account
 * `ListPoliciesForTarget` (`SERVICE_CONTROL_POLICY`), and `DescribePolicy` once per distinct policy.
 * Every list call follows `NextToken` until it is absent (Organizations may return an empty page
 * with a token). Throttling (`TooManyRequestsException`) is retried by the client's retry strategy;
 * build the client with a generous `maxAttempts` ({@link ORG_READ_MAX_ATTEMPTS}).
 * Runs with the caller's credentials in the management account or a delegated administrator.
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListRoots.html
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListOrganizationalUnitsForParent.html
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccountsForParent.html
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPoliciesForTarget.html
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribePolicy.html
 */

/** Attempts per call (the first and the retries) the snapshot reader's client should make. */
export const ORG_READ_MAX_ATTEMPTS = 10;

/** Progress of a reading, reported after every call. */
export interface OrgReadProgress {
  calls: number;
  roots: number;
  organizationalUnits: number;
  accounts: number;
  policies: number;
  /** Targets whose SCP attachments are read, of those known so far. */
  targetsRead: number;
  targetsKnown: number;
}

/** Options of {@link readOrgSnapshot}. */
export interface ReadOrgSnapshotOptions {
  client: OrganizationsClient;
  /** Calls in flight at once (default 4: Organizations throttles per account). */
  concurrency?: number;
  onProgress?: (progress: OrgReadProgress) => void;
  /** Time the snapshot is stamped with; defaults to now. */
  now?: () => Date;
}

/** A call to Organizations failed for good; the message names the call and the target. */
export class OrgReadError extends CrisAuditorError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrgReadError';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs `tasks` with at most `limit` in flight, in order of submission. */
function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = (): void => {
    if (active >= limit) return;
    const start = queue.shift();
    if (start !== undefined) start();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        active += 1;
        task()
          .then(resolve, reject)
          .finally(() => {
            active -= 1;
            next();
          });
      });
      next();
    });
}

/** Reads the organization. Throws {@link OrgReadError} naming the call that failed after its retries. */
export async function readOrgSnapshot(options: ReadOrgSnapshotOptions): Promise<OrgSnapshot> {
  const { client } = options;
  const limit = createLimiter(Math.max(1, options.concurrency ?? 4));
  const progress: OrgReadProgress = { calls: 0, roots: 0, organizationalUnits: 0, accounts: 0, policies: 0, targetsRead: 0, targetsKnown: 0 };
  const report = (): void => options.onProgress?.({ ...progress });

  async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await limit(run);
    } catch (error) {
      throw new OrgReadError(`${what} failed: ${describe(error)}`, { cause: error });
    } finally {
      progress.calls += 1;
      report();
    }
  }

  async function pages<T>(what: string, fetch: (token: string | undefined) => Promise<{ items: T[] | undefined; next: string | undefined }>): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    let count = 0;
    do {
      const page = await call(what, () => fetch(token));
      items.push(...(page.items ?? []));
      token = page.next === '' ? undefined : page.next;
      count += 1;
      if (count > 100_000) throw new OrgReadError(`${what}: NextToken never ended`);
    } while (token !== undefined);
    return items;
  }

  const roots = await pages('ListRoots', async (NextToken) => {
    const out = await client.send(new ListRootsCommand({ NextToken }));
    return { items: out.Roots, next: out.NextToken };
  });
  progress.roots = roots.length;
  const rootArn = roots[0]?.Arn ?? '';
  const arnMatch = /^arn:[^:]+:organizations::(\d{12}):root\/(o-[a-z0-9]+)\//.exec(rootArn);

  const rootNodes: SnapshotNode[] = roots.map((root) => ({ id: root.Id ?? '', name: root.Name ?? '', parentId: null, policyIds: [] }));
  const ous: SnapshotNode[] = [];
  const accounts: SnapshotAccount[] = [];

  async function walk(parentId: string): Promise<void> {
    const [children, members] = await Promise.all([
      pages(`ListOrganizationalUnitsForParent(${parentId})`, async (NextToken) => {
        const out = await client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken }));
        return { items: out.OrganizationalUnits, next: out.NextToken };
      }),
      pages(`ListAccountsForParent(${parentId})`, async (NextToken) => {
        const out = await client.send(new ListAccountsForParentCommand({ ParentId: parentId, NextToken }));
        return { items: out.Accounts, next: out.NextToken };
      }),
    ]);
    for (const account of members) {
      accounts.push({ id: account.Id ?? '', name: account.Name ?? '', parentId, policyIds: [], status: account.State ?? account.Status ?? null });
    }
    const childNodes = children.map((ou) => ({ id: ou.Id ?? '', name: ou.Name ?? '', parentId, policyIds: [] as string[] }));
    ous.push(...childNodes);
    progress.organizationalUnits = ous.length;
    progress.accounts = accounts.length;
    await Promise.all(childNodes.map((child) => walk(child.id)));
  }
  await Promise.all(rootNodes.map((root) => walk(root.id)));

  const targets: SnapshotNode[] = [...rootNodes, ...ous, ...accounts];
  progress.targetsKnown = targets.length;
  const summaries = new Map<string, { arn: string; name: string; description: string; awsManaged: boolean }>();
  await Promise.all(
    targets.map(async (target) => {
      const attached = await pages(`ListPoliciesForTarget(${target.id})`, async (NextToken) => {
        const out = await client.send(new ListPoliciesForTargetCommand({ TargetId: target.id, Filter: 'SERVICE_CONTROL_POLICY', NextToken }));
        return { items: out.Policies, next: out.NextToken };
      });
      target.policyIds = attached.map((p) => p.Id ?? '').filter((id) => id !== '');
      for (const p of attached) {
        if (p.Id !== undefined && !summaries.has(p.Id)) {
          summaries.set(p.Id, { arn: p.Arn ?? p.Id, name: p.Name ?? p.Id, description: p.Description ?? '', awsManaged: p.AwsManaged === true });
        }
      }
      progress.targetsRead += 1;
    }),
  );

  const policies: SnapshotPolicy[] = await Promise.all(
    [...summaries.entries()].map(async ([id, summary]) => {
      const out = await call(`DescribePolicy(${id})`, () => client.send(new DescribePolicyCommand({ PolicyId: id })));
      progress.policies += 1;
      const described = out.Policy?.PolicySummary;
      return {
        id,
        arn: described?.Arn ?? summary.arn,
        name: described?.Name ?? summary.name,
        description: described?.Description ?? summary.description,
        awsManaged: described?.AwsManaged ?? summary.awsManaged,
        content: out.Policy?.Content ?? '',
      };
    }),
  );
  report();

  const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    format: ORG_SNAPSHOT_FORMAT,
    version: ORG_SNAPSHOT_VERSION,
    takenAt: (options.now?.() ?? new Date()).toISOString(),
    organizationId: arnMatch?.[2] ?? null,
    managementAccountId: arnMatch?.[1] ?? null,
    roots: rootNodes.sort(byId),
    organizationalUnits: ous.sort(byId),
    accounts: accounts.sort(byId),
    policies: policies.sort(byId),
  };
}

/**
 * `DescribePolicy` for the guard: the policy an `AttachPolicy` event names when the snapshot does not
 * hold it, with its type (only SCPs matter). Null when Organizations answers
 * `PolicyNotFoundException` (deleted since); `AccessDeniedException` is read as "not an SCP" (the
 * org read role may describe SCPs only, so a tag or backup policy is refused); other failures throw
 * {@link OrgReadError}.
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribePolicy.html
 */
export function createPolicyDescriber(client: OrganizationsClient): PolicyDescriber {
  return async (policyId) => {
    let out;
    try {
      out = await client.send(new DescribePolicyCommand({ PolicyId: policyId }));
    } catch (error) {
      const name = (error as { name?: unknown } | null)?.name;
      if (name === 'PolicyNotFoundException') return null;
      // The org read role may describe SCPs only (infra/org-read-role.yml): a refusal means another policy type.
      if (name === 'AccessDeniedException') return { type: 'not readable as an SCP (DescribePolicy: AccessDeniedException)', policy: { id: policyId, arn: policyId, name: policyId, description: '', awsManaged: false, content: '' } };
      throw new OrgReadError(`DescribePolicy(${policyId}) failed: ${describe(error)}`, { cause: error });
    }
    const summary = out.Policy?.PolicySummary;
    return {
      type: summary?.Type ?? 'UNKNOWN',
      policy: {
        id: summary?.Id ?? policyId,
        arn: summary?.Arn ?? policyId,
        name: summary?.Name ?? policyId,
        description: summary?.Description ?? '',
        awsManaged: summary?.AwsManaged === true,
        content: out.Policy?.Content ?? '',
      },
    };
  };
}
