/**
 * Inflates a whole small gzip file into an output buffer that is reused from file to file.
 *
 * Why: `gunzipSync` returns a fresh buffer per file. On an organization trail (thousands of ~1 MB
 * files) read by two worker threads, glibc hands each worker's freed buffers back to the kernel
 * (arena heap trimming) and the next file faults every page in again: measured on the org-trail
 * bench, 200k page faults and 1.3 s of system time, and the two workers slower together than one
 * thread alone. Inflating into one long-lived buffer per thread removes the churn.
 *
 * Node has no public API to inflate into a caller's buffer, so this drives the same native handle
 * `gunzipSync` drives (`_handle.writeSync`, `_writeState`; see `processChunkSync` in Node's
 * lib/zlib.js), feature-detected once. Anything unexpected (another Node without those members, a
 * zlib error, output over the limit) returns null and the caller takes its ordinary path, which
 * reports exactly what it always did, and so does a file whose inflated size is not the one its
 * trailer states (every file of several members, too).
 * @see https://github.com/nodejs/node/blob/v20.x/lib/zlib.js
 */
import { Buffer } from 'node:buffer';
import { constants, createGunzip, type Gunzip, type ZlibReset } from 'node:zlib';

/** The members of Node's zlib stream used here; absent or different on an unknown Node. */
interface NativeZlib {
  _handle: { writeSync(flush: number, input: Uint8Array, inOffset: number, inLength: number, output: Uint8Array, outOffset: number, outLength: number): void } | null;
  _writeState: Uint32Array;
}

function native(stream: Gunzip): NativeZlib | null {
  const candidate = stream as unknown as Partial<NativeZlib>;
  return typeof candidate._handle?.writeSync === 'function' && candidate._writeState instanceof Uint32Array && candidate._writeState.length >= 2
    ? (candidate as NativeZlib)
    : null;
}

/** Smallest output buffer kept; it grows to the largest file seen (up to the limit). */
const MIN_OUTPUT_BYTES = 1024 * 1024;

/**
 * One per thread. The bytes of a call are lent until {@link release}; a call made while they are
 * still lent (two readers interleaved) inflates into a fresh buffer instead, so it never overwrites them.
 */
export class WholeGunzip {
  private stream: Gunzip | null = null;
  private output: Buffer | null = null;
  private lent = false;
  private unsupported = false;

  /** @param maxOutputBytes larger outputs return null (the caller streams them instead) */
  public constructor(private readonly maxOutputBytes: number) {}

  /**
   * The inflated bytes of `input`, or null when this path cannot inflate it: the caller then reads
   * the file its ordinary way. Call {@link release} when done with the bytes.
   * @param sizeHint the gzip trailer's ISIZE: the buffer is sized from it, and the output must match it
   */
  public inflate(input: Buffer, sizeHint: number): Buffer | null {
    if (this.unsupported) return null;
    const stream = this.stream ?? this.open();
    if (stream === null) return null;
    this.stream = null;
    const zlib = native(stream)!;
    const reuse = !this.lent && this.output !== null && this.output.length > sizeHint;
    let output = reuse ? this.output! : Buffer.allocUnsafe(Math.min(Math.max(MIN_OUTPUT_BYTES, sizeHint + 64), this.maxOutputBytes + 1));
    let inOffset = 0;
    let outOffset = 0;
    try {
      for (;;) {
        zlib._handle!.writeSync(constants.Z_FINISH, input, inOffset, input.length - inOffset, output, outOffset, output.length - outOffset);
        // A zlib error closes the handle and destroys the stream synchronously (its 'error' event
        // comes later, to the listener of open()).
        if (stream.destroyed || zlib._handle === null) return null;
        const availableOut = zlib._writeState[0]!;
        const availableIn = zlib._writeState[1]!;
        inOffset = input.length - availableIn;
        outOffset = output.length - availableOut;
        if (outOffset > this.maxOutputBytes) return discard(stream);
        if (availableOut > 0) break;
        const larger = Buffer.allocUnsafe(Math.min(output.length * 2, this.maxOutputBytes + 1));
        output.copy(larger, 0, 0, outOffset);
        output = larger;
      }
      // Input left over (not another member): the ordinary path says what is wrong with it.
      if (inOffset !== input.length) return discard(stream);
      // Defence in depth against a Node whose internals moved: the byte count must be the one the
      // trailer states (ISIZE, modulo 2^32; zlib has checked the CRC). A file of several members
      // states only its last one's and is streamed instead.
      if (outOffset % 2 ** 32 !== sizeHint) return discard(stream);
      // Node's Gunzip has reset() (every zlib stream does) though its type does not say so.
      (stream as unknown as ZlibReset).reset();
      this.stream = stream;
    } catch {
      return discard(stream);
    }
    if (!this.lent) {
      this.output = output;
      this.lent = true;
    }
    return output.subarray(0, outOffset);
  }

  /** The bytes of the last call are no longer used: the buffer may be reused. */
  public release(bytes: Buffer): void {
    if (this.output !== null && bytes.buffer === this.output.buffer) this.lent = false;
  }

  private open(): Gunzip | null {
    const stream = createGunzip();
    if (native(stream) === null) {
      this.unsupported = true;
      stream.destroy();
      return null;
    }
    // Errors are read from the stream's state right after each call; the event itself is ignored.
    stream.on('error', () => {});
    return stream;
  }
}

function discard(stream: Gunzip): null {
  stream.destroy();
  return null;
}
