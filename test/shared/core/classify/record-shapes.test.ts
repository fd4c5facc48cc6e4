import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  describeJsonValue,
  detectShape,
  INPUT_SHAPES,
  recordFromLookupEvent,
  recordsIn,
} from '../../../../shared/core/classify/record-shapes.js';

const record = (id: string) => ({
  eventVersion: '1.09',
  eventSource: 'bedrock.amazonaws.com',
  eventName: 'InvokeModel',
  eventID: id,
  awsRegion: 'ap-northeast-1',
  errorCode: 'AccessDenied',
});

const eventBridge = (detail: unknown, detailType = 'AWS API Call via CloudTrail') => ({
  version: '0',
  id: 'b1d2c3e4-0000-0000-0000-000000000000',
  'detail-type': detailType,
  source: 'aws.bedrock',
  account: '111122223333',
  time: '2026-11-20T01:02:03Z',
  region: 'ap-northeast-1',
  resources: [],
  detail,
});

const lookupEvent = (cloudTrailEvent: unknown) => ({
  EventId: 'e-1',
  EventName: 'InvokeModel',
  EventSource: 'bedrock.amazonaws.com',
  CloudTrailEvent: cloudTrailEvent,
});

function collect(value: unknown) {
  const records: unknown[] = [];
  const problems: string[] = [];
  for (const result of recordsIn(value)) {
    if (result.ok) records.push(result.value);
    else problems.push(result.reason);
  }
  return { records, problems };
}

