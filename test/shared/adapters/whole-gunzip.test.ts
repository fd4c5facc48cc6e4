import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WholeGunzip } from '../../../shared/adapters/whole-gunzip.js';

const text = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `{"eventID":"${i}"}`).join(','));

describe('WholeGunzip', () => {
  it('inflates file after file into one reused buffer, a size hint that lies included', () => {
    const gunzip = new WholeGunzip(16 * 1024 * 1024);
    const first = text(50_000);
    const a = gunzip.inflate(gzipSync(first), first.length)!;
    expect(a.equals(first)).toBe(true);
    gunzip.release(a);
    const second = text(20_000);
    const b = gunzip.inflate(gzipSync(second), 10)!;
    expect(b.equals(second)).toBe(true);
    expect(b.buffer).toBe(a.buffer);
    gunzip.release(b);
    // A hint far too small: the buffer grows, the bytes are whole.
    const third = text(200_000);
    const c = gunzip.inflate(gzipSync(third), 1)!;
    expect(c.equals(third)).toBe(true);
  });

  it('never overwrites bytes still lent: a second call inflates into a fresh buffer', () => {
    const gunzip = new WholeGunzip(1024 * 1024);
    const lent = gunzip.inflate(gzipSync('{"a":1}'), 7)!;
    const other = gunzip.inflate(gzipSync('{"b":2}'), 7)!;
    expect(lent.toString()).toBe('{"a":1}');
    expect(other.toString()).toBe('{"b":2}');
    expect(other.buffer).not.toBe(lent.buffer);
  });

  it('reads concatenated members whole, as gunzip does', () => {
    const gunzip = new WholeGunzip(1024 * 1024);
    expect(gunzip.inflate(Buffer.concat([gzipSync('{"a":'), gzipSync('1}')]), 7)?.toString()).toBe('{"a":1}');
  });

  it('returns null (the caller streams the file and reports it) for a cut, corrupt or oversized file, and goes on working', () => {
    const gunzip = new WholeGunzip(64 * 1024);
    const whole = gzipSync(text(1_000));
    expect(gunzip.inflate(whole.subarray(0, whole.length - 10), 100)).toBeNull();
    const corrupt = Buffer.from(whole);
    corrupt[20] = corrupt[20]! ^ 0xff;
    corrupt[21] = corrupt[21]! ^ 0xff;
    expect(gunzip.inflate(corrupt, 100)).toBeNull();
    expect(gunzip.inflate(gzipSync(text(100_000)), 100)).toBeNull();
    expect(gunzip.inflate(Buffer.concat([whole, Buffer.from('trailing garbage')]), 100)).toBeNull();
    expect(gunzip.inflate(whole, 100)?.equals(text(1_000))).toBe(true);
  });
});
