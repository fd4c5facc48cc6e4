import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JsonSplitter, type SplitItem } from '../../../shared/core/json-stream.js';

/** Feeds `text` in chunks of `size` bytes (cutting multi-byte characters anywhere). */
function split(text: string | Buffer, size: number, maxValueBytes?: number): SplitItem[] {
  const splitter = new JsonSplitter(maxValueBytes === undefined ? {} : { maxValueBytes });
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const items: SplitItem[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) items.push(...splitter.push(bytes.subarray(offset, offset + size)));
  items.push(...splitter.end());
  return items;
}

/** The emitted values parsed, and the problems as `line: reason`. */
function summary(items: SplitItem[]) {
  return items.map((item) =>
    item.kind === 'value'
      ? { value: JSON.parse(item.text) as unknown, container: item.container, index: item.index, line: item.line }
      : item.kind === 'problem'
        ? { problem: item.reason, line: item.line, fatal: item.fatal }
        : { skipped: item.count },
  );
}

const CHUNK_SIZES = [1, 2, 7, 64, 1 << 20];

describe('JsonSplitter', () => {
  const cases: Array<{ name: string; input: string; expected: ReturnType<typeof summary> }> = [
    {
      name: 'streams each element of a Records array',
      input: '{"Records":[{"a":1},{"b":"x\\"y"},{"c":[1,{"d":[2,{"e":"}]"}]}]}]}',
      expected: [
        { value: { a: 1 }, container: 'Records', index: 0, line: 1 },
        { value: { b: 'x"y' }, container: 'Records', index: 1, line: 1 },
        { value: { c: [1, { d: [2, { e: '}]' }] }] }, container: 'Records', index: 2, line: 1 },
      ],
    },
    {
      name: 'keeps strings holding brackets, commas, escaped backslashes and quotes in one element',
      input: '{"Records":[{"m":"a,b]}{[\\\\"},{"n":"\\\\\\""}]}',
      expected: [
        { value: { m: 'a,b]}{[\\' }, container: 'Records', index: 0, line: 1 },
        { value: { n: '\\"' }, container: 'Records', index: 1, line: 1 },
      ],
    },
    {
      name: 'streams the Events array of a pretty-printed LookupEvents response and ignores NextToken',
      input: '{\n  "Events": [\n    {"CloudTrailEvent": "{\\"x\\":1}"},\n    {"CloudTrailEvent": "{}"}\n  ],\n  "NextToken": "abc"\n}\n',
      expected: [
        { value: { CloudTrailEvent: '{"x":1}' }, container: 'Events', index: 0, line: 3 },
        { value: { CloudTrailEvent: '{}' }, container: 'Events', index: 1, line: 4 },
      ],
    },
    {
      name: 'finds Records after other keys and a nested "Records" key is not streamed',
      input: '{"x":{"Records":[1]},"Records":[{"a":1}]}',
      expected: [{ value: { a: 1 }, container: 'Records', index: 0, line: 1 }],
    },
    {
      name: 'recognises an escaped key spelling of Records',
      input: '{"Rec\\u006frds":[{"a":1}]}',
      expected: [{ value: { a: 1 }, container: 'Records', index: 0, line: 1 }],
    },
    {
      name: 'emits a whole object that is not a log file',
      input: '{"detail-type":"AWS API Call via CloudTrail","detail":{"Records":[1]}}',
      expected: [
        { value: { 'detail-type': 'AWS API Call via CloudTrail', detail: { Records: [1] } }, container: null, index: 0, line: 1 },
      ],
    },
    {
      name: 'emits a Records key whose value is not an array as a whole value',
      input: '{"Records":{"a":[1]}}',
      expected: [{ value: { Records: { a: [1] } }, container: null, index: 0, line: 1 }],
    },
    {
      name: 'streams the elements of a top-level array, scalars and nested arrays included',
      input: '[ 1, "two" , {"three":[3]}, [4, [5]], null ]',
      expected: [
        { value: 1, container: 'array', index: 0, line: 1 },
        { value: 'two', container: 'array', index: 1, line: 1 },
        { value: { three: [3] }, container: 'array', index: 2, line: 1 },
        { value: [4, [5]], container: 'array', index: 3, line: 1 },
        { value: null, container: 'array', index: 4, line: 1 },
      ],
    },
    {
      name: 'reads NDJSON line by line with CRLF endings',
      input: '{"a":1}\r\n{"Records":[{"b":2}]}\r\n\r\n[{"c":3}]\r\n',
      expected: [
        { value: { a: 1 }, container: null, index: 0, line: 1 },
        { value: { b: 2 }, container: 'Records', index: 0, line: 2 },
        { value: { c: 3 }, container: 'array', index: 0, line: 4 },
      ],
    },
    {
      name: 'reports an NDJSON line that ends inside an object and reads the next line',
      input: '{"a":1}\n{"b":\n{"c":3}\n',
      expected: [
        { value: { a: 1 }, container: null, index: 0, line: 1 },
        { problem: 'incomplete JSON value (the line ends inside an object)', line: 2, fatal: false },
        { value: { c: 3 }, container: null, index: 0, line: 3 },
      ],
    },
    {
      name: 'reports an NDJSON line cut inside a string and reads the next line',
      input: '{"a":1}\n{"b":"cut\n{"c":3}',
      expected: [
        { value: { a: 1 }, container: null, index: 0, line: 1 },
        { problem: 'a line break inside a string (the line is cut short?)', line: 2, fatal: false },
        { value: { c: 3 }, container: null, index: 0, line: 3 },
      ],
    },
    {
      name: 'reports a cut first line and reads the following lines as NDJSON',
      input: '{"a":"cut\n{"c":3}\n',
      expected: [
        { problem: 'a line break inside a string (the line is cut short?)', line: 1, fatal: false },
        { value: { c: 3 }, container: null, index: 0, line: 2 },
      ],
    },
    {
      name: 'drops the rest of an NDJSON line after a stray closing bracket',
      input: '{"a":1}} {"x":2}\n{"b":2}',
      expected: [
        { value: { a: 1 }, container: null, index: 0, line: 1 },
        { problem: 'unexpected "}": not valid JSON', line: 1, fatal: false },
        { value: { b: 2 }, container: null, index: 0, line: 2 },
      ],
    },
    {
      name: 'reads concatenated pretty-printed documents (jq output)',
      input: '{\n  "a": 1\n}\n{\n  "b": [\n    2\n  ]\n}\n',
      expected: [
        { value: { a: 1 }, container: null, index: 0, line: 1 },
        { value: { b: [2] }, container: null, index: 0, line: 4 },
      ],
    },
    {
      name: 'stops a pretty-printed document at mismatched brackets',
      input: '{\n "Records": [\n  {"a":1},\n  {"b":2]\n}',
      expected: [
        { value: { a: 1 }, container: 'Records', index: 0, line: 3 },
        { problem: 'mismatched brackets: the JSON is malformed; the rest of this input is not read', line: 4, fatal: true },
      ],
    },
    {
      name: 'reports a truncated log file after the records it holds',
      input: '{"Records":[{"a":1},{"b":2},{"c":"trunc',
      expected: [
        { value: { a: 1 }, container: 'Records', index: 0, line: 1 },
        { value: { b: 2 }, container: 'Records', index: 1, line: 1 },
        { problem: 'unexpected end of input inside a string: the JSON value that starts on this line is truncated', line: 1, fatal: true },
      ],
    },
    {
      name: 'reports an empty array element',
      input: '[1,,2]',
      expected: [
        { value: 1, container: 'array', index: 0, line: 1 },
        { problem: '[1]: empty array element', line: 1, fatal: false },
        { value: 2, container: 'array', index: 1, line: 1 },
      ],
    },
    {
      name: 'skips a UTF-8 byte order mark',
      input: '\uFEFF{"a":1}',
      expected: [{ value: { a: 1 }, container: null, index: 0, line: 1 }],
    },
    {
      name: 'keeps multi-byte characters whole wherever chunks cut them',
      input: '{"Records":[{"m":"東京リージョン 🚫 Zürich ±"},{"k":"\\u6771\\u4eac"}]}',
      expected: [
        { value: { m: '東京リージョン 🚫 Zürich ±' }, container: 'Records', index: 0, line: 1 },
        { value: { k: '東京' }, container: 'Records', index: 1, line: 1 },
      ],
    },
    {
      name: 'emits top-level scalars one by one',
      input: '"s" 12 true\nnull',
      expected: [
        { value: 's', container: null, index: 0, line: 1 },
        { value: 12, container: null, index: 0, line: 1 },
        { value: true, container: null, index: 0, line: 1 },
        { value: null, container: null, index: 0, line: 2 },
      ],
    },
    { name: 'emits nothing for whitespace only', input: ' \n\t\r\n ', expected: [] },
  ];

  for (const size of CHUNK_SIZES) {
    it.each(cases)(`$name (chunks of ${size} bytes)`, ({ input, expected }) => {
      // Act
      const items = split(input, size);

      // Assess
      expect(summary(items)).toEqual(expected);
    });
  }

  it('accepts a plain Uint8Array chunk', () => {
    // Prepare
    const splitter = new JsonSplitter();
    const bytes = new TextEncoder().encode('{"Records":[{"a":1}]}');

    // Act
    const items = [...splitter.push(bytes), ...splitter.end()];

    // Assess
    expect(summary(items)).toEqual([{ value: { a: 1 }, container: 'Records', index: 0, line: 1 }]);
  });

  it('skips an element larger than the limit and reads the next one', () => {
    // Prepare
    const input = `{"Records":[{"big":"${'x'.repeat(5000)}"},{"small":1}]}`;

    // Act
    const items = split(input, 1000, 2000);

    // Assess
    expect(summary(items)).toEqual([
      { problem: 'Records[0] is larger than 0 MB; skipped', line: 1, fatal: false },
      { value: { small: 1 }, container: 'Records', index: 1, line: 1 },
    ]);
  });

  it('refuses to buffer a huge document that cannot be streamed, with a reason', () => {
    // Prepare
    const input = `{"detail":{"big":"${'x'.repeat(3 * 1024 * 1024)}"}}\n{"a":1}\n`;

    // Act
    const items = split(input, 64 * 1024, 1024 * 1024);

    // Assess
    expect(summary(items)).toEqual([
      {
        problem:
          'this JSON value is larger than 1 MB and is not a {"Records":[...]} log file, a LookupEvents response or an array, so it cannot be streamed; skipped',
        line: 1,
        fatal: false,
      },
      { value: { a: 1 }, container: null, index: 0, line: 2 },
    ]);
  });

  const records = fc.array(fc.jsonValue({ stringUnit: 'binary', maxDepth: 4 }), { maxLength: 12 });
  const layouts = fc.constantFrom<'compact' | 'pretty' | 'array'>('compact', 'pretty', 'array');

  it('splits any Records array into exactly the elements JSON.parse sees, for any chunking', () => {
    fc.assert(
      fc.property(records, layouts, fc.integer({ min: 1, max: 64 }), (elements, layout, size) => {
        // Prepare
        const document = layout === 'array' ? elements : { Records: elements };
        const text = JSON.stringify(document, null, layout === 'pretty' ? 2 : undefined);
        const expected = JSON.parse(JSON.stringify(elements)) as unknown[];

        // Act
        const items = split(text, size);

        // Assess
        expect(items.every((item) => item.kind === 'value')).toBe(true);
        expect(items.map((item) => (item.kind === 'value' ? JSON.parse(item.text) : item))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('splits NDJSON of any values into the values of its lines, for any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 32 }), (values, size) => {
        // Prepare: objects and arrays would be streamed differently; wrap each as a whole value.
        const lines = values.map((value) => ({ detail: value }));
        const text = lines.map((line) => JSON.stringify(line)).join('\n');

        // Act
        const items = split(text, size);

        // Assess
        expect(items.map((item) => (item.kind === 'value' ? JSON.parse(item.text) : item))).toEqual(JSON.parse(`[${lines.map((l) => JSON.stringify(l)).join(',')}]`));
      }),
      { numRuns: 200 },
    );
  });
});
