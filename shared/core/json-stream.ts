import { Buffer, isAscii, isUtf8 } from 'node:buffer';

/** Defaults of {@link JsonSplitter}. */
export const JSON_STREAM_DEFAULTS = {
  /**
   * Largest single JSON value (a whole non-streamable document, or one array element) buffered.
   * CloudTrail records, EventBridge events (256 KB) and LookupEvents pages (50 events) are far
   * smaller; parsing a value takes several times its size in memory, so the limit keeps a reader
   * (two of them on worker threads) within 256 MB.
   */
  maxValueBytes: 8 * 1024 * 1024,
} as const;

/** Top-level object keys whose array is streamed element by element. */
export const STREAMED_KEYS = ['Records', 'Events'] as const;

/** Where a split value came from: an element of a streamed array, or a whole top-level value. */
export type SplitContainer = (typeof STREAMED_KEYS)[number] | 'array' | null;

/**
 * What the splitter emits. `value`: the UTF-8 text of one complete JSON value, ready for
 * `JSON.parse` (not yet validated). `problem`: a part of the input that cannot be used; `fatal`
 * means the rest of the input is not read.
 */
export type SplitItem =
  | {
      kind: 'value';
      text: string;
      /** 1-based line where the value starts. */
      line: number;
      /** `Records`/`Events`: element of that array of a top-level object; `array`: element of a
       * top-level array; `null`: a whole top-level value. */
      container: SplitContainer;
      /** Element index within its container (0 for whole values). */
      index: number;
      /** Present (true) when the value's bytes are not valid UTF-8: `text` then holds U+FFFD
       * in place of each invalid sequence. */
      invalidUtf8?: true;
    }
  | { kind: 'problem'; reason: string; line: number; fatal: boolean }
  /** `count` elements of the `Records` array that the {@link ElementFilter} left out, in place. */
  | { kind: 'skipped'; count: number };

/**
 * Decides from its bytes alone whether an element of a streamed `Records` array may be left out (counted,
 * never decoded nor emitted). The splitter asks only about an element that it has checked to be
 * exactly one valid JSON object (the grammar `JSON.parse` accepts), valid UTF-8, with no byte below
 * 0x20 and no `\u` escape, lying whole in one chunk and followed by `,` or `]`; while checking it, it
 * notes which of {@link strings} occur in it. Anything else is emitted as a `value`, as without a filter.
 */
export interface ElementFilter {
  /**
   * Strings to look for (at most 31), each matched against every string of the element, keys
   * included: `prefix` when a string starting with `text` counts, else the whole string must be
   * `text`. `text` may not hold `"`, `\`, `/` or a control character: those are the only characters a
   * short escape (`\"`, `\/`, `\n`, …) can stand for, so without `\u` escapes every decoded string
   * that matches has bytes that match, and a string the splitter reports absent is absent.
   */
  readonly strings: readonly { text: string; prefix: boolean }[];
  /** Whether to leave the element out; bit `i` of `found` is set when `strings[i]` occurs in it. */
  skip(found: number): boolean;
}

