import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';

/**
 * A loopback AWS Organizations endpoint speaking the real JSON 1.1 protocol (`X-Amz-Target:
 * AWSOrganizationsV20161128.<Operation>`) for `ListParents`, `ListPoliciesForTarget`,
 * `DescribePolicy` and the tree calls `ListRoots`, `ListOrganizationalUnitsForParent` and
 * `ListAccountsForParent`, with `NextToken` pagination (`MaxResults` 1–20 as the API allows;
 * optionally an empty page carrying a token, which the API documents it may return) and throttling
 * (`TooManyRequestsException`, HTTP 400, from a token bucket or on demand), so the real
 * `OrganizationsClient` is tested without mocks. It also answers STS `AssumeRole` (Query protocol) so a client built with an
 * assumed role can be pointed at the same server; the access key it hands out is `ASIA<account>`.
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html
 */

/** A policy as the organization stores it. */
export interface ServerPolicy {
  Id: string;
  Name: string;
  Description?: string;
  AwsManaged?: boolean;
  Content: string;
  /** `SERVICE_CONTROL_POLICY` (default), `TAG_POLICY`, `RESOURCE_CONTROL_POLICY`, … */
  Type?: string;
}

/** The organization tree the server serves. */
export interface OrganizationModel {
  /** Management account ID, used in ARNs. */
  managementAccountId: string;
  organizationId: string;
  /** child ID (account or OU) → parent ID (OU or root `r-…`). */
  parents: Record<string, string>;
  /** target ID (root, OU or account) → attached SCP IDs. */
  attachments: Record<string, string[]>;
  policies: ServerPolicy[];
  /** Display names of roots, OUs and accounts (default: the ID). */
  names?: Record<string, string>;
  /** Account state (`ACTIVE` by default). */
  accountStates?: Record<string, string>;
}

/** Options of {@link startOrganizationsServer}. */
export interface OrganizationsServerOptions {
  /** Items per page when the caller gives no `MaxResults` (default 2). */
  pageSize?: number;
  /** Answer the first page of every list with no items and a `NextToken` (the API may do this). */
  emptyFirstPage?: boolean;
  /** Token bucket: requests per second sustained and burst; requests beyond it are throttled. */
  throttle?: { ratePerSecond: number; burst: number; now?: () => number };
}

/** One request as the server saw it. */
export interface OrganizationsRequest {
  operation: string;
  accessKeyId: string;
  params: Record<string, unknown>;
  status: number;
}

/** A running server. */
export interface OrganizationsServer {
  endpoint: string;
  requests: OrganizationsRequest[];
  /** Answer every request with this error until cleared (null). */
  failWith(error: { status: number; type: string; message: string } | null): void;
  /** Throttle the next `count` Organizations requests (`TooManyRequestsException`). */
  throttleNext(count: number): void;
  /** Requests answered with `TooManyRequestsException` so far. */
  throttled(): number;
  close(): Promise<void>;
}

const PREFIX = 'AWSOrganizationsV20161128.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

function send(res: ServerResponse, status: number, body: unknown, contentType = CONTENT_TYPE): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID() });
  res.end(text);
}


function encodeToken(offset: number): string {
  return Buffer.from(`page:${offset}`).toString('base64');
}

