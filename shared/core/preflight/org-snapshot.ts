/**
 * The organization snapshot (`cris-audit org snapshot --out org.json`): the tree of roots, OUs and
 * accounts with the SCPs attached to each, read once from AWS Organizations and reused offline
 * (`--org org.json`), by the daily refresh and by the SCP-change guard. docs/preflight.md documents
 * the format; {@link parseOrgSnapshot} validates it.
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListOrganizationalUnitsForParent.html
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListPoliciesForTarget.html
 */
import type { Result, ScpDocument } from '../types.js';
import type { PreflightTarget } from './types.js';

/** The `format` marker of a snapshot file. */
export const ORG_SNAPSHOT_FORMAT = 'cris-auditor/org-snapshot';
/** The version this release writes and reads. */
export const ORG_SNAPSHOT_VERSION = 1;

/** An SCP as `DescribePolicy` returns it. */
export interface SnapshotPolicy {
  id: string;
  arn: string;
  name: string;
  description: string;
  awsManaged: boolean;
  /** The policy document exactly as stored (JSON text). */
  content: string;
}

/** A root, OU or account, with the IDs of the SCPs attached directly to it. */
export interface SnapshotNode {
  id: string;
  name: string;
  /** Null for a root. */
  parentId: string | null;
  policyIds: string[];
}

/** An account of the snapshot. */
export interface SnapshotAccount extends SnapshotNode {
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, … as Organizations reports it. */
  status: string | null;
}

/** An organization snapshot. */
export interface OrgSnapshot {
  format: typeof ORG_SNAPSHOT_FORMAT;
  version: typeof ORG_SNAPSHOT_VERSION;
  /** ISO 8601 time the reading finished. */
  takenAt: string;
  organizationId: string | null;
  managementAccountId: string | null;
  roots: SnapshotNode[];
  organizationalUnits: SnapshotNode[];
  accounts: SnapshotAccount[];
  policies: SnapshotPolicy[];
}

/** Organizations allows five levels of OUs under the root. */
const MAX_OU_DEPTH = 5;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown, where: string): Result<string> {
  return typeof value === 'string' ? { ok: true, value } : { ok: false, reason: `${where} must be a string` };
}

function node(value: unknown, where: string, kind: 'root' | 'ou' | 'account'): Result<SnapshotAccount> {
  if (!isObject(value)) return { ok: false, reason: `${where} must be an object` };
  const id = text(value.id, `${where}.id`);
  if (!id.ok) return id;
  const pattern = kind === 'root' ? /^r-[0-9a-z]{4,32}$/ : kind === 'ou' ? /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/ : /^\d{12}$/;
  if (!pattern.test(id.value)) return { ok: false, reason: `${where}.id ${JSON.stringify(id.value)} is not a valid ${kind === 'ou' ? 'OU' : kind} ID` };
  const name = typeof value.name === 'string' ? value.name : '';
  const parentId = value.parentId ?? null;
  if (kind !== 'root' && typeof parentId !== 'string') return { ok: false, reason: `${where}.parentId must be a string` };
  const policyIds = value.policyIds;
  if (!Array.isArray(policyIds) || !policyIds.every((p) => typeof p === 'string')) {
    return { ok: false, reason: `${where}.policyIds must be an array of policy IDs` };
  }
  const status = typeof value.status === 'string' ? value.status : null;
  return { ok: true, value: { id: id.value, name, parentId: kind === 'root' ? null : (parentId as string), policyIds: [...policyIds] as string[], status } };
}

function nodes<T>(value: unknown, field: string, parse: (item: unknown, where: string) => Result<T>): Result<T[]> {
  if (!Array.isArray(value)) return { ok: false, reason: `${field} must be an array` };
  const out: T[] = [];
  for (const [index, item] of value.entries()) {
    const parsed = parse(item, `${field}[${index}]`);
    if (!parsed.ok) return parsed;
    out.push(parsed.value);
  }
  return { ok: true, value: out };
}

function policy(value: unknown, where: string): Result<SnapshotPolicy> {
  if (!isObject(value)) return { ok: false, reason: `${where} must be an object` };
  const id = text(value.id, `${where}.id`);
  if (!id.ok) return id;
  const content = text(value.content, `${where}.content`);
  if (!content.ok) return content;
  return {
    ok: true,
    value: {
      id: id.value,
      arn: typeof value.arn === 'string' ? value.arn : id.value,
      name: typeof value.name === 'string' ? value.name : id.value,
      description: typeof value.description === 'string' ? value.description : '',
      awsManaged: value.awsManaged === true,
      content: content.value,
    },
  };
}

/**
 * Validates a parsed snapshot file. Expected failures are values naming the field: wrong format or
 * version, a node whose parent is missing, a policy ID no policy entry has, an OU cycle, a tree
 * deeper than Organizations allows.
 */
