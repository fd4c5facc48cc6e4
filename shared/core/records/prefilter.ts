/**
 * The byte-level prefilter: tells, without `JSON.parse`, that the text of one log-file record is a
 * valid JSON object that cannot be a denied Bedrock call, so the reader can count it and move on.
 *
 * Sound by construction. `isBedrockDenial` (classify/) needs `eventSource` to equal
 * {@link BEDROCK_EVENT_SOURCE} and `errorCode` to start with `AccessDenied`. In JSON text written
 * without a single backslash, every string is its literal bytes between two quotes, so such a
 * record necessarily contains both {@link DENIAL_NEEDLES}. A text holding a backslash (any
 * escape, including every LookupEvents `CloudTrailEvent` and a record whose `\u0062edrock…` is
 * spelled with escapes) or a control character is never skipped: it takes the full path. What is
 * skipped is also checked to be one valid JSON object (the same grammar `JSON.parse` accepts), so
 * a malformed record still gets its "not valid JSON" problem from the full path.
 * The property test in test/shared/core/records/ holds this against `isBedrockDenial` itself.
 * @see https://www.rfc-editor.org/rfc/rfc8259
 */
import { BEDROCK_EVENT_SOURCE } from '../constants.js';

/** Literal texts that the JSON of every Bedrock denial written without escapes contains. */
export const DENIAL_NEEDLES = [`"AccessDenied`, `"${BEDROCK_EVENT_SOURCE}"`] as const;

const CONTROL = /[\u0000-\u001f]/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/**
 * True only when `text` is one valid JSON object, without escapes or control characters, that
 * cannot be a denied Bedrock call. False means "parse it": it may be a denial, malformed, or
 * simply written with escapes.
 * @param controlFree the caller has checked that the bytes `text` was decoded from hold no byte
 *   below 0x20 (see {@link hasControlBytes}, run once per chunk, much cheaper than per record)
 */
export function isPlainNonDenialRecord(text: string, controlFree = false): boolean {
  if (text.includes(DENIAL_NEEDLES[0]) && text.includes(DENIAL_NEEDLES[1])) return false;
  if (text.includes('\\')) return false;
  if (!controlFree && CONTROL.test(text)) return false;
  return isPlainJsonObject(text);
}

/**
 * Whether `bytes` holds a byte below 0x20 (a control character, including line breaks and tabs).
 * Four bytes at a time: `(x - 0x20202020) & ~x & 0x80808080` is non-zero exactly when one of the
 * four bytes of `x` is below 0x20.
 */
export function hasControlBytes(bytes: Uint8Array): boolean {
  const length = bytes.length;
  let i = 0;
  const misalign = (4 - (bytes.byteOffset & 3)) & 3;
  for (; i < misalign && i < length; i++) if (bytes[i]! < 0x20) return true;
  const words = (length - i) >>> 2;
  if (words > 0) {
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let w = 0; w < words; w++) {
      const x = view[w]!;
      if (((x - 0x20202020) & ~x & 0x80808080) !== 0) return true;
    }
    i += words * 4;
  }
  for (; i < length; i++) if (bytes[i]! < 0x20) return true;
  return false;
}

const EXPECT_VALUE = 0;
const EXPECT_VALUE_OR_CLOSE = 1;
const EXPECT_KEY = 2;
const EXPECT_KEY_OR_CLOSE = 3;
const EXPECT_COLON = 4;
const EXPECT_COMMA_OR_CLOSE = 5;
const DONE = 6;

const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * Whether `text`, known to hold no backslash and no control character, is exactly one JSON object
 * (surrounded by spaces at most). Strings are skipped with `indexOf` (they cannot hold an escaped
 * quote); the structure between them is checked token by token.
 */
export function isPlainJsonObject(text: string): boolean {
  const stack: boolean[] = []; // true: in an object
  let state = EXPECT_VALUE;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === SPACE) {
      i++;
      continue;
    }
    if (state === DONE) return false;
    const expectsValue = state === EXPECT_VALUE || state === EXPECT_VALUE_OR_CLOSE;
    switch (c) {
      case QUOTE: {
        const end = text.indexOf('"', i + 1);
        if (end < 0) return false;
        i = end + 1;
        if (state === EXPECT_KEY || state === EXPECT_KEY_OR_CLOSE) state = EXPECT_COLON;
        else if (expectsValue && stack.length > 0) state = EXPECT_COMMA_OR_CLOSE;
        else return false;
        continue;
      }
      case OPEN_OBJECT:
        if (!expectsValue) return false;
        stack.push(true);
        state = EXPECT_KEY_OR_CLOSE;
        break;
      case OPEN_ARRAY:
        if (!expectsValue || stack.length === 0) return false;
        stack.push(false);
        state = EXPECT_VALUE_OR_CLOSE;
        break;
      case CLOSE_OBJECT:
        if ((state !== EXPECT_KEY_OR_CLOSE && state !== EXPECT_COMMA_OR_CLOSE) || stack.pop() !== true) return false;
        state = stack.length === 0 ? DONE : EXPECT_COMMA_OR_CLOSE;
        break;
      case CLOSE_ARRAY:
        if ((state !== EXPECT_VALUE_OR_CLOSE && state !== EXPECT_COMMA_OR_CLOSE) || stack.pop() !== false) return false;
        state = EXPECT_COMMA_OR_CLOSE;
        break;
      case COLON:
        if (state !== EXPECT_COLON) return false;
        state = EXPECT_VALUE;
        break;
      case COMMA:
        if (state !== EXPECT_COMMA_OR_CLOSE) return false;
        state = stack[stack.length - 1] === true ? EXPECT_KEY : EXPECT_VALUE;
        break;
      default: {
        if (!expectsValue || stack.length === 0) return false;
        let end: number;
        if (text.startsWith('true', i)) end = i + 4;
        else if (text.startsWith('false', i)) end = i + 5;
        else if (text.startsWith('null', i)) end = i + 4;
        else if (c === MINUS || (c >= 0x30 && c <= 0x39)) {
          NUMBER.lastIndex = i;
          if (!NUMBER.test(text)) return false;
          end = NUMBER.lastIndex;
        } else return false;
        i = end;
        state = EXPECT_COMMA_OR_CLOSE;
        continue;
      }
    }
    i++;
  }
  return state === DONE;
}
