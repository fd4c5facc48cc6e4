/**
 * The byte-level prefilter: tells from the bytes of one log-file record, without decoding or
 * `JSON.parse`, that it cannot be a denied Bedrock call, so the reader counts it and moves on.
 *
 * Sound by construction. `isBedrockDenial` (classify/) needs `eventSource` to equal
 * {@link BEDROCK_EVENT_SOURCE} and `errorCode` to start with `AccessDenied`. The splitter offers
 * only records it has checked to be one valid JSON object with no `\u` escape and no control byte
 * (see `ElementFilter` in json-stream.ts). In such bytes the two strings are written literally
 * (they hold no `"`, `\` or `/`, the only characters a short escape can stand for), so a denial
 * holds a string starting with `AccessDenied` and one equal to `bedrock.amazonaws.com`. A record
 * lacking either is left out;
 * everything else (escaped with `\u`, as every LookupEvents `CloudTrailEvent` is, malformed, cut by
 * a chunk boundary) takes the full path and gets its problem there.
 * The property tests in test/shared/core/records/ hold this against `isBedrockDenial` itself.
 * @see https://www.rfc-editor.org/rfc/rfc8259
 */
import { BEDROCK_EVENT_SOURCE } from '../constants.js';
import type { ElementFilter } from '../json-stream.js';

/**
 * The prefilter as the splitter's {@link ElementFilter}: leaves out a record in which the splitter
 * found no string starting with `AccessDenied` or no string equal to {@link BEDROCK_EVENT_SOURCE}
 * (looked for while the record is validated, at no extra pass).
 */
export class DenialNeedleFilter implements ElementFilter {
  public readonly strings = [
    { text: 'AccessDenied', prefix: true },
    { text: BEDROCK_EVENT_SOURCE, prefix: false },
  ] as const;

  public skip(found: number): boolean {
    return found !== 0b11;
  }
}
