/**
 * Client-side pacing for CloudTrail `LookupEvents`: AWS allows at most 2 requests per second per
 * account and Region. A token bucket per (account, Region) keeps each stream under that limit
 * while the streams run in parallel. Pure: time comes from an injected clock.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html
 */

/** CloudTrail's documented `LookupEvents` limit: requests per second per account per Region. */
export const LOOKUP_EVENTS_RATE = { ratePerSecond: 2, burst: 2 } as const;

/** Options of {@link createTokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Capacity: how many requests may go out back to back after an idle period. */
  burst: number;
  /** Current time in milliseconds (e.g. `Date.now`, or a fake clock in tests). */
  now: () => number;
}

/** A token bucket; one caller at a time per bucket (a stream's requests are sequential). */
export interface TokenBucket {
  /** Milliseconds to wait before a token is available; 0 when one is available now. Takes nothing. */
  delayMs(): number;
  /**
   * Takes one token for a request being sent now. Returns false (and takes nothing) when none is
   * available, so a caller that woke up early waits {@link delayMs} again.
   */
  tryTake(): boolean;
  /**
   * Marks the request taken last as answered. Time spent in flight earns no tokens: the server saw
   * the request some time after it was sent, so refilling only from the answer on keeps the client
   * behind the server's own bucket, whatever the latency.
   */
  answered(): void;
}

/**
 * Creates a full token bucket.
 * @throws RangeError when the rate or burst is not positive.
 */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { ratePerSecond, burst, now } = options;
  if (!(ratePerSecond > 0) || !(burst >= 1)) {
    throw new RangeError(`token bucket needs ratePerSecond > 0 and burst >= 1, got ${ratePerSecond} and ${burst}`);
  }
  let tokens = burst;
  let updatedAt = now();

  function refill(): void {
    const at = now();
    if (at > updatedAt) {
      tokens = Math.min(burst, tokens + ((at - updatedAt) / 1000) * ratePerSecond);
      updatedAt = at;
    }
  }

  return {
    delayMs() {
      refill();
      return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / ratePerSecond) * 1000);
    },
    tryTake() {
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    answered() {
      updatedAt = Math.max(updatedAt, now());
    },
  };
}

/** One token bucket per key (`<account>|<region>`), created on first use. */
export interface RateLimiter {
  bucketFor(key: string): TokenBucket;
}

/** Creates a {@link RateLimiter} whose buckets share the given rate, burst and clock. */
export function createRateLimiter(options: TokenBucketOptions): RateLimiter {
  const buckets = new Map<string, TokenBucket>();
  return {
    bucketFor(key) {
      let bucket = buckets.get(key);
      if (bucket === undefined) {
        bucket = createTokenBucket(options);
        buckets.set(key, bucket);
      }
      return bucket;
    },
  };
}
