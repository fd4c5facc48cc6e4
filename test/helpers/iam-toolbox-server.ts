import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * A loopback IAM Toolbox (preview) that speaks the documented REST-JSON shape:
 * - `GET /authorization-details/{authorizationId}?nextToken=` → `{ requestContext, evaluations,
 *   policies, nextToken? }`, `evaluations` paginated (`pageSize` a page, opaque tokens);
 * - `GET /authorization-details/{authorizationId}/policy?policyUri=` → the policy document as it
 *   was at request time (shape configurable: the member name is not documented in what we read).
 * It enforces what the API reference and the service model say: SigV4 with signing name `iam`
 * and the caller's Region in the scope (the signature is recomputed with the caller's secret),
 * the ID pattern `[0-9a-z]+` (≤ 256), details only in the Region of the denial and only for
 * callers of the recorded organization (else ResourceNotFoundException), retention (expired IDs
 * answer ResourceNotFoundException), and the IAM permission of each operation
 * (AccessDeniedException). Errors carry `x-amzn-errortype` and `{ message }` as REST-JSON does.
 * @see https://docs.aws.amazon.com/iam-toolbox/latest/APIReference/API_GetRequestAuthorizationDetails.html
 */

/** One recorded denial. */
export interface RecordedAuthorization {
  /** Region the denial occurred in; details are served only there. */
  region: string;
  /** Accounts of the recorded organization (or the one account); callers outside get 404. */
  accounts: string[];
  /** Epoch ms after which the details are gone (retention: at least 24 h after the denial). */
  expiresAt: number;
  requestContext: Record<string, unknown>;
  evaluations: unknown[];
  policies: unknown[];
  /** Policy documents by URI, as they were at request time. */
  documents: Record<string, unknown>;
}

/** A caller the server knows: its keys, its account, and the IAM Toolbox actions it may not call. */
export interface KnownCaller {
  accessKeyId: string;
  secretAccessKey: string;
  accountId: string;
  denied?: string[];
}

/** A fault answered instead of the next request(s). */
export interface Fault {
  status: number;
  type: string;
  message?: string;
  /** Drop the connection without an answer instead. */
  drop?: boolean;
}

/** Options of {@link startIamToolboxServer}. */
export interface IamToolboxServerOptions {
  callers: KnownCaller[];
  /** Virtual clock for retention (ms); default `Date.now`. */
  now?: () => number;
  /** Evaluations per page; default 1, so pagination is always exercised. */
  pageSize?: number;
  /** Whether every page repeats `policies` (true) or only the first carries them; default true. */
  policiesOnEveryPage?: boolean;
  /** Shape of the policy answer; default `{ policy: <object> }`. */
  policyShape?: 'policy-object' | 'policy-string' | 'policyDocument-string' | 'bare';
  /** Regions served; others answer 404 UnknownOperationException (the preview is not there). Default: all. */
  regions?: string[];
}

/** A running server: its URL, the records and faults it serves, and the requests it saw. */
export interface IamToolboxServer {
  url: string;
  server: Server;
  authorizations: Map<string, RecordedAuthorization>;
  faults: Fault[];
  requests: { operation: string; region: string; path: string; query: Record<string, string> }[];
  close(): Promise<void>;
}

const ID = /^[0-9a-z]{1,256}$/;