/** Options of {@link JsonSplitter}. */
export interface JsonSplitterOptions {
  /** See {@link JSON_STREAM_DEFAULTS.maxValueBytes}. */
  maxValueBytes?: number;
  /** Leaves out the `Records` elements it accepts (see {@link ElementFilter}). */
  elementFilter?: ElementFilter;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const SPACE = 0x20;
const TAB = 0x09;
const CARRIAGE_RETURN = 0x0d;
const MAX_KEY_BYTES = 64;
const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;

/** How lines relate to values; fixed by the first top-level value. */
type LineMode = 'first' | 'lines' | 'document';

/**
 * Splits a stream of JSON bytes into JSON values with memory bounded by the largest single value,
 * without parsing: it walks the bytes once, aware of strings, escapes and nesting depth, and decodes
 * only the byte slice of each value it emits. Chunks may split a value, an escape or a multi-byte
 * UTF-8 character anywhere.
 *
 * Layouts handled, told apart by content:
 * - one JSON document, possibly pretty-printed, or several concatenated (`jq` output);
 * - NDJSON: when the first value ends on its first line, every line is independent; a broken line
 *   is a problem with its line number and the next line starts afresh.
 *
 * Streaming: the elements of a top-level array, and of the `Records` or `Events` array of a
 * top-level object, are emitted one by one as soon as each is complete; any other top-level value
 * is emitted whole, up to `maxValueBytes`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc8259 (JSON)
 * @see https://github.com/ndjson/ndjson-spec
 */
export class JsonSplitter {
  private readonly maxValueBytes: number;
  private readonly filter: ElementFilter | null;
  private out: SplitItem[] = [];
  private fatal = false;
  private bomBytes = 0;
  private mode: LineMode = 'first';
  private line = 1;
  private depth = 0;
  private stack: number[] = [];
  private inString = false;
  private escapePending = false;
  private skippingLine = false;
  // Current top-level value.
  private topActive = false;
  private topScalar = false;
  private topIsObject = false;
  private topStartLine = 1;
  // Keys at depth 1 of a top-level object, to spot `Records`/`Events`.
  private expectKey = false;
  private keyCapturing = false;
  private keyPieces: Buffer[] = [];
  private keyStart = 0;
  private keyBytes = 0;
  private lastKey: string | null = null;
  // The array being streamed.
  private container: SplitContainer = null;
  private containerDepth = 0;
  private elementIndex = 0;
  private elementActive = false;
  private elementLine = 0;
  /** In a streamed array, where the next element may start (after `[` or `,`). */
  private expectElement = false;
  /** The last element was left out by the filter (so a `,` after it is not an empty element). */
  private elementSkipped = false;
  /** Elements left out since the last emitted item. */
  private skipped = 0;
  // Per chunk (push() voids them), for the filter: the scanner's state (its backslash cursor, the
  // strings it looks for), where the next byte below 0x20 is (-1: not looked for yet), and whether
  // the chunk is all ASCII (null: not checked yet).
  private readonly plainScan: PlainScan;
  private nextControl = -1;
  private chunkAscii: boolean | null = null;
  // Bytes of the value being captured (a whole top-level value or one element).
  private capturing = false;
  private captureStart = 0;
  private pieces: Buffer[] = [];
  private captureBytes = 0;
  private captureOverflow = false;
  private captureInvalidUtf8 = false;
  private topValues = 0;

  public constructor(options: JsonSplitterOptions = {}) {
    this.maxValueBytes = options.maxValueBytes ?? JSON_STREAM_DEFAULTS.maxValueBytes;
    this.filter = options.elementFilter ?? null;
    this.plainScan = { backslash: -1, probes: this.filter === null ? null : stringProbes(this.filter.strings), found: 0 };
  }

  /** How many top-level values have started so far (0 at the end: the input held no JSON value). */
  public get topLevelValues(): number {
    return this.topValues;
  }

  /** Feeds the next chunk; returns what became complete. */
  public push(input: Uint8Array): SplitItem[] {
    this.out = [];
    if (this.fatal) return this.out;
    let chunk = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (this.bomBytes < UTF8_BOM.length) {
      // A byte order mark may itself arrive split across chunks.
      let k = 0;
      while (k < chunk.length && this.bomBytes < UTF8_BOM.length && chunk[k] === UTF8_BOM[this.bomBytes]) {
        k++;
        this.bomBytes++;
      }
      if (k < chunk.length) this.bomBytes = UTF8_BOM.length;
      chunk = chunk.subarray(k);
    }
    this.plainScan.backslash = -1;
    this.nextControl = -1;
    this.chunkAscii = null;
    this.scan(chunk);
    this.flushSkipped();
    return this.out;
  }

  /** Signals the end of input; returns the last value or the problem of a truncated one. */
  public end(): SplitItem[] {
    this.out = [];
    if (this.fatal) return this.out;
    if (this.inString || this.depth > 0) {
      const inside = this.inString ? 'a string' : this.stack[this.stack.length - 1] === OPEN_ARRAY ? 'an array' : 'an object';
      this.problem(this.topStartLine, `unexpected end of input inside ${inside}: the JSON value that starts on this line is truncated`, true);
    } else if (this.topActive) {
      this.endTop(null, 0);
    }
    this.resetValue();
    this.flushSkipped();
    return this.out;
  }

