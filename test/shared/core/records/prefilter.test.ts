import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readCloudTrailBatches, type CloudTrailBatchItem } from '../../../../shared/adapters/cloudtrail-files.js';
import { isBedrockDenial } from '../../../../shared/core/classify/index.js';
import { hasControlBytes, isPlainJsonObject, isPlainNonDenialRecord } from '../../../../shared/core/records/index.js';

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

describe('isPlainNonDenialRecord', () => {
  it('never skips a record that isBedrockDenial accepts, however its text is written', () => {
    fc.assert(
      fc.property(recordObject, escapes, fc.boolean(), (record, escapeAt, escaped) => {
        // Prepare
        const text = escaped ? stringifyEscaped(record, escapeAt) : JSON.stringify(record);
        const parsed = JSON.parse(text) as unknown;

        // Act
        const skipped = isPlainNonDenialRecord(text) || (!hasControl(text) && isPlainNonDenialRecord(text, true));

        // Assess
        if (isBedrockDenial(parsed)) expect(skipped).toBe(false);
      }),
      { numRuns: 3_000 },
    );
  });

  it('skips only texts that JSON.parse reads as one object', () => {
    fc.assert(
      fc.property(mutatedJson, (text) => {
        if (!isPlainNonDenialRecord(text) && !(hasControl(text) ? false : isPlainNonDenialRecord(text, true))) return;
        const parsed = parses(text);
        expect(parsed.ok).toBe(true);
        const value = parsed.ok ? parsed.value : null;
        expect(typeof value === 'object' && value !== null && !Array.isArray(value)).toBe(true);
        expect(isBedrockDenial(value)).toBe(false);
      }),
      { numRuns: 5_000 },
    );
  });

  it('skips the plain records of other services and successful Bedrock calls', () => {
    expect(isPlainNonDenialRecord(JSON.stringify({ eventSource: 'bedrock.amazonaws.com', eventName: 'Converse' }))).toBe(true);
    expect(isPlainNonDenialRecord(JSON.stringify({ eventSource: 's3.amazonaws.com', errorCode: 'AccessDenied' }))).toBe(true);
    expect(isPlainNonDenialRecord(JSON.stringify({ eventSource: 'bedrock.amazonaws.com', errorCode: 'AccessDeniedException' }))).toBe(false);
    expect(isPlainNonDenialRecord('{"eventSource":"\\u0062edrock.amazonaws.com","errorCode":"AccessDenied"}')).toBe(false);
    expect(isPlainNonDenialRecord('{"eventSource":"s3.amazonaws.com","n":01}')).toBe(false);
  });
});

describe('isPlainJsonObject', () => {
  it('agrees with JSON.parse on texts without escapes or control characters', () => {
    fc.assert(
      fc.property(mutatedJson, (text) => {
        fc.pre(!text.includes('\\') && !hasControl(text));
        const parsed = parses(text);
        const object = parsed.ok && typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value);
        expect(isPlainJsonObject(text)).toBe(object);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('hasControlBytes', () => {
  it('finds a byte below 0x20 anywhere, at any alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.nat({ max: 7 }), (bytes, offset) => {
        const backing = new Uint8Array(bytes.length + offset);
        backing.set(bytes, offset);
        const view = backing.subarray(offset);
        expect(hasControlBytes(view)).toBe(bytes.some((byte) => byte < 0x20));
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('the reader with the prefilter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cris-prefilter-'));
  let run = 0;

  async function read(path: string, prefilter: boolean) {
    const items: CloudTrailBatchItem[] = [];
    for await (const batch of readCloudTrailBatches([path], { prefilter, readChunkBytes: 61 })) items.push(...batch);
    return items;
  }

  it('reports the same denials, problems and counts as the full path, escaped forms and broken records included', async () => {
    const element = fc.oneof(
      fc.tuple(recordObject, escapes, fc.boolean()).map(([record, escapeAt, escaped]) => (escaped ? stringifyEscaped(record, escapeAt) : JSON.stringify(record))),
      mutatedJson,
    );
    await fc.assert(
      fc.asyncProperty(fc.array(element, { maxLength: 25 }), fc.boolean(), async (elements, compressed) => {
        // Prepare
        const text = `{"Records":[${elements.join(',')}]}`;
        const path = join(dir, `${run++}.json`);
        writeFileSync(path, compressed ? gzipSync(text) : text);

        // Act
        const [full, filtered] = [await read(path, false), await read(path, true)];

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