function page<T>(items: T[], token: unknown, size: number, emptyFirst: boolean): { items: T[]; next: string | undefined } | null {
  let offset = 0;
  if (typeof token === 'string') {
    const match = /^page:(-?\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
    if (match === null) return null;
    offset = Number(match[1]);
  }
  if (emptyFirst && token === undefined) return { items: [], next: encodeToken(-1) };
  if (offset < 0) offset = 0;
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? encodeToken(offset + size) : undefined;
  return { items: slice, next };
}

/** Starts the server on 127.0.0.1 and an ephemeral port. */
export async function startOrganizationsServer(model: OrganizationModel, options: OrganizationsServerOptions = {}): Promise<OrganizationsServer> {
  const requests: OrganizationsRequest[] = [];
  const pageSize = options.pageSize ?? 2;
  let forced: { status: number; type: string; message: string } | null = null;
  let throttleCount = 0;
  let throttledTotal = 0;
  const bucket = options.throttle === undefined ? null : { tokens: options.throttle.burst, at: (options.throttle.now ?? Date.now)() };
  const takeToken = (): boolean => {
    if (bucket === null || options.throttle === undefined) return true;
    const now = (options.throttle.now ?? Date.now)();
    bucket.tokens = Math.min(options.throttle.burst, bucket.tokens + ((now - bucket.at) / 1000) * options.throttle.ratePerSecond);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };
  const name = (id: string): string => model.names?.[id] ?? id;
  const rootIds = (): string[] => [...new Set([...Object.values(model.parents), ...Object.keys(model.attachments)].filter((id) => id.startsWith('r-')))].sort();
  const childrenOf = (parent: string, kind: 'ou' | 'account'): string[] =>
    Object.entries(model.parents)
      .filter(([child, p]) => p === parent && (kind === 'ou' ? child.startsWith('ou-') : /^\d{12}$/.test(child)))
      .map(([child]) => child)
      .sort();
  const rootArn = (id: string): string => `arn:aws:organizations::${model.managementAccountId}:root/${model.organizationId}/${id}`;
  const arnOf = (policy: ServerPolicy): string =>
    policy.AwsManaged === true
      ? `arn:aws:organizations::aws:policy/${(policy.Type ?? 'SERVICE_CONTROL_POLICY').toLowerCase()}/${policy.Id}`
      : `arn:aws:organizations::${model.managementAccountId}:policy/${model.organizationId}/${(policy.Type ?? 'SERVICE_CONTROL_POLICY').toLowerCase()}/${policy.Id}`;
  const summaryOf = (policy: ServerPolicy) => ({
    Id: policy.Id,
    Arn: arnOf(policy),
    Name: policy.Name,
    Description: policy.Description ?? '',
    Type: policy.Type ?? 'SERVICE_CONTROL_POLICY',
    AwsManaged: policy.AwsManaged ?? false,
  });
  const known = (id: string): boolean => id in model.parents || id in model.attachments || Object.values(model.parents).includes(id);

  function organizations(operation: string, params: Record<string, unknown>): { status: number; body: unknown } {
    const error = (status: number, type: string, message: string) => ({ status, body: { __type: type, Message: message } });
    if (params.MaxResults !== undefined && (typeof params.MaxResults !== 'number' || params.MaxResults < 1 || params.MaxResults > 20)) {
      return error(400, 'InvalidInputException', 'MaxResults must be between 1 and 20');
    }
    const size = typeof params.MaxResults === 'number' ? params.MaxResults : pageSize;
    const paged = <T>(items: T[], field: string, map: (item: T) => unknown) => {
      const result = page(items, params.NextToken, size, options.emptyFirstPage === true);
      if (result === null) return error(400, 'InvalidInputException', 'NextToken is invalid');
      return { status: 200, body: { [field]: result.items.map(map), ...(result.next === undefined ? {} : { NextToken: result.next }) } };
    };
    const parentOk = (parent: string): boolean => rootIds().includes(parent) || (parent.startsWith('ou-') && parent in model.parents);
    switch (operation) {
      case 'ListRoots':
        return paged(rootIds(), 'Roots', (id) => ({ Id: id, Arn: rootArn(id), Name: name(id), PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] }));
      case 'ListOrganizationalUnitsForParent': {
        const parent = String(params.ParentId ?? '');
        if (!parentOk(parent)) return error(400, 'ParentNotFoundException', `Parent ${parent} not found`);
        return paged(childrenOf(parent, 'ou'), 'OrganizationalUnits', (id) => ({
          Id: id,
          Arn: `arn:aws:organizations::${model.managementAccountId}:ou/${model.organizationId}/${id}`,
          Name: name(id),
        }));
      }
      case 'ListAccountsForParent': {
        const parent = String(params.ParentId ?? '');
        if (!parentOk(parent)) return error(400, 'ParentNotFoundException', `Parent ${parent} not found`);
        return paged(childrenOf(parent, 'account'), 'Accounts', (id) => {
          const state = model.accountStates?.[id] ?? 'ACTIVE';
          return {
            Id: id,
            Arn: `arn:aws:organizations::${model.managementAccountId}:account/${model.organizationId}/${id}`,
            Email: `${id}@example.com`,
            Name: name(id),
            Status: state === 'ACTIVE' ? 'ACTIVE' : 'SUSPENDED',
            State: state,
            JoinedMethod: 'CREATED',
            JoinedTimestamp: 1700000000,
          };
        });
      }
      case 'ListParents': {
        const child = String(params.ChildId ?? '');
        const parent = model.parents[child];
        if (parent === undefined) return error(400, 'ChildNotFoundException', `Child ${child} not found`);
        return { status: 200, body: { Parents: [{ Id: parent, Type: parent.startsWith('r-') ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }] } };
      }
      case 'ListPoliciesForTarget': {
        const target = String(params.TargetId ?? '');
        if (params.Filter !== 'SERVICE_CONTROL_POLICY') return error(400, 'InvalidInputException', 'Filter must be SERVICE_CONTROL_POLICY');
        if (!known(target)) return error(400, 'TargetNotFoundException', `Target ${target} not found`);
        const attached = (model.attachments[target] ?? []).flatMap((id) => model.policies.filter((p) => p.Id === id && (p.Type ?? 'SERVICE_CONTROL_POLICY') === 'SERVICE_CONTROL_POLICY'));
        return paged(attached, 'Policies', summaryOf);
      }
      case 'DescribePolicy': {
        const policy = model.policies.find((p) => p.Id === params.PolicyId);
        if (policy === undefined) return error(400, 'PolicyNotFoundException', `Policy ${String(params.PolicyId)} not found`);
        return { status: 200, body: { Policy: { PolicySummary: summaryOf(policy), Content: policy.Content } } };
      }
      default:
        return error(400, 'UnknownOperationException', `Unsupported operation ${operation}`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await text(req);
    const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''))?.[1] ?? '';
    const target = String(req.headers['x-amz-target'] ?? '');
    if (target === '') {
      const form = new URLSearchParams(raw);
      if (form.get('Action') !== 'AssumeRole') return send(res, 400, '<Error/>', 'text/xml');
      const roleArn = form.get('RoleArn') ?? '';
      requests.push({ operation: 'sts:AssumeRole', accessKeyId, params: { RoleArn: roleArn }, status: 200 });
      const account = /iam::(\d{12}):role\//.exec(roleArn)?.[1] ?? '000000000000';
      const xml = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIA${account}</AccessKeyId><SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::${account}:assumed-role/r/s</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`;
      return send(res, 200, xml, 'text/xml');
    }
    const operation = target.startsWith(PREFIX) ? target.slice(PREFIX.length) : target;
    let params: Record<string, unknown> = {};
    try {
      params = JSON.parse(raw || '{}') as Record<string, unknown>;
    } catch {
      return send(res, 400, { __type: 'SerializationException', Message: 'Body is not JSON' });
    }
    const entry: OrganizationsRequest = { operation, accessKeyId, params, status: 200 };
    requests.push(entry);
    if (!String(req.headers['content-type'] ?? '').startsWith(CONTENT_TYPE)) {
      entry.status = 400;
      return send(res, 400, { __type: 'SerializationException', Message: `Content-Type must be ${CONTENT_TYPE}` });
    }
    if (forced !== null) {
      entry.status = forced.status;
      return send(res, forced.status, { __type: forced.type, Message: forced.message });
    }
    if (throttleCount > 0 || !takeToken()) {
      if (throttleCount > 0) throttleCount -= 1;
      throttledTotal += 1;
      entry.status = 400;
      return send(res, 400, { __type: 'TooManyRequestsException', Message: 'You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.' });
    }
    const answer = organizations(operation, params);
    entry.status = answer.status;
    send(res, answer.status, answer.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { __type: 'ServiceException', Message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    failWith: (error) => {
      forced = error;
    },
    throttleNext: (count) => {
      throttleCount = count;
    },
    throttled: () => throttledTotal,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