  private flushSkipped(): void {
    if (this.skipped === 0) return;
    this.out.push({ kind: 'skipped', count: this.skipped });
    this.skipped = 0;
  }

  private scan(chunk: Buffer): void {
    const length = chunk.length;
    let nextNewline = chunk.indexOf(NEWLINE);
    if (nextNewline === -1) nextNewline = length;
    let i = 0;
    if (this.capturing) this.captureStart = 0;
    if (this.keyCapturing) this.keyStart = 0;
    if (this.skippingLine) {
      if (nextNewline === length) return;
      i = nextNewline;
      this.skippingLine = false;
    }
    for (; i < length; i++) {
      if (this.inString) {
        let from = i;
        if (this.escapePending) {
          this.escapePending = false;
          from++;
          if (from >= length) break;
        }
        let quote = from;
        for (;;) {
          quote = chunk.indexOf(QUOTE, quote);
          if (quote === -1) break;
          let k = quote - 1;
          while (k >= from && chunk[k] === BACKSLASH) k--;
          if (((quote - 1 - k) & 1) === 0) break;
          quote++;
        }
        const stop = quote === -1 ? length : quote;
        if (nextNewline < stop) {
          // A raw newline inside a string is never valid JSON.
          if (this.mode !== 'document') {
            i = nextNewline - 1;
            this.inString = false;
            this.brokenLine('a line break inside a string (the line is cut short?)');
            continue;
          }
          while (nextNewline < stop) {
            this.line++;
            nextNewline = chunk.indexOf(NEWLINE, nextNewline + 1);
            if (nextNewline === -1) nextNewline = length;
          }
        }
        if (quote === -1) {
          let k = length - 1;
          while (k >= from && chunk[k] === BACKSLASH) k--;
          this.escapePending = ((length - 1 - k) & 1) === 1;
          break;
        }
        this.inString = false;
        i = quote;
        this.stringEnded(chunk, quote);
        continue;
      }
      const c = chunk[i]!;
      switch (c) {
        case QUOTE:
          this.valueByteAt(chunk, i);
          if (this.depth === 1 && this.expectKey && this.topIsObject) {
            this.expectKey = false;
            this.keyCapturing = true;
            this.keyStart = i + 1;
            this.keyPieces = [];
            this.keyBytes = 0;
          } else if (this.depth === 1) {
            this.lastKey = null;
          }
          this.inString = true;
          break;
        case OPEN_OBJECT:
        case OPEN_ARRAY:
          if (c === OPEN_OBJECT && this.expectElement && this.filter !== null && this.container === 'Records' && this.depth === this.containerDepth) {
            const end = this.plainElementEnd(chunk, i);
            if (end > 0 && this.filter.skip(this.plainScan.found)) {
              this.skipped++;
              this.elementIndex++;
              this.expectElement = false;
              this.elementSkipped = true;
              i = end - 1;
              break;
            }
          }
          this.valueByteAt(chunk, i);
          this.stack.push(c);
          this.depth++;
          if (this.depth === 1) {
            if (c === OPEN_OBJECT) {
              this.topIsObject = true;
              this.expectKey = true;
            } else {
              this.startContainer('array');
            }
          } else if (this.depth === 2 && c === OPEN_ARRAY && this.topIsObject && this.container === null && this.lastKey !== null) {
            this.startContainer(this.lastKey as SplitContainer);
          }
          break;
        case CLOSE_OBJECT:
        case CLOSE_ARRAY: {
          const open = this.stack.pop();
          if (open === undefined || (c === CLOSE_OBJECT) !== (open === OPEN_OBJECT)) {
            i = this.structureError(chunk, i, nextNewline, open === undefined ? `unexpected "${String.fromCharCode(c)}"` : 'mismatched brackets');
            break;
          }
          if (this.container !== null && this.depth === this.containerDepth) {
            if (this.elementActive) this.endElement(chunk, i);
            this.container = null;
            this.expectElement = false;
            this.elementSkipped = false;
          }
          this.depth--;
          if (this.depth === 0) this.endTop(chunk, i + 1);
          else if (this.depth === 1) this.lastKey = null;
          break;
        }
        case COMMA:
          if (this.depth === 0) {
            i = this.structureError(chunk, i, nextNewline, 'unexpected ","');
            break;
          }
          if (this.container !== null && this.depth === this.containerDepth) {
            if (this.elementActive) this.endElement(chunk, i);
            else if (!this.elementSkipped) this.problem(this.line, `${this.where()}: empty array element`, false);
            this.elementSkipped = false;
            this.expectElement = true;
          }
          if (this.depth === 1 && this.topIsObject) {
            this.expectKey = true;
            this.lastKey = null;
          }
          break;
        case COLON:
          break;
        case NEWLINE:
          nextNewline = chunk.indexOf(NEWLINE, i + 1);
          if (nextNewline === -1) nextNewline = length;
          if (this.depth === 0) {
            if (this.topScalar) this.endTop(chunk, i);
          } else if (this.mode === 'first') {
            this.mode = 'document';
          } else if (this.mode === 'lines') {
            this.brokenLine(`incomplete JSON value (the line ends inside ${this.insideWhat()})`);
          }
          this.line++;
          break;
        case SPACE:
        case TAB:
        case CARRIAGE_RETURN:
          if (this.topScalar) this.endTop(chunk, i);
          break;
        default:
          this.valueByteAt(chunk, i);
          if (this.depth === 1) this.lastKey = null;
      }
      if (this.fatal) return;
    }
    this.chunkEnded(chunk);
  }