export function parseOrgSnapshot(value: unknown): Result<OrgSnapshot> {
  if (!isObject(value)) return { ok: false, reason: 'the snapshot must be a JSON object' };
  if (value.format !== ORG_SNAPSHOT_FORMAT) {
    return { ok: false, reason: `format must be "${ORG_SNAPSHOT_FORMAT}" (write one with \`cris-audit org snapshot --out FILE\`)` };
  }
  if (value.version !== ORG_SNAPSHOT_VERSION) return { ok: false, reason: `version ${JSON.stringify(value.version)} is not supported (this release reads ${ORG_SNAPSHOT_VERSION})` };
  const roots = nodes(value.roots, 'roots', (item, where) => node(item, where, 'root'));
  if (!roots.ok) return roots;
  if (roots.value.length === 0) return { ok: false, reason: 'roots is empty: an organization has one root' };
  const ous = nodes(value.organizationalUnits, 'organizationalUnits', (item, where) => node(item, where, 'ou'));
  if (!ous.ok) return ous;
  const accounts = nodes(value.accounts, 'accounts', (item, where) => node(item, where, 'account'));
  if (!accounts.ok) return accounts;
  const policies = nodes(value.policies, 'policies', policy);
  if (!policies.ok) return policies;
  const policyIds = new Set(policies.value.map((p) => p.id));
  const containers = new Set([...roots.value, ...ous.value].map((n) => n.id));
  const all: [string, SnapshotAccount[]][] = [['roots', roots.value], ['organizationalUnits', ous.value], ['accounts', accounts.value]];
  const ids = new Set<string>();
  for (const [field, list] of all) {
    for (const [index, item] of list.entries()) {
      if (ids.has(item.id)) return { ok: false, reason: `${field}[${index}].id ${item.id} appears twice` };
      ids.add(item.id);
      if (item.parentId !== null && !containers.has(item.parentId)) {
        return { ok: false, reason: `${field}[${index}] (${item.id}): parent ${item.parentId} is not a root or OU of the snapshot` };
      }
      const missing = item.policyIds.find((id) => !policyIds.has(id));
      if (missing !== undefined) return { ok: false, reason: `${field}[${index}] (${item.id}): policy ${missing} is not in policies` };
    }
  }
  const parents = new Map(ous.value.map((ou) => [ou.id, ou.parentId as string]));
  for (const ou of ous.value) {
    let depth = 0;
    for (let at: string | undefined = ou.id; at !== undefined && !at.startsWith('r-'); at = parents.get(at)) {
      depth += 1;
      if (depth > MAX_OU_DEPTH) return { ok: false, reason: `organizationalUnits: ${ou.id} is deeper than ${MAX_OU_DEPTH} levels or in a cycle` };
    }
  }
  const takenAt = typeof value.takenAt === 'string' ? value.takenAt : '';
  return {
    ok: true,
    value: {
      format: ORG_SNAPSHOT_FORMAT,
      version: ORG_SNAPSHOT_VERSION,
      takenAt,
      organizationId: typeof value.organizationId === 'string' ? value.organizationId : null,
      managementAccountId: typeof value.managementAccountId === 'string' ? value.managementAccountId : null,
      roots: roots.value.map(({ status: _status, ...rest }) => rest),
      organizationalUnits: ous.value.map(({ status: _status, ...rest }) => rest),
      accounts: accounts.value,
      policies: policies.value,
    },
  };
}

/** The SCP documents of a node, in the order they are attached. */
function documentsOf(byId: Map<string, SnapshotPolicy>, node: SnapshotNode): ScpDocument[] {
  return node.policyIds.flatMap((id) => {
    const found = byId.get(id);
    return found === undefined ? [] : [{ id: found.arn, name: found.name, content: found.content, description: found.description }];
  });
}

/** Options of {@link snapshotTargets}. */
export interface SnapshotTargetsOptions {
  /** Include OUs as targets (default true): the chain a new account placed there would get. */
  ous?: boolean;
  /** Include accounts that are not `ACTIVE` (default false). */
  inactiveAccounts?: boolean;
}

/**
 * Every OU and account of a validated snapshot as a preflight target, depth first from each root
 * (an OU, then its accounts, then its child OUs). An OU's chain ends at the OU: it is what an
 * account placed there would get if its own SCPs allow everything (`FullAWSAccess`).
 */
export function snapshotTargets(snapshot: OrgSnapshot, options: SnapshotTargetsOptions = {}): PreflightTarget[] {
  const byId = new Map(snapshot.policies.map((p) => [p.id, p]));
  const children = new Map<string, SnapshotNode[]>();
  const accountsOf = new Map<string, SnapshotAccount[]>();
  for (const ou of snapshot.organizationalUnits) children.set(ou.parentId as string, [...(children.get(ou.parentId as string) ?? []), ou]);
  for (const account of snapshot.accounts) {
    if (options.inactiveAccounts !== true && account.status !== null && account.status !== 'ACTIVE') continue;
    accountsOf.set(account.parentId as string, [...(accountsOf.get(account.parentId as string) ?? []), account]);
  }
  const targets: PreflightTarget[] = [];
  const walk = (container: SnapshotNode, path: SnapshotNode[], levels: ScpDocument[][]): void => {
    const own = [...levels, documentsOf(byId, container)];
    const ids = path.map((n) => n.id);
    if (container.parentId !== null && options.ous !== false) {
      targets.push({ id: container.id, name: container.name || null, kind: 'ou', path: ids, levels: own });
    }
    for (const account of [...(accountsOf.get(container.id) ?? [])].sort((a, b) => a.id.localeCompare(b.id))) {
      targets.push({
        id: account.id,
        name: account.name || null,
        kind: 'account',
        path: [...ids, container.id],
        levels: [...own, documentsOf(byId, account)],
      });
    }
    for (const child of [...(children.get(container.id) ?? [])].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))) {
      walk(child, [...path, container], own);
    }
  };
  for (const root of snapshot.roots) walk(root, [], []);
  return targets;
}
