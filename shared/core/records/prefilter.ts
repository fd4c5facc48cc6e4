/**
 * The byte-level prefilter: tells from the bytes of one log-file record, without decoding or
 * `JSON.parse`, that it cannot be a denied Bedrock call, so the reader counts it and moves on.
 *
 * Sound by construction. `isBedrockDenial` (classify/) needs `eventSource` to equal
 * {@link BEDROCK_EVENT_SOURCE} and `errorCode` to start with `AccessDenied`. The splitter offers
 * only records it has checked to be one valid JSON object with no `\u` escape and no control byte
 * (see `ElementFilter` in json-stream.ts). In such bytes the two strings are written literally
 * (they hold no `"`, `\` or `/`, the only characters a short escape can stand for), so a denial
 * contains both {@link DENIAL_NEEDLES}, quotes included. A record lacking either is left out;
 * everything else (escaped with `\u`, as every LookupEvents `CloudTrailEvent` is, malformed, cut by
 * a chunk boundary) takes the full path and gets its problem there.
 * The property tests in test/shared/core/records/ hold this against `isBedrockDenial` itself.
 * @see https://www.rfc-editor.org/rfc/rfc8259
 */
import { Buffer } from 'node:buffer';
import { BEDROCK_EVENT_SOURCE } from '../constants.js';
import type { ElementFilter } from '../json-stream.js';

/** Literal texts that the JSON of every Bedrock denial written without `\u` escapes contains. */
export const DENIAL_NEEDLES = [`"AccessDenied`, `"${BEDROCK_EVENT_SOURCE}"`] as const;

const NEEDLE_BYTES = DENIAL_NEEDLES.map((needle) => Buffer.from(needle, 'utf8'));

/**
 * The prefilter as the splitter's {@link ElementFilter}: leaves out a record whose bytes lack one
 * of the {@link DENIAL_NEEDLES}. Each needle is searched once per stretch of the chunk (a cursor per
 * needle), not once per record.
 */
export class DenialNeedleFilter implements ElementFilter {
  private readonly next = [-1, -1];

  public newChunk(): void {
    this.next[0] = -1;
    this.next[1] = -1;
  }

  public skip(chunk: Buffer, start: number, end: number): boolean {
    return this.nextAt(0, chunk, start) >= end || this.nextAt(1, chunk, start) >= end;
  }

  /** Where needle `n` next occurs in `chunk` from `start` (`chunk.length` when nowhere). */
  private nextAt(n: number, chunk: Buffer, start: number): number {
    if (this.next[n]! < start) {
      const found = chunk.indexOf(NEEDLE_BYTES[n]!, start);
      this.next[n] = found === -1 ? chunk.length : found;
    }
    return this.next[n]!;
  }
}