  /** A byte that starts or continues a value (not whitespace, not `,` `:` or a closer). */
  private valueByteAt(chunk: Buffer, i: number): void {
    if (this.depth === 0) {
      if (this.topScalar) {
        if (chunk[i] === QUOTE || chunk[i] === OPEN_OBJECT || chunk[i] === OPEN_ARRAY) this.endTop(chunk, i);
        else return;
      }
      if (!this.topActive) this.startTop(chunk, i);
    } else if (this.container !== null && this.depth === this.containerDepth && !this.elementActive) {
      this.elementActive = true;
      this.expectElement = false;
      this.elementSkipped = false;
      this.elementLine = this.line;
      this.beginCapture(i);
    }
  }

  private startTop(chunk: Buffer, i: number): void {
    const c = chunk[i];
    this.topValues++;
    this.topActive = true;
    this.topStartLine = this.line;
    this.topIsObject = false;
    this.topScalar = c !== OPEN_OBJECT && c !== OPEN_ARRAY && c !== QUOTE;
    this.lastKey = null;
    if (c !== OPEN_ARRAY) this.beginCapture(i);
  }

  private endTop(chunk: Buffer | null, end: number): void {
    if (this.capturing) {
      const text = this.finishCapture(chunk, end);
      if (text !== null) this.emit(this.valueItem(text, this.topStartLine, null, 0));
    }
    if (this.mode === 'first') this.mode = 'lines';
    this.topActive = false;
    this.topScalar = false;
    this.topIsObject = false;
    this.expectKey = false;
    this.lastKey = null;
  }

  private startContainer(container: SplitContainer): void {
    this.container = container;
    this.containerDepth = this.depth;
    this.elementIndex = 0;
    this.elementActive = false;
    this.expectElement = true;
    this.elementSkipped = false;
    // The top-level value is streamed, not buffered.
    this.capturing = false;
    this.pieces = [];
    this.captureBytes = 0;
  }

  private endElement(chunk: Buffer, end: number): void {
    const text = this.finishCapture(chunk, end);
    if (text !== null) this.emit(this.valueItem(text, this.elementLine, this.container, this.elementIndex));
    this.elementIndex++;
    this.elementActive = false;
  }

  private valueItem(text: string, line: number, container: SplitContainer, index: number): SplitItem {
    if (!this.captureInvalidUtf8) return { kind: 'value', text, line, container, index };
    this.captureInvalidUtf8 = false;
    return { kind: 'value', text, line, container, index, invalidUtf8: true };
  }

