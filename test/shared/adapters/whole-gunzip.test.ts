import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { WholeGunzip } from '../../../shared/adapters/whole-gunzip.js';

const text = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `{"eventID":"${i}"}`).join(','));

describe('WholeGunzip', () => {
  const gz = (bytes: Buffer | string) => {
    const data = gzipSync(bytes);
    return { data, size: data.readUInt32LE(data.length - 4) };
  };

  it('inflates file after file into one reused buffer, growing it when a file is larger', () => {
    const gunzip = new WholeGunzip(16 * 1024 * 1024);
    const first = text(50_000);
    const a = gunzip.inflate(gz(first).data, gz(first).size)!;
    expect(a.equals(first)).toBe(true);
    gunzip.release(a);
    const second = text(20_000);
    const b = gunzip.inflate(gz(second).data, gz(second).size)!;
    expect(b.equals(second)).toBe(true);
    expect(b.buffer).toBe(a.buffer);
    gunzip.release(b);
    const third = text(200_000);
    const c = gunzip.inflate(gz(third).data, gz(third).size)!;
    expect(c.equals(third)).toBe(true);
  });

  it('refuses an output whose size is not the one the trailer states (a lying trailer, several members)', () => {
    const gunzip = new WholeGunzip(16 * 1024 * 1024);
    const bytes = text(20_000);
    expect(gunzip.inflate(gz(bytes).data, 10)).toBeNull();
    expect(gunzip.inflate(Buffer.concat([gzipSync('{"a":'), gzipSync('1}')]), 2)).toBeNull();
    expect(gunzip.inflate(gz(bytes).data, gz(bytes).size)?.equals(bytes)).toBe(true);
  });

  it('never overwrites bytes still lent: a second call inflates into a fresh buffer', () => {
    const gunzip = new WholeGunzip(1024 * 1024);
    const lent = gunzip.inflate(gzipSync('{"a":1}'), 7)!;
    const other = gunzip.inflate(gzipSync('{"b":2}'), 7)!;
    expect(lent.toString()).toBe('{"a":1}');
    expect(other.toString()).toBe('{"b":2}');
    expect(other.buffer).not.toBe(lent.buffer);
  });

  it('returns null (the caller streams the file and reports it) for a cut, corrupt or oversized file, and goes on working', () => {
    const gunzip = new WholeGunzip(64 * 1024);
    const whole = gzipSync(text(1_000));
    const size = text(1_000).length;
    expect(gunzip.inflate(whole.subarray(0, whole.length - 10), size)).toBeNull();
    const corrupt = Buffer.from(whole);
    corrupt[20] = corrupt[20]! ^ 0xff;
    corrupt[21] = corrupt[21]! ^ 0xff;
    expect(gunzip.inflate(corrupt, size)).toBeNull();
    expect(gunzip.inflate(gzipSync(text(100_000)), text(100_000).length)).toBeNull();
    expect(gunzip.inflate(Buffer.concat([whole, Buffer.from('trailing garbage')]), size)).toBeNull();
    expect(gunzip.inflate(whole, size)?.equals(text(1_000))).toBe(true);
  });
});
