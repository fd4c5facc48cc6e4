import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCloudTrailBatches, type CloudTrailBatchItem } from '../../../../shared/adapters/cloudtrail-files.js';
import { isBedrockDenial } from '../../../../shared/core/classify/index.js';
import { firstControlByte, JsonSplitter, plainObjectEnd, stringProbes, type SplitItem } from '../../../../shared/core/json-stream.js';
import { DenialNeedleFilter } from '../../../../shared/core/records/index.js';

/**
 * The prefilter may skip JSON.parse only for a record that provably is not a Bedrock denial and is
 * valid JSON. These properties hold it against the classifier's own predicate (`isBedrockDenial`),
 * so a change there that the prefilter does not follow fails here, and against JSON.parse.
 */

// Values on both sides of the predicate's edges, plus anything at all.
const eventSources = fc.oneof(
  fc.constantFrom('bedrock.amazonaws.com', 'bedrock-runtime.amazonaws.com', 'bedrock-agent.amazonaws.com', 'Bedrock.amazonaws.com', 's3.amazonaws.com', 'sts.amazonaws.com', ' bedrock.amazonaws.com', 'bedrock.amazonaws.com.', ''),
  fc.string(),
  fc.jsonValue({ maxDepth: 1 }),
);
const errorCodes = fc.oneof(
  fc.constantFrom('AccessDenied', 'AccessDeniedException', 'AccessDenied.Custom', 'Client.AccessDenied', 'accessdenied', 'UnauthorizedOperation', 'ThrottlingException', 'ValidationException', ''),
  fc.string(),
  fc.jsonValue({ maxDepth: 1 }),
);
const extras = fc.dictionary(fc.constantFrom('eventName', 'awsRegion', 'userAgent', 'sourceIPAddress', 'errorMessage', 'requestParameters', 'userIdentity', 'x', 'note'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });
const recordObject = fc
  .record({ eventSource: fc.option(eventSources, { nil: undefined }), errorCode: fc.option(errorCodes, { nil: undefined }), extra: extras, sourceFirst: fc.boolean() })
  .map(({ eventSource, errorCode, extra, sourceFirst }) => {
    const own: Record<string, unknown> = {};
    if (sourceFirst && eventSource !== undefined) own.eventSource = eventSource;
    if (errorCode !== undefined) own.errorCode = errorCode;
    if (!sourceFirst && eventSource !== undefined) own.eventSource = eventSource;
    return { ...extra, ...own };
  });

/** JSON text of `value` with some characters of strings written as \u escapes, as a JSON writer may. */
function stringifyEscaped(value: unknown, escapeAt: (index: number) => boolean): string {
  let counter = 0;
  const text = (s: string) =>
    `"${[...JSON.stringify(s).slice(1, -1)]
      .map((char) => (char !== '\\' && escapeAt(counter++) ? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}` : char))
      .join('')}"`;
  const write = (v: unknown): string => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return `[${v.map(write).join(',')}]`;
    if (v !== null && typeof v === 'object') return `{${Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => `${text(k)}:${write(x)}`).join(',')}}`;
    return JSON.stringify(v);
  };
  return write(value);
}

const escapes = fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }).map((bits) => (index: number) => bits[index % bits.length]!);

/** A JSON text with a few characters inserted, deleted or replaced: mostly invalid, sometimes not. */
const mutatedJson = fc
  .tuple(recordObject, fc.array(fc.tuple(fc.nat(), fc.constantFrom('', '"', ',', ':', '{', '}', '[', ']', ' ', '0', '-', 't', 'e', 'x', '\t', '\\', '1'), fc.boolean()), { maxLength: 3 }))
  .map(([record, edits]) => {
    let text = JSON.stringify(record);
    for (const [at, insert, replace] of edits) {
      const i = text.length === 0 ? 0 : at % text.length;
      text = text.slice(0, i) + insert + text.slice(replace ? i + 1 : i);
    }
    return text;
  });

function parses(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

const hasControl = (text: string) => /[\u0000-\u001f]/.test(text);

/** What the splitter with the prefilter does with `element` as the only record of a log file. */
function filtered(element: string, chunkBytes = 1 << 20): 'skipped' | 'emitted' | 'problem' {
  const splitter = new JsonSplitter({ elementFilter: new DenialNeedleFilter() });
  const bytes = Buffer.from(`{"Records":[${element}]}`, 'utf8');
  const items = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) items.push(...splitter.push(bytes.subarray(at, at + chunkBytes)));
  items.push(...splitter.end());
  if (items.some((item) => item.kind === 'skipped')) return 'skipped';
  return items.some((item) => item.kind === 'value') ? 'emitted' : 'problem';
}

