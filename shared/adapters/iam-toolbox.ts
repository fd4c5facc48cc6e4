import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  mergeAuthorizationPages,
  parseAuthorizationDetailsPage,
  policyDocumentText,
  type AuthorizationDetailsPage,
  type AuthorizationDetailsSource,
  type ToolboxFailure,
} from '../core/authoritative/details.js';
import type { Result } from '../core/types.js';

/**
 * IAM Toolbox (preview), the API of IAM Access Troubleshooter, over REST-JSON. There is no JS SDK
 * client yet, so requests are signed here with the SDK's own SigV4 signer (`@smithy/signature-v4`)
 * and the default credential chain (`@aws-sdk/credential-provider-node`), exactly as a generated
 * client would: signing name `iam`, endpoint prefix `iam-toolbox`, Region-scoped endpoints
 * `https://iam-toolbox.<region>.amazonaws.com` (service model `iam-toolbox-2018-05-10`).
 *
 * The endpoint is overridden the SDK's way for the service ID "IAM Toolbox":
 * `AWS_ENDPOINT_URL_IAM_TOOLBOX`, else `AWS_ENDPOINT_URL`, both ignored when
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (the shared config file's `services` section is not
 * read).
 * @see https://docs.aws.amazon.com/iam-toolbox/latest/APIReference/API_GetRequestAuthorizationDetails.html
 * @see https://docs.aws.amazon.com/iam-toolbox/latest/APIReference/API_GetRequestAuthorizationPolicy.html
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 */

/** The operations this adapter calls and the IAM action each needs (the IAM drift test reads these). */
export const IAM_TOOLBOX_OPERATIONS = {
  details: { name: 'GetRequestAuthorizationDetails', iamAction: 'iam:GetRequestAuthorizationDetails' },
  policy: { name: 'GetRequestAuthorizationPolicy', iamAction: 'iam:GetRequestAuthorizationPolicy' },
} as const;

/** SigV4 signing name of IAM Toolbox (`signingName` in its service model; not `iam-toolbox`). */
export const IAM_TOOLBOX_SIGNING_NAME = 'iam';

/** Credentials as the SDK's providers return them. */
export interface ToolboxCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Options of {@link createIamToolboxSource}. */
export interface IamToolboxSourceOptions {
  /** Credentials provider; default: the SDK's default chain (environment, SSO, profiles, container, IMDS). */
  credentials?: () => Promise<ToolboxCredentials>;
  /** Explicit endpoint (tests); default: the configured endpoint, else the Region's. */
  endpoint?: string;
  /** Environment the configured endpoint is read from; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Per-request timeout; default 5 s (the alert function must not wait on a preview API). */
  timeoutMs?: number;
  /** Attempts for throttling and server errors, the first included; default 3. */
  maxAttempts?: number;
  /** Waits between attempts (tests pass a virtual clock); default `setTimeout`. */
  sleep?: (ms: number) => Promise<void>;
  /** Pages of evaluations read at most for one ID; default 50. */
  maxPages?: number;
  /** HTTP client; default the global `fetch`. */
  fetch?: typeof fetch;
}

/** SHA-256 (and HMAC-SHA-256 when given a secret) on node:crypto, in the shape the signer expects. */
class Sha256 {
  private hash: Hash | Hmac;

  public constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }

  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }

  public update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }

  public digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }

  public reset(): void {
    this.hash = this.fresh();
  }
}

function bytes(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** RFC 3986 escaping, as SigV4 canonicalises it. */
function escape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The endpoint configured the SDK's way for "IAM Toolbox", or null. */
export function configuredIamToolboxEndpoint(env: Record<string, string | undefined>): string | null {
  if ((env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] ?? '').toLowerCase() === 'true') return null;
  const value = env['AWS_ENDPOINT_URL_IAM_TOOLBOX'] || env['AWS_ENDPOINT_URL'] || '';
  return value === '' ? null : value;
}

/** The public endpoint of a Region (`iam-toolbox.<region>.amazonaws.com`, `.com.cn` in China). */
export function regionalIamToolboxEndpoint(region: string): string {
  return `https://iam-toolbox.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

interface ErrorAnswer {
  status: number;
  type: string;
  message: string;
}

function errorType(response: Response, body: unknown): string {
  const header = response.headers.get('x-amzn-errortype') ?? '';
  const fromBody = typeof body === 'object' && body !== null ? ((body as Record<string, unknown>)['__type'] ?? (body as Record<string, unknown>)['code']) : undefined;
  const raw = header !== '' ? header : typeof fromBody === 'string' ? fromBody : '';
  // `Type:http://internal…` in the header, `namespace#Type` in older bodies.
  return raw.split(':')[0]?.split('#').pop() ?? '';
}

function errorMessage(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const record = body as Record<string, unknown>;
  const value = record['message'] ?? record['Message'];
  return typeof value === 'string' ? value.slice(0, 300) : '';
}

function failureOf(operation: string, answer: ErrorAnswer): ToolboxFailure {
  const what = `${operation} answered ${answer.status}${answer.type === '' ? '' : ` ${answer.type}`}${answer.message === '' ? '' : `: ${answer.message}`}`;
  if (answer.type === 'ResourceNotFoundException') return { kind: 'not-found', detail: what };
  if (answer.type === 'ValidationException') return { kind: 'validation', detail: what };
  if (answer.status === 403 || answer.status === 401) return { kind: 'access-denied', detail: what };
  // Unknown operation, a 404 without a modelled error, 5xx after retries: the preview is not served.
  return { kind: 'unavailable', detail: what };
}

