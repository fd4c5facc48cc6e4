import { describe, expect, it } from 'vitest';
import { matchAction, matchResource, matchWildcard, splitArn } from '../../../../shared/core/scp/index.js';

describe('matchAction', () => {
  it.each([
    { name: 'an exact action matches', pattern: 'bedrock:InvokeModel', action: 'bedrock:InvokeModel', expected: true },
    { name: 'action names ignore case', pattern: 'bedrock:invokemodel', action: 'bedrock:InvokeModel', expected: true },
    { name: 'the service prefix ignores case', pattern: 'BEDROCK:InvokeModel', action: 'bedrock:InvokeModel', expected: true },
    { name: 'a trailing * covers every action of the service', pattern: 'iam:*', action: 'iam:CreateRole', expected: true },
    { name: 'a service wildcard does not cover another service', pattern: 'iam:*', action: 'ec2:RunInstances', expected: false },
    { name: 'a * inside the name matches (bedrock:Invoke*)', pattern: 'bedrock:Invoke*', action: 'bedrock:InvokeModelWithResponseStream', expected: true },
    { name: 'a prefix pattern needs the wildcard', pattern: 'bedrock:InvokeModel', action: 'bedrock:InvokeModelWithResponseStream', expected: false },
    { name: 'a ? matches exactly one character', pattern: 's3:GetAccountPublic?', action: 's3:GetAccountPublicX', expected: true },
    { name: 'a ? does not match zero characters', pattern: 's3:GetAccountPublic?', action: 's3:GetAccountPublic', expected: false },
    { name: '* matches every action', pattern: '*', action: 'bedrock:InvokeModel', expected: true },
    { name: 'a leading * matches across the service prefix', pattern: '*:Describe*', action: 'ec2:DescribeRegions', expected: true },
  ])('$name', ({ pattern, action, expected }) => {
    expect(matchAction(pattern, action)).toBe(expected);
  });
});

const MODEL_TOKYO = 'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0';
const MODEL_GLOBAL = 'arn:aws:bedrock:::foundation-model/anthropic.claude-sonnet-4-20250514-v1:0';

describe('matchResource', () => {
  it.each([
    { name: '"*" matches every resource', pattern: '*', resource: MODEL_TOKYO, expected: true },
    { name: 'a Region wildcard matches any Region', pattern: 'arn:aws:bedrock:*::foundation-model/anthropic.*', resource: MODEL_TOKYO, expected: true },
    { name: 'a Region wildcard matches the Region-less global model ARN', pattern: 'arn:aws:bedrock:*::foundation-model/*', resource: MODEL_GLOBAL, expected: true },
    { name: 'the resource part is case-sensitive', pattern: 'arn:aws:bedrock:*::foundation-model/Anthropic.*', resource: MODEL_TOKYO, expected: false },
    { name: 'the service segment ignores case', pattern: 'arn:aws:Bedrock:*::foundation-model/anthropic.*', resource: MODEL_TOKYO, expected: true },
    { name: 'a wildcard in the resource part spans colons (model version suffix)', pattern: 'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-5-sonnet*', resource: MODEL_TOKYO, expected: true },
    { name: 'a * ending a segment may expand beyond the colon', pattern: 'arn:aws:bedrock:*', resource: MODEL_TOKYO, expected: true },
    { name: 'a * in the middle of a segment stays inside it', pattern: 'arn:aws:bedrock:ap*1:foundation-model/x', resource: 'arn:aws:bedrock:ap-northeast-1:111:foundation-model/x', expected: false },
    { name: 'the same * ending its segment crosses the colon', pattern: 'arn:aws:bedrock:ap*:foundation-model/x', resource: 'arn:aws:bedrock:ap-northeast-1:111:foundation-model/x', expected: true },
    { name: 'a ? in a segment matches one character, never a colon', pattern: 'arn:aws:s3:::bucket?', resource: 'arn:aws:s3:::bucket1', expected: true },
    { name: 'an S3 object pattern matches its objects', pattern: 'arn:aws:s3:::my_corporate_bucket/*', resource: 'arn:aws:s3:::my_corporate_bucket/a/b.txt', expected: true },
    { name: 'a placeholder pattern matches nothing and does not throw', pattern: 'arn:aws:bedrock:*::foundation-model/<unique-identifier>.*', resource: MODEL_TOKYO, expected: false },
  ])('$name', ({ pattern, resource, expected }) => {
    expect(matchResource(pattern, resource)).toBe(expected);
  });
});

describe('matchWildcard', () => {
  // No wall-clock assertion: a backtracking matcher would take longer than the universe's age on
  // this input, so the test's timeout is the guard; the timing itself is measured by `npm run bench`.
  it('matches a pathological pattern against a long value without backtracking blow-up', () => {
    // Prepare
    const pattern = `${'*a'.repeat(40)}*b`;
    const value = 'a'.repeat(4000);
    // Act
    const matched = matchWildcard(pattern, value, { ignoreCase: false });
    const matchedWithB = matchWildcard(pattern, `${value}b`, { ignoreCase: false });
    // Assess
    expect(matched).toBe(false);
    expect(matchedWithB).toBe(true);
  });

  it('matches the empty string only with an empty or all-star pattern', () => {
    expect([matchWildcard('', '', { ignoreCase: false }), matchWildcard('**', '', { ignoreCase: false }), matchWildcard('?', '', { ignoreCase: false })]).toEqual([true, true, false]);
  });
});

describe('splitArn', () => {
  it('keeps colons of the resource part in the sixth component', () => {
    expect(splitArn(MODEL_TOKYO)).toEqual([
      'arn',
      'aws',
      'bedrock',
      'ap-northeast-1',
      '',
      'foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0',
    ]);
  });

  it('returns null for a value with fewer than six components', () => {
    expect(splitArn('arn:aws:iam')).toBeNull();
  });
});
