import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';

/**
 * A loopback AWS Organizations endpoint speaking the real JSON 1.1 protocol (`X-Amz-Target:
 * AWSOrganizationsV20161128.<Operation>`) for `ListParents`, `ListPoliciesForTarget` and
 * `DescribePolicy`, with `NextToken` pagination, so the real `OrganizationsClient` is tested
 * without mocks. It also answers STS `AssumeRole` (Query protocol) so a client built with an
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
  close(): Promise<void>;
}

const PREFIX = 'AWSOrganizationsV20161128.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

function send(res: ServerResponse, status: number, body: unknown, contentType = CONTENT_TYPE): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID() });
  res.end(text);
}


function page<T>(items: T[], token: unknown, size: number): { items: T[]; next: string | undefined } {
  const offset = typeof token === 'string' ? Number(Buffer.from(token, 'base64').toString('utf8')) : 0;
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(String(offset + size)).toString('base64') : undefined;
  return { items: slice, next };
}

/** Starts the server on 127.0.0.1 and an ephemeral port. */
export async function startOrganizationsServer(model: OrganizationModel, options: { pageSize?: number } = {}): Promise<OrganizationsServer> {
  const requests: OrganizationsRequest[] = [];
  const pageSize = options.pageSize ?? 2;
  let forced: { status: number; type: string; message: string } | null = null;
  const arnOf = (policy: ServerPolicy): string =>
    policy.AwsManaged === true
      ? `arn:aws:organizations::aws:policy/service_control_policy/${policy.Id}`
      : `arn:aws:organizations::${model.managementAccountId}:policy/${model.organizationId}/service_control_policy/${policy.Id}`;
  const summaryOf = (policy: ServerPolicy) => ({
    Id: policy.Id,
    Arn: arnOf(policy),
    Name: policy.Name,
    Description: policy.Description ?? '',
    Type: 'SERVICE_CONTROL_POLICY',
    AwsManaged: policy.AwsManaged ?? false,
  });
  const known = (id: string): boolean => id in model.parents || id in model.attachments || Object.values(model.parents).includes(id);

  function organizations(operation: string, params: Record<string, unknown>): { status: number; body: unknown } {
    const error = (status: number, type: string, message: string) => ({ status, body: { __type: type, Message: message } });
    switch (operation) {
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
        const attached = (model.attachments[target] ?? []).flatMap((id) => model.policies.filter((p) => p.Id === id));
        const { items, next } = page(attached, params.NextToken, pageSize);
        return { status: 200, body: { Policies: items.map(summaryOf), ...(next === undefined ? {} : { NextToken: next }) } };
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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