function send(response: ServerResponse, status: number, body: unknown, type?: string): void {
  response.writeHead(status, { 'content-type': 'application/json', ...(type === undefined ? {} : { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws.iamtoolbox/` }) });
  response.end(JSON.stringify(body));
}

function fail(response: ServerResponse, status: number, type: string, message: string): void {
  send(response, status, { message }, type);
}

type Bytes = string | ArrayBuffer | ArrayBufferView;

function toBuffer(data: Bytes): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return ArrayBuffer.isView(data) ? Buffer.from(data.buffer, data.byteOffset, data.byteLength) : Buffer.from(data);
}

/** The server's own SHA-256 / HMAC (not the adapter's), so a signing bug on one side shows. */
class Sha256 {
  private hash;
  public constructor(private readonly secret?: Bytes) {
    this.hash = this.fresh();
  }
  private fresh() {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
  public update(data: Bytes): void {
    this.hash.update(toBuffer(data));
  }
  public digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  public reset(): void {
    this.hash = this.fresh();
  }
}

interface Authorization {
  caller: KnownCaller;
  region: string;
}

/** Checks the SigV4 signature as AWS does; returns the caller or answers the error itself. */
async function authenticate(request: IncomingMessage, url: URL, callers: KnownCaller[], response: ServerResponse): Promise<Authorization | null> {
  const header = request.headers.authorization ?? '';
  const parsed = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(header);
  if (parsed === null) {
    fail(response, 403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    return null;
  }
  const [, accessKeyId, , region = '', service, signedHeaders = '', signature] = parsed;
  const caller = callers.find((c) => c.accessKeyId === accessKeyId);
  if (caller === undefined) {
    fail(response, 403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    return null;
  }
  if (service !== 'iam') {
    fail(response, 403, 'InvalidSignatureException', `Credential should be scoped to correct service: 'iam'.`);
    return null;
  }
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!Number.isFinite(signedAt) || Math.abs(Date.now() - signedAt) > 15 * 60_000) {
    fail(response, 403, 'InvalidSignatureException', 'Signature expired or x-amz-date missing.');
    return null;
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(';')) headers[name] = String(request.headers[name] ?? '');
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = value;
  const signer = new SignatureV4({ service: 'iam', region, credentials: { accessKeyId: caller.accessKeyId, secretAccessKey: caller.secretAccessKey }, sha256: Sha256, uriEscapePath: true, applyChecksum: true });
  const expected = await signer.sign(
    { method: request.method ?? 'GET', protocol: 'http:', hostname: url.hostname, path: url.pathname, query, headers },
    { signingDate: new Date(signedAt), signingRegion: region, signingService: 'iam' },
  );
  const computed = /Signature=([0-9a-f]{64})/.exec(String(expected.headers['authorization'] ?? ''))?.[1];
  if (computed !== signature) {
    fail(response, 403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
    return null;
  }
  return { caller, region };
}

function token(id: string, offset: number): string {
  return Buffer.from(JSON.stringify({ id, offset })).toString('base64url');
}

function offsetOf(id: string, value: string | null): number | null {
  if (value === null) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { id?: unknown; offset?: unknown };
    return parsed.id === id && typeof parsed.offset === 'number' && parsed.offset > 0 ? parsed.offset : null;
  } catch {
    return null;
  }
}

/** Starts the server on 127.0.0.1 and a free port. */
export async function startIamToolboxServer(options: IamToolboxServerOptions): Promise<IamToolboxServer> {
  const now = options.now ?? Date.now;
  const pageSize = options.pageSize ?? 1;
  const authorizations = new Map<string, RecordedAuthorization>();
  const faults: Fault[] = [];
  const requests: IamToolboxServer['requests'] = [];

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = /^\/authorization-details\/([^/]+)(\/policy)?$/.exec(url.pathname);
    const operation = route === null ? 'unknown' : route[2] === undefined ? 'GetRequestAuthorizationDetails' : 'GetRequestAuthorizationPolicy';
    const auth = await authenticate(request, url, options.callers, response);
    if (auth === null) return;
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) query[key] = value;
    requests.push({ operation, region: auth.region, path: url.pathname, query });
    const fault = faults.shift();
    if (fault !== undefined) {
      if (fault.drop === true) {
        request.socket.destroy();
        return;
      }
      fail(response, fault.status, fault.type, fault.message ?? fault.type);
      return;
    }
    if (request.method !== 'GET' || route === null || (options.regions !== undefined && !options.regions.includes(auth.region))) {
      fail(response, 404, 'UnknownOperationException', 'Unknown operation');
      return;
    }
    if ((auth.caller.denied ?? []).includes(`iam:${operation}`)) {
      fail(response, 403, 'AccessDeniedException', `User: arn:aws:sts::${auth.caller.accountId}:assumed-role/cris-auditor/session is not authorized to perform: iam:${operation}`);
      return;
    }
    const id = decodeURIComponent(route[1] ?? '');
    if (!ID.test(id)) {
      fail(response, 400, 'ValidationException', `1 validation error detected: Value at 'authorizationId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0123456789abcdefghijklmnopqrstuvwxyz]+`);
      return;
    }
    const record = authorizations.get(id);
    if (record === undefined || record.region !== auth.region || record.expiresAt <= now() || !record.accounts.includes(auth.caller.accountId)) {
      fail(response, 404, 'ResourceNotFoundException', 'The requested authorization details do not exist in this region or have expired.');
      return;
    }
    if (operation === 'GetRequestAuthorizationPolicy') {
      const uri = url.searchParams.get('policyUri');
      if (uri === null || uri === '') {
        fail(response, 400, 'ValidationException', `1 validation error detected: Value null at 'policyUri' failed to satisfy constraint: Member must not be null`);
        return;
      }
      const document = record.documents[uri];
      if (document === undefined) {
        fail(response, 404, 'ResourceNotFoundException', `No policy ${uri} was evaluated for this request.`);
        return;
      }
      const shape = options.policyShape ?? 'policy-object';
      const body =
        shape === 'bare' ? document
          : shape === 'policy-string' ? { policy: JSON.stringify(document) }
            : shape === 'policyDocument-string' ? { policyDocument: JSON.stringify(document) }
              : { policy: document };
      send(response, 200, body);
      return;
    }
    const offset = offsetOf(id, url.searchParams.get('nextToken'));
    if (offset === null || offset > record.evaluations.length) {
      fail(response, 400, 'ValidationException', 'The nextToken is not valid.');
      return;
    }
    const end = offset + pageSize;
    const page: Record<string, unknown> = {
      requestContext: record.requestContext,
      evaluations: record.evaluations.slice(offset, end),
      policies: offset === 0 || (options.policiesOnEveryPage ?? true) ? record.policies : [],
    };
    if (end < record.evaluations.length) page['nextToken'] = token(id, end);
    send(response, 200, page);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => fail(response, 500, 'InternalServerException', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    authorizations,
    faults,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
