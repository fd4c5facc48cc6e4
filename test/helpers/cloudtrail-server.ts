import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { text } from 'node:stream/consumers';

/**
 * A loopback CloudTrail endpoint speaking the real JSON 1.1 protocol for `LookupEvents`, so the real
 * `CloudTrailClient` can be tested without mocks. One server serves every Region: the Region is
 * read from the SigV4 credential scope of the `Authorization` header, the account from the access
 * key ID, exactly the two things AWS scopes the 2 requests/s limit by.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 */

/** An event as `LookupEvents` returns it (`EventTime` in epoch seconds). */
export interface ServerEvent {
  EventId: string;
  EventName: string;
  EventTime: number;
  EventSource: string;
  Username?: string;
  ReadOnly?: string;
  AccessKeyId?: string;
  Resources?: { ResourceType?: string; ResourceName?: string }[];
  CloudTrailEvent: string;
}

/** One request as the server saw it. */
export interface LoggedRequest {
  /** Arrival time, epoch milliseconds. */
  at: number;
  region: string;
  accessKeyId: string;
  target: string;
  status: number;
  /** `__type` of the error answer, when there was one. */
  errorType: string | null;
  params: { StartTime?: number; EndTime?: number; MaxResults?: number; NextToken?: string; LookupAttributes?: unknown };
  eventIds: string[];
}

/** Options of {@link startCloudTrailServer}. */
export interface CloudTrailServerOptions {
  /** Events per Region, or per `<accessKeyId>|<region>` for cross-account tests. */
  events?: Record<string, ServerEvent[]>;
  /** Enforce a request rate per (access key, Region); null (default) for none. */
  rateLimit?: { ratePerSecond: number; burst: number; toleranceMs?: number } | null;
  /** Added before each answer, in milliseconds. */
  latencyMs?: number;
  /**
   * The server's clock for its rate limit and the `at` of logged requests; defaults to
   * `Date.now`. Tests pass the client's virtual clock, so a rate is checked on virtual time and
   * no assertion depends on how busy the machine is.
   */
  now?: () => number;
}

/** A running server. */
export interface CloudTrailServer {
  endpoint: string;
  requests: LoggedRequest[];
  setEvents(key: string, events: ServerEvent[]): void;
  /** Answer the next `count` requests of a Region with `ThrottlingException`. */
  throttleNext(region: string, count: number): void;
  /** Answer the next `count` requests of a Region with this error. */
  failNext(region: string, count: number, error: { status: number; type: string; message: string }): void;
  /** Make every NextToken issued so far invalid (as if it expired). */
  expireTokens(): void;
  close(): Promise<void>;
}

const TARGET = 'CloudTrail_20131101.LookupEvents';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': randomUUID() });
  res.end(text);
}


