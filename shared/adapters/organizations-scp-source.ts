import {
  DescribePolicyCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  OrganizationsClient,
  type PolicySummary,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CrisAuditorError } from '../core/errors.js';
import type { Result, ScpDocument } from '../core/types.js';

/**
 * Reads the SCPs in force for an account from AWS Organizations: the chain of parents up to the
 * root (`ListParents`), the SCPs attached at each level (`ListPoliciesForTarget` with
 * `SERVICE_CONTROL_POLICY`) and their documents (`DescribePolicy`). Results are cached in memory
 * for `cacheTtlMs` per target and per policy, so accounts sharing OUs cost few calls.
 * Runs in the management account or a delegated administrator, usually through a read-only role
 * (`ORG_READ_ROLE_ARN`, see {@link createOrganizationsClient}).
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPoliciesForTarget.html
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribePolicy.html
 */

/** Port: the SCP levels (root → account) in force for one account. */
export interface ScpSource {
  /**
   * SCP documents by level, root first and the account last. Expected failures (no access, not in
   * an organization, unknown account) are values whose reason names the call and the target.
   */
  scpsForAccount(accountId: string): Promise<Result<ScpDocument[][]>>;
}

/** Options of {@link createOrganizationsScpSource}. */
export interface OrganizationsScpSourceOptions {
  client: OrganizationsClient;
  /** How long parents, attachments and documents stay cached; 0 disables the cache. */
  cacheTtlMs: number;
  /** Current time (tests); defaults to `Date.now`. */
  now?: () => number;
  /** Levels walked before giving up (Organizations allows five OU levels under the root). */
  maxDepth?: number;
}

interface Entry<T> {
  expires: number;
  value: Promise<T>;
}

/** A failed Organizations call turned into a value. */
class LookupFailure extends CrisAuditorError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LookupFailure';
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** Creates an {@link ScpSource} over an `OrganizationsClient`. */
export function createOrganizationsScpSource(options: OrganizationsScpSourceOptions): ScpSource {
  const { client } = options;
  const now = options.now ?? Date.now;
  const maxDepth = options.maxDepth ?? 8;
  const cache = new Map<string, Entry<unknown>>();

  function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = cache.get(key);
    if (hit !== undefined && hit.expires > now()) return hit.value as Promise<T>;
    const value = load();
    cache.set(key, { expires: now() + options.cacheTtlMs, value });
    // A failure is not cached: the next call retries.
    value.catch(() => cache.delete(key));
    return value;
  }

  async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw new LookupFailure(`${what} failed: ${describeError(error)}`, { cause: error });
    }
  }

  function parentOf(childId: string): Promise<{ id: string; type: string } | null> {
    return cached(`parent:${childId}`, async () => {
      const output = await call(`ListParents(${childId})`, () => client.send(new ListParentsCommand({ ChildId: childId })));
      const parent = output.Parents?.[0];
      return parent?.Id === undefined ? null : { id: parent.Id, type: parent.Type ?? '' };
    });
  }

  function policiesOf(targetId: string): Promise<PolicySummary[]> {
    return cached(`policies:${targetId}`, async () => {
      const summaries: PolicySummary[] = [];
      let token: string | undefined;
      do {
        const output = await call(`ListPoliciesForTarget(${targetId})`, () =>
          client.send(new ListPoliciesForTargetCommand({ TargetId: targetId, Filter: 'SERVICE_CONTROL_POLICY', NextToken: token })),
        );
        summaries.push(...(output.Policies ?? []));
        token = output.NextToken;
      } while (token !== undefined && token !== '');
      return summaries;
    });
  }

  function documentOf(summary: PolicySummary): Promise<ScpDocument> {
    const policyId = summary.Id ?? '';
    return cached(`policy:${policyId}`, async () => {
      const output = await call(`DescribePolicy(${policyId})`, () => client.send(new DescribePolicyCommand({ PolicyId: policyId })));
      const policy = output.Policy;
      const described = policy?.PolicySummary;
      return {
        id: described?.Arn ?? summary.Arn ?? policyId,
        name: described?.Name ?? summary.Name ?? null,
        content: policy?.Content ?? '',
        description: described?.Description ?? summary.Description ?? null,
      };
    });
  }

  async function levelsFor(accountId: string): Promise<ScpDocument[][]> {
    const targets = [accountId];
    let child = accountId;
    for (let depth = 0; ; depth += 1) {
      if (depth >= maxDepth) throw new LookupFailure(`ListParents(${accountId}): no root within ${maxDepth} levels`);
      const parent = await parentOf(child);
      if (parent === null) throw new LookupFailure(`ListParents(${child}) returned no parent`);
      targets.unshift(parent.id);
      if (parent.type === 'ROOT') break;
      child = parent.id;
    }
    return Promise.all(
      targets.map(async (target) => Promise.all((await policiesOf(target)).map((summary) => documentOf(summary)))),
    );
  }

  return {
    async scpsForAccount(accountId) {
      if (!/^\d{12}$/.test(accountId)) return { ok: false, reason: `not an AWS account ID: ${JSON.stringify(accountId)}` };
      try {
        const levels = await cached(`levels:${accountId}`, () => levelsFor(accountId));
        return { ok: true, value: levels };
      } catch (error) {
        if (error instanceof LookupFailure) return { ok: false, reason: error.message };
        throw error;
      }
    },
  };
}