  private stringEnded(chunk: Buffer, quote: number): void {
    if (this.keyCapturing) {
      this.keyCapturing = false;
      const tail = chunk.subarray(this.keyStart, quote);
      const bytes = this.keyPieces.length === 0 ? tail : Buffer.concat([...this.keyPieces, tail]);
      this.keyPieces = [];
      this.lastKey = this.keyBytes + tail.length <= MAX_KEY_BYTES ? streamedKey(bytes) : null;
    } else if (this.depth === 0) {
      this.endTop(chunk, quote + 1);
    }
  }

  private beginCapture(i: number): void {
    this.capturing = true;
    this.captureStart = i;
    this.pieces = [];
    this.captureBytes = 0;
    this.captureOverflow = false;
  }

  private finishCapture(chunk: Buffer | null, end: number): string | null {
    this.capturing = false;
    if (this.captureOverflow) {
      this.captureOverflow = false;
      return null;
    }
    const tail = chunk === null ? null : chunk.subarray(this.captureStart, end);
    // A value inside one large chunk (a whole small file) is held to the same limit.
    if (this.captureBytes + (tail?.length ?? 0) > this.maxValueBytes) {
      this.overflow();
      this.captureOverflow = false;
      return null;
    }
    const pieces = this.pieces;
    this.pieces = [];
    if (pieces.length === 0 && tail === null) return '';
    if (tail !== null) pieces.push(tail);
    const bytes = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    // Decoding replaces invalid sequences silently; the check makes it visible (simdutf, cheap).
    this.captureInvalidUtf8 = !isUtf8(bytes);
    return bytes.toString('utf8');
  }

  private chunkEnded(chunk: Buffer): void {
    if (this.keyCapturing && this.keyStart < chunk.length) {
      const piece = Buffer.from(chunk.subarray(this.keyStart));
      this.keyBytes += piece.length;
      if (this.keyBytes <= MAX_KEY_BYTES) this.keyPieces.push(piece);
    }
    if (!this.capturing || this.captureOverflow) return;
    const piece = chunk.subarray(this.captureStart);
    if (this.captureBytes + piece.length > this.maxValueBytes) {
      this.overflow();
      return;
    }
    // Copied: the caller may reuse its chunk buffers.
    this.pieces.push(Buffer.from(piece));
    this.captureBytes += piece.length;
  }

  /** The value being captured is over the size limit: it is reported and not emitted. */
  private overflow(): void {
    this.captureOverflow = true;
    this.pieces = [];
    const limit = `${Math.round(this.maxValueBytes / (1024 * 1024))} MB`;
    const reason = this.elementActive
      ? `${this.where()} is larger than ${limit}; skipped`
      : `this JSON value is larger than ${limit} and is not a {"Records":[...]} log file, a LookupEvents response or an array, so it cannot be streamed; skipped`;
    this.problem(this.elementActive ? this.elementLine : this.topStartLine, reason, false);
  }

  /** In line mode, drops the value of the current line; the newline that follows starts afresh. */
  private brokenLine(reason: string): void {
    this.problem(this.line, reason, false);
    this.resetValue();
    this.mode = 'lines';
  }

  /** A structural error: fatal in a document; in NDJSON the rest of the line is dropped. */
  private structureError(chunk: Buffer, i: number, nextNewline: number, what: string): number {
    if (this.mode === 'document') {
      this.problem(this.line, `${what}: the JSON is malformed; the rest of this input is not read`, true);
      return i;
    }
    this.problem(this.line, `${what}: not valid JSON`, false);
    this.resetValue();
    this.mode = 'lines';
    if (nextNewline < chunk.length) return nextNewline - 1;
    this.skippingLine = true;
    return chunk.length;
  }

  /** Emits `item` after the count of the elements left out before it, so the order holds. */
  private emit(item: SplitItem): void {
    this.flushSkipped();
    this.out.push(item);
  }

  private problem(line: number, reason: string, fatal: boolean): void {
    this.emit({ kind: 'problem', reason, line, fatal });
    if (fatal) {
      this.fatal = true;
      this.resetValue();
    }
  }

  private resetValue(): void {
    this.depth = 0;
    this.stack = [];
    this.inString = false;
    this.escapePending = false;
    this.topActive = false;
    this.topScalar = false;
    this.topIsObject = false;
    this.expectKey = false;
    this.keyCapturing = false;
    this.keyPieces = [];
    this.lastKey = null;
    this.container = null;
    this.elementActive = false;
    this.expectElement = false;
    this.elementSkipped = false;
    this.capturing = false;
    this.pieces = [];
    this.captureBytes = 0;
    this.captureOverflow = false;
  }