/** Starts the server on 127.0.0.1 and an ephemeral port. */
export async function startCloudTrailServer(options: CloudTrailServerOptions = {}): Promise<CloudTrailServer> {
  const events = new Map<string, ServerEvent[]>(Object.entries(options.events ?? {}));
  const requests: LoggedRequest[] = [];
  const injected = new Map<string, { status: number; type: string; message: string }[]>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const clockNow = options.now ?? Date.now;
  let generation = 0;

  function allow(key: string): boolean {
    const limit = options.rateLimit;
    if (limit == null) return true;
    const now = clockNow();
    const bucket = buckets.get(key) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.ratePerSecond);
    bucket.at = now;
    buckets.set(key, bucket);
    // A few milliseconds of tolerance absorb loopback scheduling jitter; the rate still holds.
    const slack = ((limit.toleranceMs ?? 10) / 1000) * limit.ratePerSecond;
    if (bucket.tokens < 1 - slack) return false;
    bucket.tokens -= 1;
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = clockNow();
    const raw = await text(req);
    const target = String(req.headers['x-amz-target'] ?? '');
    const scope = /Credential=([^/]+)\/\d{8}\/([a-z0-9-]+)\/cloudtrail\/aws4_request/.exec(String(req.headers.authorization ?? ''));
    const accessKeyId = scope?.[1] ?? '';
    const region = scope?.[2] ?? '';
    const entry: LoggedRequest = { at, region, accessKeyId, target, status: 200, errorType: null, params: {}, eventIds: [] };
    requests.push(entry);
    const fail = (status: number, type: string, message: string): void => {
      entry.status = status;
      entry.errorType = type;
      send(res, status, { __type: type, message });
    };
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));

    if (req.method !== 'POST' || req.url !== '/') return fail(404, 'UnknownOperationException', 'POST / expected');
    if (scope === null) return fail(403, 'MissingAuthenticationTokenException', 'Missing SigV4 credential scope for cloudtrail');
    if (target !== TARGET) return fail(400, 'UnknownOperationException', `Unsupported target ${target}`);
    if (!String(req.headers['content-type'] ?? '').startsWith(CONTENT_TYPE)) {
      return fail(400, 'SerializationException', `Content-Type must be ${CONTENT_TYPE}`);
    }
    let params: LoggedRequest['params'];
    try {
      params = JSON.parse(raw) as LoggedRequest['params'];
    } catch {
      return fail(400, 'SerializationException', 'Body is not JSON');
    }
    entry.params = params;

    const queue = injected.get(region);
    const forced = queue?.shift();
    if (forced !== undefined) return fail(forced.status, forced.type, forced.message);
    if (!allow(`${accessKeyId}|${region}`)) return fail(400, 'ThrottlingException', 'Rate exceeded');

    const max = params.MaxResults ?? 50;
    if (!Number.isInteger(max) || max < 1 || max > 50) return fail(400, 'InvalidMaxResultsException', 'MaxResults must be 1 to 50');
    const start = params.StartTime ?? Number.NEGATIVE_INFINITY;
    const end = params.EndTime ?? Number.POSITIVE_INFINITY;
    if (start > end) return fail(400, 'InvalidTimeRangeException', 'StartTime is after EndTime');
    const attributes = (params.LookupAttributes ?? []) as { AttributeKey?: string; AttributeValue?: string }[];
    if (attributes.length > 1) return fail(400, 'InvalidLookupAttributesException', 'Only one lookup attribute');
    const query = JSON.stringify([region, accessKeyId, attributes, start, end]);

    let offset = 0;
    if (params.NextToken !== undefined) {
      try {
        const token = JSON.parse(Buffer.from(params.NextToken, 'base64').toString('utf8')) as { q: string; o: number; g: number };
        if (token.q !== query || token.g !== generation) throw new Error('stale');
        offset = token.o;
      } catch {
        return fail(400, 'InvalidNextTokenException', 'Invalid NextToken');
      }
    }
    const all = events.get(`${accessKeyId}|${region}`) ?? events.get(region) ?? [];
    const matching = all
      .filter((e) => e.EventTime >= start && e.EventTime <= end)
      .filter((e) => attributes.every((a) => a.AttributeKey !== 'EventSource' || e.EventSource === a.AttributeValue))
      .sort((a, b) => b.EventTime - a.EventTime || a.EventId.localeCompare(b.EventId));
    const page = matching.slice(offset, offset + max);
    entry.eventIds = page.map((e) => e.EventId);
    const next = offset + max < matching.length ? Buffer.from(JSON.stringify({ q: query, o: offset + max, g: generation })).toString('base64') : undefined;
    send(res, 200, next === undefined ? { Events: page } : { Events: page, NextToken: next });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { __type: 'InternalFailure', message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    setEvents: (key, list) => events.set(key, list),
    throttleNext: (region, count) => {
      const queue = injected.get(region) ?? [];
      for (let i = 0; i < count; i += 1) queue.push({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
      injected.set(region, queue);
    },
    failNext: (region, count, error) => {
      const queue = injected.get(region) ?? [];
      for (let i = 0; i < count; i += 1) queue.push(error);
      injected.set(region, queue);
    },
    expireTokens: () => {
      generation += 1;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Options of {@link makeBedrockEvents}. */
export interface EventFactoryOptions {
  region: string;
  count: number;
  /** Newest event time, epoch seconds. */
  newest: number;
  /** Seconds between events; 0 puts them all in one second. */
  spacingSeconds?: number;
  /** Every n-th event is a cross-Region SCP denial (0 for none). */
  denialEvery?: number;
  accountId?: string;
  idPrefix?: string;
}

/**
 * Real-shaped Bedrock events for a Region: successful `Converse` calls, and every n-th one denied by
 * a region-deny SCP for a destination of an APAC profile.
 */
export function makeBedrockEvents(options: EventFactoryOptions): ServerEvent[] {
  const { region, count, newest, spacingSeconds = 1, denialEvery = 0, accountId = '111122223333', idPrefix = region } = options;
  return Array.from({ length: count }, (_, i) => {
    const time = newest - Math.floor(i * spacingSeconds);
    const eventId = `${idPrefix}-${String(i).padStart(6, '0')}`;
    const denied = denialEvery > 0 && i % denialEvery === 0;
    const record = {
      eventVersion: '1.11',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE:app',
        arn: `arn:aws:sts::${accountId}:assumed-role/app-role/session-${i}`,
        accountId,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${accountId}:role/app-role`, userName: 'app-role' } },
      },
      eventTime: new Date(time * 1000).toISOString().replace('.000Z', 'Z'),
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'Converse',
      awsRegion: region,
      sourceIPAddress: '203.0.113.10',
      userAgent: 'aws-sdk-js/3.0',
      ...(denied
        ? {
            errorCode: 'AccessDenied',
            errorMessage: `User: arn:aws:sts::${accountId}:assumed-role/app-role/session-${i} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:ap-southeast-2::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0 with an explicit deny in a service control policy`,
          }
        : {}),
      requestParameters: { modelId: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0' },
      responseElements: null,
      requestID: `req-${eventId}`,
      eventID: eventId,
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: accountId,
      eventCategory: 'Management',
    };
    return {
      EventId: eventId,
      EventName: 'Converse',
      EventTime: time,
      EventSource: 'bedrock.amazonaws.com',
      Username: `session-${i}`,
      ReadOnly: 'true',
      Resources: [],
      CloudTrailEvent: JSON.stringify(record),
    };
  });
}