/** Options of {@link createOrganizationsClient}. */
export interface OrganizationsClientOptions {
  /** `ORG_READ_ROLE_ARN`: role in the management or delegated administrator account; null to use own credentials. */
  roleArn: string | null;
  /** Region of the clients; Organizations is served from us-east-1 in the commercial partition. */
  region?: string;
  /** Explicit Organizations endpoint (tests); otherwise the SDK's own resolution (`AWS_ENDPOINT_URL_ORGANIZATIONS`). */
  endpoint?: string;
  /** STS client used to assume the role; defaults to one in `region`. */
  sts?: STSClient;
  /** Session name shown in the management account's CloudTrail. */
  sessionName?: string;
  /** Current time, for credential expiry; defaults to `Date.now`. */
  now?: () => number;
  /** Attempts per call, the first included (the SDK default is 3; the tree reader wants more). */
  maxAttempts?: number;
}

/** Thrown when the SCP read role cannot be assumed; the message names the role. */
export class OrganizationsRoleError extends CrisAuditorError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OrganizationsRoleError';
  }
}

/**
 * Builds the `OrganizationsClient` the SCP source reads with: own credentials, or a session of
 * `roleArn` assumed through STS and refreshed five minutes before it expires.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_integrate_delegated_admin.html
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export function createOrganizationsClient(options: OrganizationsClientOptions): OrganizationsClient {
  const region = options.region ?? (options.roleArn?.startsWith('arn:aws-us-gov:') ? 'us-gov-west-1' : 'us-east-1');
  const now = options.now ?? Date.now;
  const roleArn = options.roleArn;
  let session: Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date }> | null = null;
  let sts = options.sts;

  async function assume() {
    sts ??= new STSClient({ region });
    try {
      const output = await sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn ?? '', RoleSessionName: options.sessionName ?? 'cris-auditor-scp-read', DurationSeconds: 3600 }),
      );
      const c = output.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
        throw new OrganizationsRoleError(`AssumeRole ${roleArn ?? ''} returned no credentials`);
      }
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    } catch (error) {
      session = null;
      if (error instanceof OrganizationsRoleError) throw error;
      throw new OrganizationsRoleError(`cannot assume ORG_READ_ROLE_ARN ${roleArn ?? ''}: ${describeError(error)}`, { cause: error });
    }
  }

  const credentials = async () => {
    if (session !== null) {
      const current = await session;
      if (current.expiration.getTime() - now() > 5 * 60_000) return current;
    }
    session = assume();
    return session;
  };

  return new OrganizationsClient({
    region,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(roleArn === null || roleArn === '' ? {} : { credentials }),
  });
}