function retryable(answer: ErrorAnswer): boolean {
  return answer.status === 429 || answer.status >= 500 || /Throttl/.test(answer.type);
}

/**
 * Creates the IAM Toolbox port: `details` reads every page of `GetRequestAuthorizationDetails`
 * (following `nextToken`), `policy` one `GetRequestAuthorizationPolicy` document. Failures are
 * values: `not-found` (ResourceNotFoundException: unknown, expired, or another Region),
 * `validation`, `access-denied` (AccessDeniedException or rejected credentials), `unavailable`
 * (unreachable, timed out, throttled or failing after retries, or an operation the endpoint does
 * not serve) and `invalid-response`.
 */
export function createIamToolboxSource(options: IamToolboxSourceOptions = {}): AuthorizationDetailsSource {
  const credentials = options.credentials ?? defaultProvider();
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 3);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxPages = options.maxPages ?? 50;
  const send = options.fetch ?? fetch;
  const signers = new Map<string, SignatureV4>();

  function signerFor(region: string): SignatureV4 {
    let signer = signers.get(region);
    if (signer === undefined) {
      signer = new SignatureV4({ service: IAM_TOOLBOX_SIGNING_NAME, region, credentials, sha256: Sha256, uriEscapePath: true, applyChecksum: true });
      signers.set(region, signer);
    }
    return signer;
  }

  async function once(operation: string, region: string, path: string, query: Record<string, string>): Promise<Result<unknown, ToolboxFailure | ErrorAnswer>> {
    const base = new URL(options.endpoint ?? configuredIamToolboxEndpoint(env) ?? regionalIamToolboxEndpoint(region));
    const prefix = base.pathname.replace(/\/$/, '');
    let signed;
    try {
      signed = await signerFor(region).sign({
        method: 'GET',
        protocol: base.protocol,
        hostname: base.hostname,
        ...(base.port === '' ? {} : { port: Number(base.port) }),
        path: `${prefix}${path}`,
        query,
        headers: { host: base.host, accept: 'application/json' },
      });
    } catch (error) {
      return { ok: false, reason: { kind: 'access-denied', detail: `${operation}: no AWS credentials to sign with (${(error as Error).name}: ${(error as Error).message})` } };
    }
    const search = Object.entries(query).map(([key, value]) => `${escape(key)}=${escape(value)}`).join('&');
    const url = `${base.protocol}//${base.host}${prefix}${path}${search === '' ? '' : `?${search}`}`;
    let response: Response;
    try {
      response = await send(url, { method: 'GET', headers: signed.headers, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
      const why = cause?.code ?? cause?.errors?.[0]?.code ?? cause?.message;
      return { ok: false, reason: { kind: 'unavailable', detail: `${operation} in ${region}: ${(error as Error).name}: ${(error as Error).message}${why === undefined ? '' : ` (${why})`}` } };
    }
    const text = await response.text().catch(() => '');
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = null;
    }
    if (response.ok) {
      if (body === null) return { ok: false, reason: { kind: 'invalid-response', detail: `${operation} answered ${response.status} without a JSON body` } };
      return { ok: true, value: body };
    }
    return { ok: false, reason: { status: response.status, type: errorType(response, body), message: errorMessage(body) } };
  }

  async function call(operation: string, region: string, path: string, query: Record<string, string>): Promise<Result<unknown, ToolboxFailure>> {
    for (let attempt = 1; ; attempt += 1) {
      const answer = await once(operation, region, path, query);
      if (answer.ok) return answer;
      const reason = answer.reason;
      if ('kind' in reason) return { ok: false, reason };
      if (!retryable(reason) || attempt >= maxAttempts) return { ok: false, reason: failureOf(operation, reason) };
      await sleep(Math.min(2_000, 100 * 2 ** attempt));
    }
  }

  return {
    async details(authorizationId, region) {
      const operation = IAM_TOOLBOX_OPERATIONS.details.name;
      const pages: AuthorizationDetailsPage[] = [];
      const tokens = new Set<string>();
      let token: string | null = null;
      do {
        if (pages.length >= maxPages) return { ok: false, reason: { kind: 'invalid-response', detail: `${operation}: more than ${maxPages} pages of evaluations` } };
        const answer = await call(operation, region, `/authorization-details/${escape(authorizationId)}`, token === null ? {} : { nextToken: token });
        if (!answer.ok) return answer;
        const page = parseAuthorizationDetailsPage(answer.value);
        if (!page.ok) return { ok: false, reason: { kind: 'invalid-response', detail: `${operation}: ${page.reason}` } };
        pages.push(page.value);
        token = page.value.nextToken;
        if (token !== null && tokens.has(token)) return { ok: false, reason: { kind: 'invalid-response', detail: `${operation}: nextToken repeats` } };
        if (token !== null) tokens.add(token);
      } while (token !== null);
      return { ok: true, value: mergeAuthorizationPages(pages) };
    },

    async policy(authorizationId, policyUri, region) {
      const operation = IAM_TOOLBOX_OPERATIONS.policy.name;
      const answer = await call(operation, region, `/authorization-details/${escape(authorizationId)}/policy`, { policyUri });
      if (!answer.ok) return answer;
      const document = policyDocumentText(answer.value);
      return document.ok ? document : { ok: false, reason: { kind: 'invalid-response', detail: `${operation} ${policyUri}: ${document.reason}` } };
    },
  };
}
