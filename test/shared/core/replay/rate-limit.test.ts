import { describe, expect, it } from 'vitest';
import { createRateLimiter, createTokenBucket, LOOKUP_EVENTS_RATE } from '../../../../shared/core/replay/rate-limit.js';

function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => { time += ms; } };
}

describe('token bucket', () => {
  it('lets a burst of 2 through, then one request every 500 ms at 2 requests per second', () => {
    // Prepare
    const clock = fakeClock();
    const bucket = createTokenBucket({ ...LOOKUP_EVENTS_RATE, now: clock.now });

    // Act
    const burst = [bucket.tryTake(), bucket.tryTake(), bucket.tryTake()];
    const waitAfterBurst = bucket.delayMs();
    clock.advance(499);
    const tooEarly = bucket.tryTake();
    clock.advance(1);
    const onTime = bucket.tryTake();

    // Assess
    expect(burst).toEqual([true, true, false]);
    expect(waitAfterBurst).toBe(500);
    expect(tooEarly).toBe(false);
    expect(onTime).toBe(true);
  });

  it('never holds more than the burst after a long idle period', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 2, burst: 2, now: clock.now });
    clock.advance(60_000);

    const taken = [1, 2, 3].map(() => bucket.tryTake());

    expect(taken).toEqual([true, true, false]);
  });

  it('paces 20 sequential requests to 2 per second after the burst', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 2, burst: 2, now: clock.now });
    const sentAt: number[] = [];

    for (let i = 0; i < 20; i += 1) {
      clock.advance(bucket.delayMs());
      expect(bucket.tryTake()).toBe(true);
      sentAt.push(clock.now() - 1_000_000);
    }

    expect(sentAt.slice(0, 4)).toEqual([0, 0, 500, 1000]);
    expect(sentAt.at(-1)).toBe(9000);
  });

  it.each([
    ['zero rate', 0, 2],
    ['burst below one', 2, 0],
  ])('refuses a %s', (_name, ratePerSecond, burst) => {
    expect(() => createTokenBucket({ ratePerSecond, burst, now: () => 0 })).toThrow(RangeError);
  });
});

describe('rate limiter', () => {
  it('keeps one independent bucket per stream key', () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ ratePerSecond: 2, burst: 2, now: clock.now });

    const tokyo = [limiter.bucketFor('self|ap-northeast-1').tryTake(), limiter.bucketFor('self|ap-northeast-1').tryTake(), limiter.bucketFor('self|ap-northeast-1').tryTake()];
    const osaka = limiter.bucketFor('self|ap-northeast-3').tryTake();

    expect(tokyo).toEqual([true, true, false]);
    expect(osaka).toBe(true);
  });
});

describe('token bucket with answers', () => {
  it('earns no tokens while a request is in flight, so server-side arrival never runs ahead', () => {
    const clock = fakeClock();
    const bucket = createTokenBucket({ ratePerSecond: 2, burst: 2, now: clock.now });
    bucket.tryTake();
    bucket.tryTake();
    clock.advance(40); // second request in flight for 40 ms
    bucket.answered();

    const wait = bucket.delayMs();

    expect(wait).toBe(500);
  });
});
