import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOperator, parsePolicy, parsePolicyDocument } from '../../../../shared/core/scp/index.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/scp');
const EVENTS = join(import.meta.dirname, '../../../../events/scp');

describe('parsePolicy', () => {
  it('normalizes a single Statement object and string fields to arrays', () => {
    // Prepare
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: { Sid: 'One', Effect: 'Deny', NotAction: 'iam:*', NotResource: 'arn:aws:s3:::b' },
    });
    // Act
    const result = parsePolicy('p-1', text);
    // Assess
    expect(result).toEqual({
      ok: true,
      value: {
        id: 'p-1',
        version: '2012-10-17',
        statements: [
          { index: 0, sid: 'One', effect: 'Deny', action: null, notAction: ['iam:*'], resource: null, notResource: ['arn:aws:s3:::b'], conditions: [], variables: true },
        ],
      },
    });
  });

  it('rejects a statement without Resource or NotResource, and says so', () => {
    const result = parsePolicy('p-2', '{"Version":"2012-10-17","Statement":[{"Sid":"NoResource","Effect":"Deny","Action":"*"}]}');
    expect(result).toEqual({
      ok: false,
      reason: 'policy p-2: statement 0 (Sid "NoResource"): exactly one of Resource or NotResource is required (a statement without either is invalid)',
    });
  });

  it('rejects a policy variable before the fifth colon of a Resource ARN', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:${aws:RequestedRegion}::bucket' }] });
    const result = parsePolicy('p-3', text);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain('has a policy variable before the fifth colon');
  });

  it('accepts a variable in the resource part of the ARN', () => {
    const text = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:*', Resource: 'arn:aws:iam::*:role/${aws:PrincipalTag/team}-*' }] });
    expect(parsePolicy('p-4', text).ok).toBe(true);
  });

  it.each([
    ['Version 2008-10-17', '2008-10-17'],
    ['no Version', undefined],
  ])('treats policy variables as literal text under %s', async (_name, version) => {
    // Prepare
    const { evaluateRequest } = await import('../../../../shared/core/scp/evaluate.js');
    const document = {
      ...(version === undefined ? {} : { Version: version }),
      Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringNotEquals: { 'aws:PrincipalAccount': '${aws:ResourceAccount}' } } }],
    };
    const request = { action: 's3:GetObject', resource: '*', context: { 'aws:PrincipalAccount': '111122223333', 'aws:ResourceAccount': '111122223333' } };

    // Act
    const literal = evaluateRequest([{ id: 'old', document }], request).decision;
    const resolved = evaluateRequest([{ id: 'new', document: { ...document, Version: '2012-10-17' } }], request).decision;

    // Assess: literally, the account is not "${aws:ResourceAccount}", so the Deny applies.
    expect([literal, resolved]).toEqual(['deny', 'allow']);
  });

  it('flattens a Condition block into clauses with operator parts and string values', () => {
    // Prepare
    const text = JSON.stringify({
      Statement: {
        Effect: 'Deny',
        Action: 'bedrock:InvokeModel',
        Resource: '*',
        Condition: {
          'ForAnyValue:StringNotLikeIfExists': { 'aws:TagKeys': ['a*', 'b'] },
          Bool: { 'aws:SecureTransport': false },
          NumericLessThan: { 's3:max-keys': 10 },
        },
      },
    });
    // Act
    const result = parsePolicy('p-3', text);
    // Assess
    expect(result.ok && result.value.statements[0]?.conditions).toEqual([
      { operator: 'ForAnyValue:StringNotLikeIfExists', base: 'StringNotLike', set: 'ForAnyValue', ifExists: true, key: 'aws:TagKeys', values: ['a*', 'b'] },
      { operator: 'Bool', base: 'Bool', set: null, ifExists: false, key: 'aws:SecureTransport', values: ['false'] },
      { operator: 'NumericLessThan', base: 'NumericLessThan', set: null, ifExists: false, key: 's3:max-keys', values: ['10'] },
    ]);
  });

  it.each([
    { name: 'text that is not JSON', text: '{"Statement": [', reason: /policy bad: not valid JSON/ },
    { name: 'a JSON value that is not an object', text: '[1,2]', reason: /policy bad: the document must be a JSON object/ },
    { name: 'a missing Statement', text: '{"Version":"2012-10-17"}', reason: /policy bad: Statement is missing/ },
    { name: 'an empty Statement array', text: '{"Statement":[]}', reason: /policy bad: Statement is empty/ },
    { name: 'a statement that is not an object', text: '{"Statement":["x"]}', reason: /policy bad: statement 0 must be an object/ },
    { name: 'an unknown Effect', text: '{"Statement":[{"Sid":"S1","Effect":"Block","Action":"*","Resource":"*"}]}', reason: /statement 0 \(Sid "S1"\): Effect must be "Allow" or "Deny", got "Block"/ },
    { name: 'a lower-case Effect', text: '{"Statement":[{"Effect":"deny","Action":"*","Resource":"*"}]}', reason: /statement 0: Effect must be/ },
    { name: 'both Action and NotAction', text: '{"Statement":[{"Effect":"Deny","Action":"*","NotAction":"iam:*","Resource":"*"}]}', reason: /statement 0: exactly one of Action or NotAction is required, not both/ },
    { name: 'neither Action nor NotAction', text: '{"Statement":[{"Effect":"Deny","Resource":"*"}]}', reason: /statement 0: exactly one of Action or NotAction is required$/ },
    { name: 'both Resource and NotResource', text: '{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","NotResource":"x"}]}', reason: /Resource and NotResource cannot both be present/ },
    { name: 'an empty Action array', text: '{"Statement":[{"Effect":"Deny","Action":[],"Resource":"*"}]}', reason: /Action must be a string or a non-empty array of strings/ },
    { name: 'a non-string in NotAction', text: '{"Statement":[{"Effect":"Deny","NotAction":["iam:*",1],"Resource":"*"}]}', reason: /NotAction must be a string or a non-empty array of strings/ },
    { name: 'a Principal (SCPs have none)', text: '{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}', reason: /SCPs do not support Principal or NotPrincipal/ },
    { name: 'an unknown statement field', text: '{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Conditions":{}}]}', reason: /unknown field "Conditions"/ },
    { name: 'an unknown condition operator', text: '{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringMatches":{"k":"v"}}}]}', reason: /Condition operator "StringMatches" is not supported/ },
    { name: 'NullIfExists (IfExists cannot qualify Null)', text: '{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}]}', reason: /Condition operator "NullIfExists" is not supported/ },
    { name: 'a condition value that is an object', text: '{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":{"v":1}}}}]}', reason: /Condition "StringEquals" key "k" must be/ },
    { name: 'a non-string Sid', text: '{"Statement":[{"Sid":5,"Effect":"Deny","Action":"*","Resource":"*"}]}', reason: /statement 0: Sid must be a string/ },
  ])('rejects $name with a reason naming the place', ({ text, reason }) => {
    // Act
    const result = parsePolicy('bad', text);
    // Assess
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });

  it('names the failing statement by index and Sid in a multi-statement policy', () => {
    const text = JSON.stringify({
      Statement: [
        { Sid: 'Fine', Effect: 'Allow', Action: '*', Resource: '*' },
        { Sid: 'Broken', Effect: 'Deny', Action: 'a:b', NotAction: 'c:d', Resource: '*' },
      ],
    });
    expect(parsePolicy('p-9', text)).toEqual({
      ok: false,
      reason: 'policy p-9: statement 1 (Sid "Broken"): exactly one of Action or NotAction is required, not both',
    });
  });

  it('accepts a byte-order mark before the JSON text', () => {
    expect(parsePolicy('bom', '\uFEFF{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}').ok).toBe(true);
  });
});

