import { CloudTrailClient, LookupEventsCommand, type LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { createHash } from 'node:crypto';
import { BEDROCK_EVENT_SOURCE } from '../core/constants.js';
import { ConfigurationError, CrisAuditorError } from '../core/errors.js';
import type { EventLookup, LookupRecord, StreamOutcome, StreamStop } from '../core/replay/lookup-port.js';
import { STREAM_STOPS } from '../core/replay/lookup-port.js';
import { createRateLimiter, LOOKUP_EVENTS_RATE } from '../core/replay/rate-limit.js';
import { acceptPage, restartCursor, streamKey, type StreamCursor } from '../core/replay/resume.js';

/**
 * Reads Bedrock history from CloudTrail `LookupEvents`, one stream per (account, Region): Regions in
 * parallel, each stream's requests sequential through its own token bucket (2 requests/s), full
 * jitter backoff on `ThrottlingException`, and a clean stop before the deadline with a cursor the
 * resume token carries.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/view-cloudtrail-events-cli.html
 */

/** Time source and sleep; tests swap in a virtual clock. */
export interface LookupClock {
  now(): number;
  sleep(ms: number): Promise<void>;
  /**
   * A signal that aborts the request in flight when the deadline passes; absent for virtual
   * clocks, whose milliseconds are not wall-clock milliseconds.
   */
  timeout?(ms: number): AbortSignal;
}

/** The wall clock. */
export const systemClock: LookupClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  timeout: (ms) => AbortSignal.timeout(ms),
};

/** Options of {@link createCloudTrailLookup}. */
export interface CloudTrailLookupOptions {
  /**
   * The client for a Region and account (null: the caller's own). Build it with `maxAttempts: 1`
   * (see {@link createCloudTrailClientFactory}) so every retry goes through the token bucket.
   */
  clientFor(region: string, account: string | null): CloudTrailClient;
  /** Requests per second and burst per stream; defaults to CloudTrail's 2 and 2. */
  rate?: { ratePerSecond: number; burst: number };
  clock?: LookupClock;
  /** Uniform random in [0, 1) for backoff jitter. */
  random?: () => number;
  /** Backoff on throttling and transient errors. */
  backoff?: { baseMs: number; capMs: number; maxAttempts: number };
  /** Events per page, 1 to 50. */
  pageSize?: number;
}