describe('recordsIn', () => {
  const cases: Array<{ name: string; input: unknown; records: unknown[]; problems: Array<string | RegExp> }> = [
    { name: 'a bare CloudTrail record is itself', input: record('a'), records: [record('a')], problems: [] },
    {
      name: 'a record known only by eventName is still a record',
      input: { eventName: 'Converse' },
      records: [{ eventName: 'Converse' }],
      problems: [],
    },
    { name: 'an EventBridge event yields its detail', input: eventBridge(record('a')), records: [record('a')], problems: [] },
    {
      name: 'an EventBridge console sign-in event (another CloudTrail detail-type) yields its detail',
      input: eventBridge(record('a'), 'AWS Console Sign In via CloudTrail'),
      records: [record('a')],
      problems: [],
    },
    {
      name: 'an EventBridge event of another detail-type is a problem naming the detail-type',
      input: eventBridge({}, 'Scheduled Event'),
      records: [],
      problems: [/detail-type "Scheduled Event" carries no CloudTrail record/],
    },
    {
      name: 'an EventBridge event without an object detail is a problem',
      input: eventBridge('oops'),
      records: [],
      problems: [/detail is a string, not a CloudTrail record/],
    },
    {
      name: 'an S3 log file yields every element of Records',
      input: { Records: [record('a'), record('b')] },
      records: [record('a'), record('b')],
      problems: [],
    },
    { name: 'an empty S3 log file yields nothing', input: { Records: [] }, records: [], problems: [] },
    {
      name: 'a non-object element of Records is a problem with its index; the others count',
      input: { Records: [record('a'), 42, record('c')] },
      records: [record('a'), record('c')],
      problems: ['Records[1]: is a number, not a CloudTrail record object'],
    },
    {
      name: 'a LookupEvents response yields each parsed CloudTrailEvent',
      input: { Events: [lookupEvent(JSON.stringify(record('a'))), lookupEvent(JSON.stringify(record('b')))], NextToken: 't' },
      records: [record('a'), record('b')],
      problems: [],
    },
    {
      name: 'a bad CloudTrailEvent string is reported and the other events still count',
      input: { Events: [lookupEvent('{"eventName": '), lookupEvent(JSON.stringify(record('b')))] },
      records: [record('b')],
      problems: [/^Events\[0\]\.CloudTrailEvent: is not valid JSON: /],
    },
    {
      name: 'a LookupEvents event without CloudTrailEvent is a problem',
      input: { Events: [{ EventId: 'x' }] },
      records: [],
      problems: ['Events[0]: has no CloudTrailEvent string, so it is not a CloudTrail LookupEvents event (or the response was trimmed)'],
    },
    {
      name: 'a CloudTrailEvent holding a non-object is a problem',
      input: { Events: [lookupEvent('[1]')] },
      records: [],
      problems: ['Events[0].CloudTrailEvent: holds an array of 1 element(s), not a record object'],
    },
    {
      name: 'a lone LookupEvents event (jq .Events[]) yields its record',
      input: lookupEvent(JSON.stringify(record('a'))),
      records: [record('a')],
      problems: [],
    },
    {
      name: 'an array mixing every shape yields them all in order',
      input: [
        record('a'),
        eventBridge(record('b')),
        { Records: [record('c')] },
        { Events: [lookupEvent(JSON.stringify(record('d')))] },
        [record('e')],
      ],
      records: [record('a'), record('b'), record('c'), record('d'), record('e')],
      problems: [],
    },
    {
      name: 'problems inside an array name their position',
      input: [record('a'), { Records: ['x'] }, 'y'],
      records: [record('a')],
      problems: [
        '[1].Records[0]: is a string, not a CloudTrail record object',
        '[2]: not a CloudTrail record, EventBridge event, log file or LookupEvents response: a string',
      ],
    },
    {
      name: 'a CloudTrail digest file yields nothing and no problem',
      input: { awsAccountId: '111122223333', digestStartTime: '2026-11-20T00:00:00Z', logFiles: [] },
      records: [],
      problems: [],
    },
    {
      name: 'an unknown object names its top-level keys',
      input: { foo: 1, bar: 2, baz: 3 },
      records: [],
      problems: ['not a CloudTrail record, EventBridge event, log file or LookupEvents response: top-level keys foo, bar, baz'],
    },
    {
      name: 'an empty object says so',
      input: {},
      records: [],
      problems: ['not a CloudTrail record, EventBridge event, log file or LookupEvents response: an empty object'],
    },
    {
      name: 'null is named',
      input: null,
      records: [],
      problems: ['not a CloudTrail record, EventBridge event, log file or LookupEvents response: null'],
    },
    {
      name: 'Records that is not an array makes an unknown object',
      input: { Records: { a: 1 } },
      records: [],
      problems: ['not a CloudTrail record, EventBridge event, log file or LookupEvents response: top-level keys Records'],
    },
  ];

  it.each(cases)('$name', ({ input, records, problems }) => {
    // Prepare
    const value = structuredClone(input);

    // Act
    const result = collect(value);

    // Assess
    expect(result.records).toEqual(records);
    expect(result.problems).toHaveLength(problems.length);
    problems.forEach((expected, index) => {
      if (typeof expected === 'string') expect(result.problems[index]).toBe(expected);
      else expect(result.problems[index]).toMatch(expected);
    });
  });

  it('never throws and yields only records or reasons on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const result of recordsIn(value)) {
          if (result.ok) expect(typeof result.value).toBe('object');
          else expect(result.reason.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});

describe('detectShape', () => {
  it.each([
    { name: 'EventBridge event', value: eventBridge(record('a')), shape: INPUT_SHAPES.eventBridge },
    { name: 'log file', value: { Records: [] }, shape: INPUT_SHAPES.logFile },
    { name: 'LookupEvents response', value: { Events: [] }, shape: INPUT_SHAPES.lookupEvents },
    { name: 'digest file', value: { digestStartTime: 'x', logFiles: [] }, shape: INPUT_SHAPES.digest },
    { name: 'record', value: record('a'), shape: INPUT_SHAPES.record },
    { name: 'array', value: [], shape: INPUT_SHAPES.array },
    { name: 'number', value: 3, shape: INPUT_SHAPES.unknown },
  ])('recognises a $name', ({ value, shape }) => {
    // Act
    const detected = detectShape(value);

    // Assess
    expect(detected).toBe(shape);
  });
});

describe('describeJsonValue', () => {
  it('shortens long key lists and long keys', () => {
    // Prepare
    const value = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`${'k'.repeat(i === 0 ? 50 : 1)}${i}`, i]));

    // Act
    const text = describeJsonValue(value);

    // Assess
    expect(text).toBe(`an object with top-level keys ${'k'.repeat(40)}…, k1, k2, k3, k4, k5, k6, k7, … (10 keys)`);
  });
});

describe('recordFromLookupEvent', () => {
  it('says which element is not an object', () => {
    // Act
    const result = recordFromLookupEvent('x', 'Events[7]');

    // Assess
    expect(result).toEqual({ ok: false, reason: 'Events[7]: is a string, not a LookupEvents event object' });
  });
});