  /**
   * The end (exclusive) of the object that starts at `chunk[start]`, when it can be offered to the
   * filter (see {@link ElementFilter}), else -1. No byte below 0x20 before its end, so it stays on
   * one line and its strings hold no raw control character.
   */
  private plainElementEnd(chunk: Buffer, start: number): number {
    if (this.nextControl < start) this.nextControl = firstControlByte(chunk, start);
    const limit = this.nextControl;
    this.plainScan.found = 0;
    const end = plainObjectEnd(chunk, start, limit, this.plainScan);
    if (end < 0 || end - start > this.maxValueBytes) return -1;
    let after = end;
    while (after < limit && chunk[after] === SPACE) after++;
    if (after >= limit || (chunk[after] !== COMMA && chunk[after] !== CLOSE_ARRAY)) return -1;
    this.chunkAscii ??= isAscii(chunk);
    if (!this.chunkAscii && !isUtf8(chunk.subarray(start, end))) return -1;
    return end;
  }

  private where(): string {
    return this.container === 'array' ? `[${this.elementIndex}]` : `${this.container ?? ''}[${this.elementIndex}]`;
  }

  private insideWhat(): string {
    return this.stack[this.stack.length - 1] === OPEN_ARRAY ? 'an array' : 'an object';
  }
}

function streamedKey(bytes: Buffer): string | null {
  let key = bytes.toString('utf8');
  if (key.includes('\\')) {
    try {
      key = JSON.parse(`"${key}"`) as string;
    } catch {
      return null;
    }
  }
  return (STREAMED_KEYS as readonly string[]).includes(key) ? key : null;
}

/** Position of the first byte below 0x20 in `bytes` from `from`, or `bytes.length` when there is none. */
export function firstControlByte(bytes: Uint8Array, from = 0): number {
  const length = bytes.length;
  let i = from;
  // Byte by byte up to a 4-byte boundary, then 16 bytes at a time: `(x - 0x20202020) & ~x &
  // 0x80808080` is non-zero exactly when one of the four bytes of `x` is below 0x20. The 16 bytes
  // holding the first such byte, and the tail, are searched byte by byte (~6 GB/s here, 3x the
  // one-word loop).
  for (; i < length && ((bytes.byteOffset + i) & 3) !== 0; i++) if (bytes[i]! < 0x20) return i;
  const words = (length - i) >>> 2;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    let w = 0;
    for (; w + 4 <= words; w += 4) {
      const a = view[w]!;
      const b = view[w + 1]!;
      const c = view[w + 2]!;
      const d = view[w + 3]!;
      if ((((a - 0x20202020) & ~a) | ((b - 0x20202020) & ~b) | ((c - 0x20202020) & ~c) | ((d - 0x20202020) & ~d)) & 0x80808080) break;
    }
    i += w * 4;
  }
  for (; i < length; i++) if (bytes[i]! < 0x20) return i;
  return length;
}

const PLAIN_VALUE = 0;
const PLAIN_VALUE_OR_CLOSE = 1;
const PLAIN_KEY = 2;
const PLAIN_KEY_OR_CLOSE = 3;
const PLAIN_COLON = 4;
const PLAIN_COMMA_OR_CLOSE = 5;
/** Nesting deeper than this is left to the full path (the open containers are bits of one integer). */
const PLAIN_MAX_DEPTH = 31;

/** Strings {@link plainObjectEnd} looks for, compiled: by first byte, the bits of the probes that start with it. */
export interface StringProbes {
  byFirstByte: Uint32Array;
  texts: Buffer[];
  prefix: boolean[];
}

