import { closeSync, constants as fsConstants, createReadStream, fstat, openSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { JSON_STREAM_DEFAULTS, JsonSplitter, type SplitItem } from '../core/json-stream.js';
import {
  detectShape,
  INPUT_SHAPES,
  recordFromLogFileEntry,
  recordFromLookupEvent,
  recordsIn,
  syntaxErrorText,
} from '../core/classify/record-shapes.js';
import { InputError } from '../core/errors.js';
import { isBedrockDenial } from '../core/classify/classify.js';
import { WholeGunzip } from './whole-gunzip.js';
import { DenialNeedleFilter, wrongFieldTypes } from '../core/records/index.js';
import type { CloudTrailRecord, Result } from '../core/types.js';

/**
 * One item read from CloudTrail inputs. Every file ends with exactly one `file` item; `record` and
 * `problem` items of a file come before it, in input order.
 * - `record`: a CloudTrail record found in `file`.
 * - `problem`: a part of `file` that held no usable record, or why `file` could not be read; `line`
 *   (1-based) when the position is known.
 * - `file`: the end of `file`. `read`: read to the end (it may still have had problems);
 *   `failed`: could not be opened or reading stopped early (a `problem` says why); `skipped`: not
 *   a CloudTrail input (a directory entry with another extension, a digest file, a hidden directory,
 *   or one that is not a regular file: `reason` then says what it is).
 */
export type CloudTrailInputItem =
  | { kind: 'record'; file: string; record: CloudTrailRecord }
  | { kind: 'problem'; file: string; reason: string; line?: number }
  | { kind: 'file'; file: string; records: number; status: FileStatus; reason?: string };

/**
 * What {@link readCloudTrailBatches} adds to {@link CloudTrailInputItem} with the `prefilter`
 * option: `count` records of `file`, valid and counted in its `file` item, that the prefilter
 * proved are not denied Bedrock calls; they are not parsed.
 */
export type OtherRecordsItem = { kind: 'other'; file: string; count: number };

/** An item of {@link readCloudTrailBatches}. */
export type CloudTrailBatchItem = CloudTrailInputItem | OtherRecordsItem;

/** Outcome of one file; see {@link CloudTrailInputItem}. */
export type FileStatus = 'read' | 'failed' | 'skipped';

/** Options of {@link readCloudTrailInputs}. */
export interface ReadCloudTrailInputsOptions {
  /** What the path `-` reads; `process.stdin` by default. */
  stdin?: AsyncIterable<Uint8Array | string>;
  /** Largest JSON value buffered whole; see {@link JSON_STREAM_DEFAULTS}. */
  maxValueBytes?: number;
  /** Bytes per read from files (default 1 MiB). */
  readChunkBytes?: number;
  /**
   * {@link readCloudTrailBatches} only: count log-file records that provably are not denied
   * Bedrock calls as {@link OtherRecordsItem}s instead of decoding and parsing them (see
   * `DenialNeedleFilter` in shared/core/records/). Off by default: such records carry no
   * content, so only consumers that look at denials alone may turn it on.
   */
  prefilter?: boolean;
  /** Files up to this size are read (and gunzipped) whole, in one call (default 4 MiB). */
  wholeFileBytes?: number;
}

/** The path that means standard input. */
export const STDIN_PATH = '-';

/**
 * File name endings read when walking a directory (case-insensitive). An explicit file path is
 * read whatever its name; content, not the name, decides gzip and format.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html
 */
export const DIRECTORY_INPUT_EXTENSIONS = ['.json', '.json.gz', '.ndjson', '.jsonl', '.gz'] as const;

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const DEFAULT_READ_CHUNK_BYTES = 1024 * 1024;
// Larger than zlib's 16 KiB default: fewer round trips, and zlib inflates ahead while we parse.
const GUNZIP_CHUNK_BYTES = 256 * 1024;
const DEFAULT_WHOLE_FILE_BYTES = 4 * 1024 * 1024;
// A whole file whose gzip trailer announces at most this much data is inflated in one call into
// this thread's reused output buffer (see whole-gunzip.ts); larger outputs are streamed. Two worker
// threads hold at most this much each.
const WHOLE_GUNZIP_MAX_BYTES = 16 * 1024 * 1024;
const wholeGunzip = new WholeGunzip(WHOLE_GUNZIP_MAX_BYTES);

/**
 * Reads CloudTrail records from files, directories (recursively, in sorted order) and `-` (stdin),
 * streaming: memory stays bounded by the largest single record however big a file is. Accepts
 * every shape of {@link recordsIn} — EventBridge events, bare records, S3 log files, `LookupEvents`
 * responses, arrays — as one JSON document or NDJSON, plain or gzip (detected by magic bytes).
 * Never throws for bad input: a file that cannot be opened or parsed becomes `problem` items and
 * the next path is read.
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html
 */
export async function* readCloudTrailInputs(
  paths: readonly string[],
  options: ReadCloudTrailInputsOptions = {},
): AsyncGenerator<CloudTrailInputItem, void, undefined> {
  for await (const batch of readCloudTrailBatches(paths, { ...options, prefilter: false })) yield* (batch as CloudTrailInputItem[]);
}

/**
 * {@link readCloudTrailInputs} in batches: the items of each chunk read come in one array, so a
 * consumer awaits once per chunk rather than once per record (the same items, in the same order).
 */
export async function* readCloudTrailBatches(
  paths: readonly string[],
  options: ReadCloudTrailInputsOptions = {},
): AsyncGenerator<CloudTrailBatchItem[], void, undefined> {
  for await (const input of listCloudTrailInputs(paths)) {
    if (input.kind === 'read') yield* readInput(input, options);
    else if (input.kind === 'skip') yield [{ kind: 'file', file: input.path, records: 0, status: 'skipped', ...(input.reason === undefined ? {} : { reason: input.reason }) }];
    else yield [...failed(input.path, input.reason)];
  }
}

/**
 * One input named by {@link listCloudTrailInputs}: a file (or stdin) to read, with its size when
 * it is a regular file; a directory entry skipped (with why, when it is not a regular file); or a
 * path that could not be listed.
 */
export type CloudTrailInput =
  | { kind: 'read'; path: string; size: number | null }
  | { kind: 'skip'; path: string; reason?: string }
  | { kind: 'error'; path: string; reason: string };

/** The inputs that `paths` name, in reading order: directories walked, nothing opened yet. */
export async function* listCloudTrailInputs(paths: readonly string[]): AsyncGenerator<CloudTrailInput, void, undefined> {
  for (const path of paths) {
    if (path === STDIN_PATH) {
      yield { kind: 'read', path, size: null };
      continue;
    }
    let info: Stats;
    try {
      info = await stat(path);
    } catch (error) {
      yield { kind: 'error', path, reason: ioReason(error) };
      continue;
    }
    if (!info.isDirectory()) {
      yield { kind: 'read', path, size: info.isFile() ? info.size : null };
      continue;
    }
    yield* walk(path, new Set<string>());
  }
}

/** Reads one input listed by {@link listCloudTrailInputs}; batches of its items, `file` item last. */
export async function* readInput(
  input: Extract<CloudTrailInput, { kind: 'read' }>,
  options: ReadCloudTrailInputsOptions = {},
): AsyncGenerator<CloudTrailBatchItem[], void, undefined> {
  const path = input.path;
  if (path === STDIN_PATH) {
    if (options.stdin === undefined && (await stdinIsDirectory())) {
      yield [...failed(STDIN_PATH, 'cannot read: standard input is a directory (EISDIR); pass the directory as a path instead of redirecting it')];
      return;
    }
    yield* readOne(STDIN_PATH, () => options.stdin ?? process.stdin, options);
    return;
  }
  if (input.size !== null && input.size <= (options.wholeFileBytes ?? DEFAULT_WHOLE_FILE_BYTES)) {
    let whole: Buffer | null = null;
    try {
      // Synchronous on purpose: an asynchronous read is four thread-pool round trips (open, fstat,
      // read, close), and on ~20,000 small files those wake-ups cost more than the reads. The
      // file is small and was a regular file when listed; O_NONBLOCK keeps a FIFO swapped in
      // since from blocking the read forever.
      const fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
      try {
        whole = readFileSync(fd);
      } finally {
        closeSync(fd);
      }
    } catch {
      // Reported by the streaming path below, with the same words as for any other file.
    }
    if (whole !== null) {
      yield* readOne(path, () => [whole], options);
      return;
    }
  }
  yield* readOne(path, () => openFile(path, options), options);
}

/** Node reads a directory on fd 0 as empty input; say so instead. */
async function stdinIsDirectory(): Promise<boolean> {
  return new Promise((done) => {
    fstat(0, (error, stats) => done(error === null && stats.isDirectory()));
  });
}

function walk(directory: string, visited: Set<string>, out: CloudTrailInput[] = []): CloudTrailInput[] {
  // Synchronous calls on purpose: an asynchronous stat is a thread-pool round trip, and on an
  // organization trail of ~20,000 files those cost 1.1 s (2 s of CPU) before the first file is read;
  // synchronous ones take ~0.1 s. Nothing else runs while the inputs are listed. Appends to `out`.
  let names: string[];
  try {
    // Symbolic links may loop back to an ancestor; each real directory is walked once.
    const real = realpathSync(directory);
    if (visited.has(real)) return out;
    visited.add(real);
    names = readdirSync(directory).sort(compareCodeUnits);
  } catch (error) {
    out.push({ kind: 'error', path: directory, reason: ioReason(error) });
    return out;
  }
  for (const name of names) {
    const path = join(directory, name);
    if (name.startsWith('.')) {
      out.push({ kind: 'skip', path });
      continue;
    }
    let info: Stats;
    try {
      info = statSync(path);
    } catch (error) {
      out.push({ kind: 'error', path, reason: ioReason(error) });
      continue;
    }
    if (info.isDirectory()) walk(path, visited, out);
    else if (!hasInputExtension(name)) out.push({ kind: 'skip', path });
    // Opening a FIFO blocks until a writer comes; a device may never end. Named on the command
    // line (process substitution, /dev/stdin) they are read; found in a directory they are not.
    else if (!info.isFile()) out.push({ kind: 'skip', path, reason: `not a regular file (${specialKind(info)}), so it is not read` });
    else out.push({ kind: 'read', path, size: info.size });
  }
  return out;
}

function specialKind(info: Stats): string {
  if (info.isFIFO()) return 'a named pipe';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a file';
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hasInputExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return DIRECTORY_INPUT_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

function* failed(file: string, reason: string): Generator<CloudTrailInputItem, void, undefined> {
  yield { kind: 'problem', file, reason };
  yield { kind: 'file', file, records: 0, status: 'failed' };
}

function openFile(path: string, options: ReadCloudTrailInputsOptions): Readable {
  return createReadStream(path, { highWaterMark: options.readChunkBytes ?? DEFAULT_READ_CHUNK_BYTES });
}

/** Reads one input to its end; yields batches of its records and problems, then its `file` item. */
async function* readOne(
  file: string,
  open: () => AsyncIterable<Uint8Array | string> | Iterable<Buffer>,
  options: ReadCloudTrailInputsOptions,
): AsyncGenerator<CloudTrailBatchItem[], void, undefined> {
  const splitter = new JsonSplitter({
    maxValueBytes: options.maxValueBytes ?? JSON_STREAM_DEFAULTS.maxValueBytes,
    ...(options.prefilter === true ? { elementFilter: new DenialNeedleFilter() } : {}),
  });
  const tally: Tally = { records: 0, stopped: false, digest: false, items: 0, skipped: 0 };
  const bytes: ByteTally = { raw: 0, gzip: false, data: 0 };
  let batch: CloudTrailBatchItem[] = [];
  try {
    for await (const chunk of decompressed(open(), bytes)) {
      for (const item of splitter.push(chunk)) itemsOf(file, item, tally, batch);
      flushSkipped(file, tally, batch);
      if (batch.length > 0) {
        yield batch;
        batch = [];
      }
    }
    for (const item of splitter.end()) itemsOf(file, item, tally, batch);
  } catch (error) {
    tally.stopped = true;
    batch.push({ kind: 'problem', file, reason: ioReason(error) });
  }
  flushSkipped(file, tally, batch);
  if (!tally.stopped && tally.items === 0 && splitter.topLevelValues === 0) batch.push({ kind: 'problem', file, reason: emptyReason(file, bytes) });
  const status: FileStatus = tally.stopped ? 'failed' : tally.digest && tally.records === 0 ? 'skipped' : 'read';
  batch.push({ kind: 'file', file, records: tally.records, status });
  yield batch;
}

function flushSkipped(file: string, tally: Tally, batch: CloudTrailBatchItem[]): void {
  if (tally.skipped === 0) return;
  batch.push({ kind: 'other', file, count: tally.skipped });
  tally.skipped = 0;
}

interface Tally {
  records: number;
  stopped: boolean;
  digest: boolean;
  /** Values and problems the splitter emitted: 0 at the end means the input held no JSON at all. */
  items: number;
  /** Records the prefilter counted since the last `other` item. */
  skipped: number;
}

/** Bytes seen of one input: `raw` as read, `data` after gunzip (equal when not gzipped). */
interface ByteTally {
  raw: number;
  gzip: boolean;
  data: number;
}

function emptyReason(file: string, bytes: ByteTally): string {
  const what = file === STDIN_PATH ? 'standard input' : 'the file';
  if (bytes.raw === 0) return `${what} is empty (0 bytes): no CloudTrail data`;
  if (bytes.gzip && bytes.data === 0) return `${what} is gzip data that decompresses to nothing (0 bytes): no CloudTrail data`;
  return `${what} holds no JSON value (${bytes.data} bytes of white space only): no CloudTrail data`;
}

const INVALID_UTF8 = 'not valid UTF-8: each invalid byte sequence is read as U+FFFD (the replacement character)';

function at(where: string, reason: string): string {
  return where === '' ? reason : `${where}: ${reason}`;
}

function whereOf(item: Extract<SplitItem, { kind: 'value' }>): string {
  return item.container === null ? '' : item.container === 'array' ? `[${item.index}]` : `${item.container}[${item.index}]`;
}

function itemsOf(file: string, item: SplitItem, tally: Tally, out: CloudTrailBatchItem[]): void {
  tally.items++;
  if (item.kind === 'skipped') {
    tally.records += item.count;
    tally.skipped += item.count;
    return;
  }
  if (item.kind === 'problem') {
    if (item.fatal) tally.stopped = true;
    flushSkipped(file, tally, out);
    // The size limit: say how far the input got, so a user knows what was counted.
    const reason = item.reason.includes(' is larger than ') || item.reason.includes('value is larger than') ? `${item.reason} (${tally.records} records of this input read before it)` : item.reason;
    out.push({ kind: 'problem', file, reason, line: item.line });
    return;
  }
  flushSkipped(file, tally, out);
  let value: unknown;
  try {
    value = JSON.parse(item.text);
  } catch (error) {
    out.push({ kind: 'problem', file, reason: at(whereOf(item), `not valid JSON: ${syntaxErrorText(error)}`), line: item.line });
    return;
  }
  let results: Iterable<Result<CloudTrailRecord>>;
  if (item.container === 'Records') results = [recordFromLogFileEntry(value, whereOf(item))];
  else if (item.container === 'Events') results = [recordFromLookupEvent(value, whereOf(item))];
  else {
    if (item.container === null && detectShape(value) === INPUT_SHAPES.digest) tally.digest = true;
    results = recordsIn(value, whereOf(item));
  }
  if (item.invalidUtf8 === true) out.push({ kind: 'problem', file, reason: at(whereOf(item), INVALID_UTF8), line: item.line });
  for (const result of results) {
    if (result.ok) {
      tally.records++;
      if (isBedrockDenial(result.value)) {
        for (const wrong of wrongFieldTypes(result.value as Record<string, unknown>)) {
          out.push({ kind: 'problem', file, reason: at(whereOf(item), `${wrong}: the finding shows it as unknown`), line: item.line });
        }
      }
      out.push({ kind: 'record', file, record: result.value });
    } else {
      out.push({ kind: 'problem', file, reason: result.reason, line: item.line });
    }
  }
}

/**
 * The bytes of a source, gunzipped when they start with the gzip magic bytes. Multi-member gzip
 * (concatenated `.gz` files) is read whole. Source and zlib errors surface as rejections.
 * A whole small file is inflated in one call into this thread's reused buffer ({@link WholeGunzip}:
 * fresh output buffers per file cost more in page faults than the inflate itself); anything that
 * path cannot do is streamed, as a large file is.
 * @see https://www.rfc-editor.org/rfc/rfc1952#section-2.3.1
 */
async function* decompressed(source: AsyncIterable<Uint8Array | string> | Iterable<Buffer>, bytes: ByteTally): AsyncGenerator<Buffer, void, undefined> {
  if (Array.isArray(source) && source.length === 1) {
    const whole = source[0] as Buffer;
    const announced = isGzip(whole) && whole.length >= 18 ? whole.readUInt32LE(whole.length - 4) : Number.POSITIVE_INFINITY;
    // The trailer is only a hint (it is the size modulo 2^32, and any file may lie): the output
    // limit holds whatever it says, and any failure reads the file again on the streaming path,
    // which reports exactly as for any other file (records before a cut are kept).
    const data = announced <= WHOLE_GUNZIP_MAX_BYTES ? wholeGunzip.inflate(whole, announced) : null;
    if (data !== null) {
      bytes.raw = whole.length;
      bytes.gzip = true;
      bytes.data = data.length;
      try {
        if (data.length > 0) yield data;
      } finally {
        wholeGunzip.release(data);
      }
      return;
    }
  }
  const iterator = (Symbol.asyncIterator in source ? source : (async function* () { yield* source as Iterable<Buffer>; })())[Symbol.asyncIterator]();
  const counted = (chunk: Uint8Array | string): Buffer => {
    const buffer = toBuffer(chunk);
    bytes.raw += buffer.length;
    return buffer;
  };
  try {
    let head: Buffer = Buffer.alloc(0);
    while (head.length < GZIP_MAGIC.length) {
      const next = await iterator.next();
      if (next.done === true) {
        bytes.data = head.length;
        if (head.length > 0) yield head;
        return;
      }
      head = head.length === 0 ? counted(next.value) : Buffer.concat([head, counted(next.value)]);
    }
    const rest: AsyncIterable<Uint8Array | string> = { [Symbol.asyncIterator]: () => iterator };
    if (head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) {
      bytes.data += head.length;
      yield head;
      for await (const chunk of rest) {
        const buffer = counted(chunk);
        bytes.data += buffer.length;
        yield buffer;
      }
      return;
    }
    bytes.gzip = true;
    const compressed = Readable.from(
      (async function* () {
        yield head;
        for await (const chunk of rest) yield counted(chunk);
      })(),
      { objectMode: false },
    );
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES });
    compressed.on('error', (error) => gunzip.destroy(error));
    compressed.pipe(gunzip);
    try {
      for await (const chunk of gunzip) {
        bytes.data += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    } catch (error) {
      throw new GzipError(error);
    } finally {
      compressed.destroy();
      gunzip.destroy();
    }
  } finally {
    await iterator.return?.();
  }
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= GZIP_MAGIC.length && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** An error raised while decompressing, so the message can say so. */
class GzipError extends InputError {
  public constructor(public readonly original: unknown) {
    super('gzip stream failed', { cause: original });
    this.name = 'GzipError';
  }
}

function ioReason(error: unknown): string {
  if (error instanceof GzipError) {
    const original = error.original as NodeJS.ErrnoException;
    if (typeof original?.code === 'string' && original.code.startsWith('Z_')) {
      return `gzip data is corrupt or truncated: ${original.message} (${original.code}); records before this point were read`;
    }
    return ioReason(original);
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined && !error.message.includes(code) ? `cannot read: ${error.message} (${code})` : `cannot read: ${error.message}`;
  }
  return `cannot read: ${String(error)}`;
}
