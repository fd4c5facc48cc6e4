import { describe, expect, it } from 'vitest';
import { EventPatternError, matchesEventPattern, type EventPattern } from '../../../shared/core/event-pattern-matcher.js';

// Cases follow the examples of the EventBridge user guide ("Content filtering in Amazon EventBridge
// event patterns", "Arrays in Amazon EventBridge event patterns", "Event pattern syntax").
const ec2Event = {
  source: 'aws.ec2',
  'detail-type': 'EC2 Instance State-change Notification',
  time: '2017-10-02T18:43:48Z',
  region: 'us-east-1',
  resources: [
    'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b:autoScalingGroupName/ASGTerminate',
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
  ],
  detail: { state: 'terminated', 'instance-id': 'i-b188560f', 'x-limit': 123, flag: true, c: null, nested: { a: 'x' } },
};

const cases: { name: string; pattern: EventPattern; expected: boolean }[] = [
  { name: 'exact top-level value', pattern: { source: ['aws.ec2'] }, expected: true },
  { name: 'any of several exact values (OR within a field)', pattern: { source: ['aws.fargate', 'aws.ec2'] }, expected: true },
  { name: 'wrong exact value', pattern: { source: ['aws.s3'] }, expected: false },
  { name: 'exact matching is case-sensitive', pattern: { source: ['AWS.EC2'] }, expected: false },
  {
    name: 'all fields must match (AND across fields)',
    pattern: { source: ['aws.ec2'], detail: { state: ['running'] } },
    expected: false,
  },
  { name: 'nested exact value', pattern: { detail: { state: ['terminated'] } }, expected: true },
  { name: 'field missing from the event', pattern: { detail: { missing: ['x'] } }, expected: false },
  { name: 'nested object missing from the event', pattern: { other: { state: ['terminated'] } }, expected: false },
  { name: 'numbers match numbers', pattern: { detail: { 'x-limit': [123] } }, expected: true },
  { name: 'a number does not match its string form', pattern: { detail: { 'x-limit': ['123'] } }, expected: false },
  { name: 'booleans match', pattern: { detail: { flag: [true] } }, expected: true },
  { name: 'null matches null', pattern: { detail: { c: [null] } }, expected: true },
  { name: 'prefix', pattern: { time: [{ prefix: '2017-10-02' }] }, expected: true },
  { name: 'prefix that does not match', pattern: { time: [{ prefix: '2018' }] }, expected: false },
  { name: 'prefix never matches a number', pattern: { detail: { 'x-limit': [{ prefix: '1' }] } }, expected: false },
  { name: 'suffix', pattern: { detail: { 'instance-id': [{ suffix: '560f' }] } }, expected: true },
  { name: 'equals-ignore-case', pattern: { detail: { state: [{ 'equals-ignore-case': 'TERMINATED' }] } }, expected: true },
  { name: 'anything-but a value', pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } }, expected: true },
  { name: 'anything-but the actual value', pattern: { detail: { state: [{ 'anything-but': 'terminated' }] } }, expected: false },
  { name: 'anything-but a number', pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } }, expected: false },
  {
    name: 'anything-but a list containing the value',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } },
    expected: false,
  },
  {
    name: 'anything-but a list without the value',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
    expected: true,
  },
  { name: 'anything-but prefix, value has it', pattern: { region: [{ 'anything-but': { prefix: 'us-' } }] }, expected: false },
  { name: 'anything-but prefix, value lacks it', pattern: { region: [{ 'anything-but': { prefix: 'eu-' } }] }, expected: true },
  { name: 'anything-but suffix', pattern: { detail: { 'instance-id': [{ 'anything-but': { suffix: '.png' } }] } }, expected: true },
  { name: 'anything-but needs the field to be present', pattern: { detail: { missing: [{ 'anything-but': 'x' }] } }, expected: false },
  { name: 'exists true on a present leaf', pattern: { detail: { state: [{ exists: true }] } }, expected: true },
  { name: 'exists true on a missing leaf', pattern: { detail: { missing: [{ exists: true }] } }, expected: false },
  { name: 'exists false on a missing leaf', pattern: { detail: { missing: [{ exists: false }] } }, expected: true },
  { name: 'exists false on a present leaf', pattern: { detail: { state: [{ exists: false }] } }, expected: false },
  { name: 'exists only applies to leaves, not objects', pattern: { detail: { nested: [{ exists: true }] } }, expected: false },
  {
    name: 'array in the event: matches when the intersection is non-empty',
    pattern: {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
      ],
    },
    expected: true,
  },
  {
    name: 'array in the event: no common element',
    pattern: { resources: ['arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] },
    expected: false,
  },
  { name: 'array in the event with prefix', pattern: { resources: [{ prefix: 'arn:aws:ec2:' }] }, expected: true },
  { name: 'mixed matchers in one field (OR)', pattern: { region: ['eu-west-1', { prefix: 'us-' }] }, expected: true },
];

describe('matchesEventPattern', () => {
  it.each(cases)('$name', ({ pattern, expected }) => {
    // Prepare
    const event = structuredClone(ec2Event);

    // Act
    const matched = matchesEventPattern(pattern, event);

    // Assess
    expect(matched).toBe(expected);
  });

  it('matches the documented CloudTrail API-call shape with prefix on a nested field', () => {
    // Prepare
    const pattern: EventPattern = {
      source: ['aws.bedrock'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['bedrock.amazonaws.com'], errorCode: [{ prefix: 'AccessDenied' }] },
    };
    const event = {
      source: 'aws.bedrock',
      'detail-type': 'AWS API Call via CloudTrail',
      detail: { eventSource: 'bedrock.amazonaws.com', errorCode: 'AccessDeniedException' },
    };

    // Act
    const matched = [
      matchesEventPattern(pattern, event),
      matchesEventPattern(pattern, { ...event, detail: { ...event.detail, errorCode: 'ThrottlingException' } }),
      matchesEventPattern(pattern, { ...event, detail: { eventSource: 'bedrock.amazonaws.com' } }),
    ];

    // Assess
    expect(matched).toEqual([true, false, false]);
  });

  const invalid: { name: string; pattern: unknown; message: RegExp }[] = [
    { name: 'an empty matcher array', pattern: { source: [] }, message: /empty array/ },
    { name: 'a bare string instead of an array', pattern: { source: 'aws.ec2' }, message: /array or an object/ },
    { name: 'an unsupported operator', pattern: { detail: { x: [{ numeric: ['>', 0] }] } }, message: /"numeric"/ },
    { name: 'a top-level $or', pattern: { $or: [{ source: ['a'] }] }, message: /"\$or"/ },
    { name: 'exists with a non-boolean', pattern: { detail: { state: [{ exists: 'yes' }] } }, message: /exists/ },
    { name: 'prefix with a non-string', pattern: { time: [{ prefix: 2017 }] }, message: /takes a string/ },
    { name: 'anything-but wildcard', pattern: { region: [{ 'anything-but': { wildcard: '*' } }] }, message: /anything-but/ },
    { name: 'an empty object', pattern: { detail: {} }, message: /empty/ },
  ];

  it.each(invalid)('rejects a pattern with $name', ({ pattern, message }) => {
    // Act
    const act = () => matchesEventPattern(pattern as EventPattern, ec2Event);

    // Assess
    expect(act).toThrow(EventPatternError);
    expect(act).toThrow(message);
  });
});