describe('parsePolicyDocument', () => {
  it('decodes a document given as JSON text', () => {
    const result = parsePolicyDocument('t', '{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}');
    expect(result.ok && result.value.statements.length).toBe(1);
  });
});

describe('parseOperator', () => {
  it.each([
    { operator: 'StringEquals', expected: { base: 'StringEquals', set: null, ifExists: false } },
    { operator: 'ForAllValues:StringLike', expected: { base: 'StringLike', set: 'ForAllValues', ifExists: false } },
    { operator: 'ArnNotLikeIfExists', expected: { base: 'ArnNotLike', set: null, ifExists: true } },
    { operator: 'forAnyValue:stringequals', expected: { base: 'StringEquals', set: 'ForAnyValue', ifExists: false } },
    { operator: 'Sometimes:StringEquals', expected: null },
    { operator: 'NullIfExists', expected: null },
  ])('splits $operator', ({ operator, expected }) => {
    expect(parseOperator(operator)).toEqual(expected);
  });
});

describe('published and sample SCPs', () => {
  const files = [
    ...readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).map((f) => join(FIXTURES, f)),
    ...readdirSync(EVENTS).filter((f) => f.endsWith('.json')).map((f) => join(EVENTS, f)),
  ];

  it.each(files)('parses %s as a valid SCP within the 5,120-character limit', (file) => {
    // Prepare
    const text = readFileSync(file, 'utf8');
    // Act
    const result = parsePolicy(file, text);
    // Assess
    expect(result.ok ? null : result.reason).toBeNull();
    expect(text.length).toBeLessThanOrEqual(5120);
  });
});