const DEFAULT_BACKOFF = { baseMs: 300, capMs: 10_000, maxAttempts: 10 } as const;
const THROTTLING = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'Throttling']);
const TRANSIENT = new Set(['InternalFailure', 'InternalServerError', 'ServiceUnavailable', 'ServiceUnavailableException', 'TimeoutError', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function errorName(error: unknown): string {
  if (error instanceof Error) return (error as { code?: string }).code ?? error.name;
  return 'Error';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${errorName(error)}: ${error.message}` : String(error);
}

function toRecord(event: NonNullable<LookupEventsCommandOutput['Events']>[number]): LookupRecord {
  let record: unknown = null;
  if (typeof event.CloudTrailEvent === 'string') {
    try {
      record = JSON.parse(event.CloudTrailEvent) as unknown;
    } catch {
      record = null;
    }
  }
  const recordId = record !== null && typeof record === 'object' ? (record as { eventID?: unknown }).eventID : undefined;
  const id = event.EventId ?? (typeof recordId === 'string' ? recordId : `sha256:${createHash('sha256').update(event.CloudTrailEvent ?? '').digest('hex')}`);
  const time = event.EventTime instanceof Date && !Number.isNaN(event.EventTime.getTime()) ? event.EventTime.toISOString() : new Date(0).toISOString();
  return { id, time, record };
}

/** Creates the {@link EventLookup} over CloudTrail `LookupEvents`. */
export function createCloudTrailLookup(options: CloudTrailLookupOptions): EventLookup {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const pageSize = options.pageSize ?? 50;
  const limiter = createRateLimiter({ ...(options.rate ?? LOOKUP_EVENTS_RATE), now: () => clock.now() });

  return {
    async lookup({ cursors, deadline, maxEvents, onEvents, stop: interrupt }) {
      let remaining = maxEvents ?? Number.POSITIVE_INFINITY;
      const interrupted = (): boolean => interrupt?.aborted === true;

      async function runStream(start: StreamCursor): Promise<StreamOutcome> {
        let cursor = start;
        const outcome = { requests: 0, pages: 0, throttled: 0, recordsRead: 0, skipped: 0 };
        const stop = (stoppedBy: StreamStop, error: string | null = null): StreamOutcome => ({ cursor, stoppedBy, error, ...outcome });
        const bucket = limiter.bucketFor(streamKey(cursor));
        let client: CloudTrailClient;
        try {
          client = options.clientFor(cursor.region, cursor.account);
        } catch (error) {
          return stop(STREAM_STOPS.error, describe(error));
        }
        let attempt = 0;

        while (!cursor.done) {
          if (interrupted()) return stop(STREAM_STOPS.interrupted);
          if (remaining <= 0) return stop(STREAM_STOPS.budget);
          const wait = bucket.delayMs();
          if (clock.now() + wait >= deadline) return stop(STREAM_STOPS.deadline);
          if (wait > 0) await clock.sleep(wait);
          if (!bucket.tryTake()) continue;

          let output: LookupEventsCommandOutput;
          const timer = Number.isFinite(deadline) ? clock.timeout?.(Math.max(1, Math.ceil(deadline - clock.now()))) : undefined;
          const signal = timer === undefined ? interrupt : interrupt === undefined ? timer : AbortSignal.any([timer, interrupt]);
          try {
            outcome.requests += 1;
            output = await client.send(
              new LookupEventsCommand({
                LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: BEDROCK_EVENT_SOURCE }],
                StartTime: new Date(cursor.from),
                EndTime: new Date(cursor.to),
                MaxResults: pageSize,
                ...(cursor.nextToken === null ? {} : { NextToken: cursor.nextToken }),
              }),
              signal === undefined ? {} : { abortSignal: signal },
            );
          } catch (error) {
            bucket.answered();
            const name = errorName(error);
            if (name === 'InvalidNextTokenException' && cursor.nextToken !== null) {
              // Tokens expire: re-query up to the boundary; the boundary IDs prevent duplicates.
              cursor = restartCursor(cursor);
              continue;
            }
            // The page in flight at the deadline is dropped; the cursor still points at it.
            if (interrupted()) return stop(STREAM_STOPS.interrupted);
            if (signal?.aborted === true) return stop(STREAM_STOPS.deadline);
            const throttled = THROTTLING.has(name);
            if (throttled) outcome.throttled += 1;
            if (throttled || TRANSIENT.has(name) || ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0) >= 500) {
              attempt += 1;
              if (attempt >= backoff.maxAttempts) return stop(STREAM_STOPS.error, `gave up after ${attempt} attempts: ${describe(error)}`);
              const delay = Math.floor(random() * Math.min(backoff.capMs, backoff.baseMs * 2 ** attempt));
              if (clock.now() + delay >= deadline) return stop(STREAM_STOPS.deadline);
              await clock.sleep(delay);
              continue;
            }
            return stop(STREAM_STOPS.error, describe(error));
          }
          bucket.answered();
          attempt = 0;
          // Another stream used up the budget meanwhile: keep the cursor on this page, token and all.
          if (remaining <= 0) return stop(STREAM_STOPS.budget);
          outcome.pages += 1;
          const records = (output.Events ?? []).map(toRecord);
          const accepted = acceptPage(cursor, { events: records, nextToken: output.NextToken ?? null }, remaining);
          remaining -= accepted.emitted.length;
          outcome.skipped += accepted.skipped;
          outcome.recordsRead += accepted.emitted.length;
          if (accepted.emitted.length > 0) await onEvents(cursor, accepted.emitted);
          cursor = accepted.cursor;
        }
        return stop(STREAM_STOPS.done);
      }

      return Promise.all(cursors.map(runStream));
    },
  };
}

/** Options of {@link createCloudTrailClientFactory}. */
export interface CloudTrailClientFactoryOptions {
  /** Role name assumed in each member account (`REPLAY_ROLE_NAME`); null: own account only. */
  roleName: string | null;
  /** STS client used to assume roles; defaults to one in `stsRegion`. */
  sts?: STSClient;
  /** Region of the default STS client (regional endpoint); defaults to the SDK's Region chain. */
  stsRegion?: string;
  /** Explicit CloudTrail endpoint (tests); otherwise the SDK's own resolution (`AWS_ENDPOINT_URL_CLOUDTRAIL`). */
  endpoint?: string;
  /** Session name shown in the member account's CloudTrail. */
  sessionName?: string;
  /** Current time, for credential expiry; defaults to `Date.now`. */
  now?: () => number;
}

/** AWS partition of a Region code. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}

/** Thrown when assuming the replay role in a member account fails. */
export class AssumeRoleError extends CrisAuditorError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AssumeRoleError';
  }
}

/**
 * Builds `clientFor(region, account)`: CloudTrail clients with `maxAttempts: 1` (the lookup does
 * its own paced retries), cached per (account, Region). For another account it assumes
 * `arn:<partition>:iam::<account>:role/<roleName>` through STS `AssumeRole`, caching the session
 * per account until five minutes before it expires.
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export function createCloudTrailClientFactory(options: CloudTrailClientFactoryOptions): (region: string, account: string | null) => CloudTrailClient {
  const clients = new Map<string, CloudTrailClient>();
  const sessions = new Map<string, Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date }>>();
  const now = options.now ?? Date.now;
  let sts = options.sts;

  function assume(account: string, region: string) {
    const fresh = async () => {
      sts ??= new STSClient(options.stsRegion === undefined ? {} : { region: options.stsRegion });
      const roleArn = `arn:${partitionOf(region)}:iam::${account}:role/${options.roleName ?? ''}`;
      try {
        const output = await sts.send(
          new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: options.sessionName ?? 'cris-auditor-replay', DurationSeconds: 3600 }),
        );
        const c = output.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) {
          throw new AssumeRoleError(`AssumeRole ${roleArn} returned no credentials`);
        }
        return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
      } catch (error) {
        sessions.delete(account);
        if (error instanceof AssumeRoleError) throw error;
        throw new AssumeRoleError(`cannot assume ${roleArn}: ${describe(error)}`, { cause: error });
      }
    };
    return async () => {
      const current = sessions.get(account);
      if (current !== undefined) {
        const credentials = await current;
        if (credentials.expiration.getTime() - now() > 5 * 60_000) return credentials;
      }
      const pending = fresh();
      sessions.set(account, pending);
      return pending;
    };
  }

  return (region, account) => {
    const key = `${account ?? 'self'}|${region}`;
    const existing = clients.get(key);
    if (existing !== undefined) return existing;
    if (account !== null && (options.roleName === null || options.roleName === '')) {
      throw new ConfigurationError(`REPLAY_ROLE_NAME is not set, so account ${account} cannot be read; set it to a role every member account trusts`);
    }
    const client = new CloudTrailClient({
      region,
      maxAttempts: 1,
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(account === null ? {} : { credentials: assume(account, region) }),
    });
    clients.set(key, client);
    return client;
  };
}