/** `text` with some `/` written `\/` and some non-ASCII characters as `\u` escapes, as JSON writers may. */
const shortEscaped = fc.tuple(recordObject, fc.boolean()).map(([record, slashes]) => {
  const text = JSON.stringify(record);
  return slashes ? text.replace(/\//g, '\\/') : text;
});

describe('the prefilter (DenialNeedleFilter in the splitter)', () => {
  it('never leaves out a record that isBedrockDenial accepts, however its text is written', () => {
    fc.assert(
      fc.property(fc.oneof(shortEscaped, fc.tuple(recordObject, escapes).map(([record, escapeAt]) => stringifyEscaped(record, escapeAt))), (text) => {
        // Act
        const outcome = filtered(text);

        // Assess
        if (isBedrockDenial(JSON.parse(text))) expect(outcome).toBe('emitted');
      }),
      { numRuns: 3_000 },
    );
  });

  it('leaves out only values that JSON.parse reads as objects that are not denials, and changes nothing else', () => {
    fc.assert(
      fc.property(fc.array(mutatedJson, { maxLength: 4 }), fc.constantFrom(1, 7, 1 << 20), (elements, chunkBytes) => {
        // Prepare
        const bytes = Buffer.from(`{"Records":[${elements.join(',')}]}`, 'utf8');
        const split = (splitter: JsonSplitter) => {
          const items: SplitItem[] = [];
          for (let at = 0; at < bytes.length; at += chunkBytes) items.push(...splitter.push(bytes.subarray(at, at + chunkBytes)));
          return [...items, ...splitter.end()];
        };

        // Act
        const full = split(new JsonSplitter());
        const withFilter = split(new JsonSplitter({ elementFilter: new DenialNeedleFilter() }));

        // Assess: each left-out element stands for the next value of the full split, which is a
        // plain non-denial object; every other item is the same, in the same order.
        let k = 0;
        for (const item of withFilter) {
          if (item.kind !== 'skipped') {
            expect(item).toEqual(full[k++]);
            continue;
          }
          for (let n = 0; n < item.count; n++) {
            const value = full[k++]!;
            expect(value.kind).toBe('value');
            const parsed = value.kind === 'value' ? parses(value.text) : { ok: false as const };
            expect(parsed.ok).toBe(true);
            const object = parsed.ok ? parsed.value : null;
            expect(typeof object === 'object' && object !== null && !Array.isArray(object)).toBe(true);
            expect(isBedrockDenial(object)).toBe(false);
          }
        }
        expect(k).toBe(full.length);
      }),
      { numRuns: 5_000 },
    );
  });

  it('leaves out the plain records of other services and successful Bedrock calls, and nothing else', () => {
    expect(filtered(JSON.stringify({ eventSource: 'bedrock.amazonaws.com', eventName: 'Converse' }))).toBe('skipped');
    expect(filtered(JSON.stringify({ eventSource: 's3.amazonaws.com', errorCode: 'AccessDenied' }))).toBe('skipped');
    expect(filtered(JSON.stringify({ eventSource: 'iam.amazonaws.com', requestParameters: { policyDocument: '{"Version":"2012-10-17"}' } }))).toBe('skipped');
    expect(filtered(JSON.stringify({ eventSource: 'bedrock.amazonaws.com', errorCode: 'AccessDeniedException' }))).toBe('emitted');
    expect(filtered('{"eventSource":"\\u0062edrock.amazonaws.com","errorCode":"AccessDenied"}')).toBe('emitted');
    expect(filtered('{"eventSource":"s3.amazonaws.com","n":01}')).toBe('emitted');
    expect(filtered('{"eventSource":"s3.amazonaws.com"}\n')).toBe('emitted');
  });
});

describe('plainObjectEnd', () => {
  it('agrees with JSON.parse on texts without \\u escapes or control characters', () => {
    fc.assert(
      fc.property(fc.oneof(mutatedJson, shortEscaped), (text) => {
        fc.pre(!text.includes('\\u') && !hasControl(text));
        const bytes = Buffer.from(text, 'utf8');
        const parsed = parses(text);
        const object = parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value);
        // Act
        const end = plainObjectEnd(bytes, 0, bytes.length);
        // Assess: the whole text when it is one object (spaces after it are not part of it)
        if (object) expect(end).toBe(Buffer.byteLength(text.trimEnd()));
        else expect(end === -1 || end < Buffer.byteLength(text.trimEnd())).toBe(true);
        if (end > 0) expect(parses(bytes.subarray(0, end).toString('utf8')).ok).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('stringProbes', () => {
  const found = (text: string, strings: { text: string; prefix: boolean }[]) => {
    const scan = { backslash: -1, probes: stringProbes(strings), found: 0 };
    const bytes = Buffer.from(text, 'utf8');
    expect(plainObjectEnd(bytes, 0, bytes.length, scan)).toBe(bytes.length);
    return scan.found;
  };

  it('finds strings by prefix or whole, keys and escaped strings included', () => {
    const strings = [
      { text: 'AccessDenied', prefix: true },
      { text: 'bedrock.amazonaws.com', prefix: false },
    ];
    expect(found('{"errorCode":"AccessDeniedException","eventSource":"bedrock.amazonaws.com"}', strings)).toBe(0b11);
    expect(found('{"eventSource":"bedrock.amazonaws.com.evil","x":["AccessDenied"]}', strings)).toBe(0b01);
    expect(found('{"AccessDenied":1,"a":{"b":"bedrock.amazonaws.com"}}', strings)).toBe(0b11);
    expect(found('{"errorCode":"Access\\"Denied","e":"bedrock.amazonaws.co"}', strings)).toBe(0);
    expect(found('{"m":"AccessDenied: \\"quoted\\"","e":""}', strings)).toBe(0b01);
  });

  it('refuses a text that an escape could stand for, which it could not find soundly', () => {
    for (const text of ['', 'a"b', 'a/b', 'a\\b', 'a\nb']) expect(() => stringProbes([{ text, prefix: true }])).toThrow(RangeError);
    expect(() => stringProbes(Array.from({ length: 32 }, (_, i) => ({ text: `s${i}`, prefix: false })))).toThrow('at most 31');
  });
});

describe('firstControlByte', () => {
  it('finds the first byte below 0x20 from any position, at any alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.nat({ max: 7 }), fc.nat({ max: 70 }), (bytes, offset, from) => {
        const backing = new Uint8Array(bytes.length + offset);
        backing.set(bytes, offset);
        const view = backing.subarray(offset);
        const start = Math.min(from, bytes.length);
        const expected = bytes.findIndex((byte, i) => i >= start && byte < 0x20);
        expect(firstControlByte(view, start)).toBe(expected === -1 ? bytes.length : expected);
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('the reader with the prefilter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cris-prefilter-'));
  let run = 0;

  /** Whole: read and inflated in one piece (the org-trail path); else streamed in 61-byte reads. */
  async function read(path: string, prefilter: boolean, whole: boolean) {
    const items: CloudTrailBatchItem[] = [];
    for await (const batch of readCloudTrailBatches([path], { prefilter, readChunkBytes: 61, ...(whole ? {} : { wholeFileBytes: 0 }) })) items.push(...batch);
    return items;
  }

  it('reports the same denials, problems and counts as the full path, escaped forms and broken records included', async () => {
    const element = fc.oneof(
      fc.tuple(recordObject, escapes, fc.boolean()).map(([record, escapeAt, escaped]) => (escaped ? stringifyEscaped(record, escapeAt) : JSON.stringify(record))),
      mutatedJson,
    );
    await fc.assert(
      fc.asyncProperty(fc.array(element, { maxLength: 25 }), fc.boolean(), fc.boolean(), async (elements, compressed, whole) => {
        // Prepare
        const text = `{"Records":[${elements.join(',')}]}`;
        const path = join(dir, `${run++}.json`);
        writeFileSync(path, compressed ? gzipSync(text) : text);

        // Act
        const [full, filtered] = [await read(path, false, whole), await read(path, true, whole)];

        // Assess
        const denialsOf = (items: CloudTrailBatchItem[]) => items.filter((item) => item.kind !== 'other' && (item.kind !== 'record' || isBedrockDenial(item.record)));
        expect(denialsOf(filtered)).toEqual(denialsOf(full));
        const count = (items: CloudTrailBatchItem[]) => items.reduce((sum, item) => sum + (item.kind === 'record' ? 1 : item.kind === 'other' ? item.count : 0), 0);
        expect(count(filtered)).toBe(count(full));
      }),
      { numRuns: 300 },
    );
  });
});