/** Compiles {@link ElementFilter.strings}; throws on a text it could not match soundly. */
export function stringProbes(strings: readonly { text: string; prefix: boolean }[]): StringProbes {
  if (strings.length > 31) throw new RangeError('at most 31 strings can be looked for');
  const probes: StringProbes = { byFirstByte: new Uint32Array(256), texts: [], prefix: [] };
  strings.forEach(({ text, prefix }, index) => {
    if (text === '' || /["\\/\u0000-\u001f]/.test(text)) throw new RangeError(`cannot look for ${JSON.stringify(text)}: it is empty or holds a character an escape can stand for`);
    const bytes = Buffer.from(text, 'utf8');
    probes.byFirstByte[bytes[0]!]! |= 1 << index;
    probes.texts.push(bytes);
    probes.prefix.push(prefix);
  });
  return probes;
}

/** Bits of the probes in `candidates` that the string whose text spans `bytes[from, close)` matches. */
function matchedProbes(probes: StringProbes, candidates: number, bytes: Buffer, from: number, close: number): number {
  let found = 0;
  for (let index = 0; candidates !== 0; index++, candidates >>>= 1) {
    if ((candidates & 1) === 0) continue;
    const text = probes.texts[index]!;
    const end = from + text.length;
    if (end > close || (!probes.prefix[index] && end !== close)) continue;
    let k = 1; // the first byte matched already (byFirstByte)
    while (k < text.length && bytes[from + k] === text[k]) k++;
    if (k === text.length) found |= 1 << index;
  }
  return found;
}

/**
 * State of {@link plainObjectEnd} over one buffer: where its next backslash is (-1: not looked for
 * yet), the strings to look for, and (out) which of them the last object held.
 */
export interface PlainScan {
  backslash: number;
  probes: StringProbes | null;
  found: number;
}

/**
 * End (exclusive) of the JSON object starting at `bytes[start]` when the bytes before `limit` hold
 * exactly one complete, valid one (RFC 8259 grammar, as `JSON.parse` reads it) whose strings use no
 * `\u` escape, else -1. The caller guarantees no byte below 0x20 before `limit`, so the only
 * whitespace is a space. One pass: strings are skipped with `indexOf`, and only a string that holds
 * a backslash (found with `indexOf` too, the position kept in `scan` across calls) is walked.
 * Without `\u`, every character of a string other than `"`, `\`, `/` and control characters is its
 * literal bytes (see {@link ElementFilter}).
 */
export function plainObjectEnd(bytes: Buffer, start: number, limit: number, scan: PlainScan = { backslash: -1, probes: null, found: 0 }): number {
  const probes = scan.probes;
  let depth = 0;
  let objects = 0; // bit d: the container at depth d is an object
  let state = PLAIN_VALUE;
  let i = start;
  while (i < limit) {
    const c = bytes[i]!;
    switch (c) {
      case QUOTE: {
        let close = bytes.indexOf(QUOTE, i + 1);
        if (close === -1 || close >= limit) return -1;
        if (scan.backslash < i) {
          scan.backslash = bytes.indexOf(BACKSLASH, i);
          if (scan.backslash === -1) scan.backslash = bytes.length;
        }
        if (scan.backslash < close) {
          close = escapedStringEnd(bytes, i + 1, limit);
          if (close < 0) return -1;
          scan.backslash = -1;
        }
        if (probes !== null) {
          const candidates = probes.byFirstByte[bytes[i + 1]!]!;
          if (candidates !== 0) scan.found |= matchedProbes(probes, candidates, bytes, i + 1, close);
        }
        i = close + 1;
        if (state === PLAIN_KEY || state === PLAIN_KEY_OR_CLOSE) state = PLAIN_COLON;
        else if (state === PLAIN_VALUE || state === PLAIN_VALUE_OR_CLOSE) state = PLAIN_COMMA_OR_CLOSE;
        else return -1;
        continue;
      }
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if ((state !== PLAIN_VALUE && state !== PLAIN_VALUE_OR_CLOSE) || depth >= PLAIN_MAX_DEPTH) return -1;
        if (c === OPEN_OBJECT) {
          objects |= 1 << depth;
          state = PLAIN_KEY_OR_CLOSE;
        } else {
          objects &= ~(1 << depth);
          state = PLAIN_VALUE_OR_CLOSE;
        }
        depth++;
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY: {
        const inObject = depth > 0 && ((objects >>> (depth - 1)) & 1) === 1;
        if (depth === 0 || inObject !== (c === CLOSE_OBJECT)) return -1;
        const closable = inObject ? state === PLAIN_KEY_OR_CLOSE || state === PLAIN_COMMA_OR_CLOSE : state === PLAIN_VALUE_OR_CLOSE || state === PLAIN_COMMA_OR_CLOSE;
        if (!closable) return -1;
        depth--;
        if (depth === 0) return c === CLOSE_OBJECT ? i + 1 : -1;
        state = PLAIN_COMMA_OR_CLOSE;
        break;
      }
      case COLON:
        if (state !== PLAIN_COLON) return -1;
        state = PLAIN_VALUE;
        break;
      case COMMA:
        if (state !== PLAIN_COMMA_OR_CLOSE) return -1;
        state = ((objects >>> (depth - 1)) & 1) === 1 ? PLAIN_KEY : PLAIN_VALUE;
        break;
      case SPACE:
        break;
      default: {
        if ((state !== PLAIN_VALUE && state !== PLAIN_VALUE_OR_CLOSE) || depth === 0) return -1;
        const end = literalOrNumberEnd(bytes, i, limit);
        if (end < 0) return -1;
        i = end;
        state = PLAIN_COMMA_OR_CLOSE;
        continue;
      }
    }
    i++;
  }
  return -1;
}

/** Escapes a plain string may hold: `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t` (not `\u`). */
const SHORT_ESCAPES = new Set([QUOTE, BACKSLASH, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

/** Position of the quote that ends the string whose text starts at `from`, or -1 (a `\u` escape included). */
function escapedStringEnd(bytes: Buffer, from: number, limit: number): number {
  for (let j = from; j < limit; j++) {
    const byte = bytes[j]!;
    if (byte === QUOTE) return j;
    if (byte === BACKSLASH) {
      j++;
      if (j >= limit || !SHORT_ESCAPES.has(bytes[j]!)) return -1;
    }
  }
  return -1;
}

/** Whether `bytes[k]`, before `limit`, is an ASCII digit. */
function digitAt(bytes: Buffer, k: number, limit: number): boolean {
  if (k >= limit) return false;
  const byte = bytes[k]!;
  return byte >= 0x30 && byte <= 0x39;
}

/** `bytes[k]` before `limit`, else -1. */
function byteAt(bytes: Buffer, k: number, limit: number): number {
  return k < limit ? bytes[k]! : -1;
}

/** End of the `true`, `false`, `null` or number (RFC 8259 section 6) at `bytes[i]`, or -1. */
function literalOrNumberEnd(bytes: Buffer, i: number, limit: number): number {
  const c = bytes[i]!;
  if (c === 0x74) return byteAt(bytes, i + 1, limit) === 0x72 && byteAt(bytes, i + 2, limit) === 0x75 && byteAt(bytes, i + 3, limit) === 0x65 ? i + 4 : -1; // true
  if (c === 0x6e) return byteAt(bytes, i + 1, limit) === 0x75 && byteAt(bytes, i + 2, limit) === 0x6c && byteAt(bytes, i + 3, limit) === 0x6c ? i + 4 : -1; // null
  if (c === 0x66) {
    const rest = byteAt(bytes, i + 1, limit) === 0x61 && byteAt(bytes, i + 2, limit) === 0x6c && byteAt(bytes, i + 3, limit) === 0x73 && byteAt(bytes, i + 4, limit) === 0x65;
    return rest ? i + 5 : -1; // false
  }
  let j = i;
  if (c === 0x2d) j++;
  if (byteAt(bytes, j, limit) === 0x30) j++;
  else if (digitAt(bytes, j, limit)) while (digitAt(bytes, j, limit)) j++;
  else return -1;
  if (byteAt(bytes, j, limit) === 0x2e) {
    j++;
    if (!digitAt(bytes, j, limit)) return -1;
    while (digitAt(bytes, j, limit)) j++;
  }
  const e = byteAt(bytes, j, limit);
  if (e === 0x65 || e === 0x45) {
    j++;
    const sign = byteAt(bytes, j, limit);
    if (sign === 0x2b || sign === 0x2d) j++;
    if (!digitAt(bytes, j, limit)) return -1;
    while (digitAt(bytes, j, limit)) j++;
  }
  return j;
}
