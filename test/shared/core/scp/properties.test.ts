import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BASE_OPERATORS,
  FULL_AWS_ACCESS_POLICY,
  evaluatePolicySet,
  evaluateRequest,
  parsePolicy,
  statementMatches,
} from '../../../../shared/core/scp/index.js';
import type { ContextValue, Evaluation, PolicyInput, RequestContext } from '../../../../shared/core/scp/index.js';

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('*', '?', '${', '${*}', '${aws:PrincipalAccount}', "${x, 'd'}", 'arn:aws:bedrock:*::foundation-model/*', 'arn:aws:iam::${Account}:role/[PRIVILEGED_ROLE]', ':::::', 'true', '10', '203.0.113.0/24', '::1'),
);

const contextValue: fc.Arbitrary<ContextValue> = fc.oneof(text, fc.array(text, { maxLength: 4 }), fc.boolean(), fc.constant(undefined));

const contextKey = fc.oneof(text, fc.constantFrom('aws:RequestedRegion', 'aws:PrincipalArn', 'bedrock:InferenceProfileArn', 'aws:SourceIp', 'aws:CurrentTime'));

const requestArb: fc.Arbitrary<RequestContext> = fc.record({
  action: fc.oneof(text, fc.constantFrom('bedrock:InvokeModel', 'ec2:RunInstances', 'iam:CreateRole')),
  resource: fc.oneof(text, fc.constantFrom('*', 'arn:aws:bedrock:ap-southeast-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0')),
  context: fc.dictionary(contextKey, contextValue, { maxKeys: 5 }),
});

const operatorName = fc
  .tuple(fc.constantFrom('', 'ForAnyValue:', 'ForAllValues:', 'Sometimes:'), fc.constantFrom(...BASE_OPERATORS, 'Bogus'), fc.constantFrom('', 'IfExists'))
  .map(([set, base, suffix]) => `${set}${base}${suffix}`);

const listOrString = fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 3 }));

/** Documents shaped like policies (most valid, some not), so evaluation paths are reached. */
const policyLike = fc.record(
  {
    Version: fc.constant('2012-10-17'),
    Statement: fc.array(
      fc.record(
        {
          Sid: text,
          Effect: fc.constantFrom('Allow', 'Deny', 'Deny', 'allow'),
          Action: listOrString,
          NotResource: listOrString,
          Resource: listOrString,
          Condition: fc.dictionary(operatorName, fc.dictionary(contextKey, fc.oneof(listOrString, fc.boolean(), fc.integer()), { minKeys: 1, maxKeys: 3 }), { maxKeys: 3 }),
        },
        { requiredKeys: ['Effect', 'Action'] },
      ),
      { minLength: 1, maxLength: 4 },
    ),
  },
  { requiredKeys: ['Statement'] },
);

const anyDocument = fc.oneof(policyLike, policyLike, fc.jsonValue(), text);

const levelsArb = fc.array(
  fc.array(fc.record({ id: fc.string(), document: anyDocument }), { maxLength: 3 }),
  { maxLength: 3 },
);

function assertConsistent(result: Evaluation): void {
  expect(['allow', 'deny']).toContain(result.decision);
  expect(result.decision === 'allow').toBe(result.basis === 'allowed');
  expect(result.basis === 'explicit-deny').toBe(result.denies.length > 0);
  expect(result.basis === 'implicit-deny').toBe(result.levelWithoutAllow !== null);
}

describe('SCP evaluator properties', () => {
  it('never throws on arbitrary documents and contexts, and always returns a consistent allow|deny', () => {
    fc.assert(
      fc.property(levelsArb, requestArb, (levels, request) => {
        assertConsistent(evaluatePolicySet({ levels }, request));
        assertConsistent(evaluateRequest({ levels }, request));
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary JSON text or non-object requests', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), text), fc.anything(), (json, junk) => {
        const parsed = parsePolicy('p', json);
        expect(typeof parsed.ok).toBe('boolean');
        assertConsistent(evaluateRequest([{ id: 'p', document: json }], junk as RequestContext));
      }),
      { numRuns: 300 },
    );
  });

  it('always allows when the only statement is Allow */*', () => {
    const allowAll: PolicyInput = { id: 'FullAWSAccess', document: FULL_AWS_ACCESS_POLICY };
    fc.assert(
      fc.property(requestArb, fc.integer({ min: 1, max: 4 }), (request, depth) => {
        const result = evaluatePolicySet({ levels: Array.from({ length: depth }, () => [allowAll]) }, request);
        expect(result.decision).toBe('allow');
      }),
      { numRuns: 300 },
    );
  });

  it('always denies explicitly when a level holds an unconditional Deny */*', () => {
    const denyAll: PolicyInput = { id: 'DenyAll', document: { Statement: { Effect: 'Deny', Action: '*', Resource: '*' } } };
    fc.assert(
      fc.property(requestArb, (request) => {
        expect(evaluateRequest([denyAll], request)).toMatchObject({ decision: 'deny', basis: 'explicit-deny' });
      }),
      { numRuns: 200 },
    );
  });

  it('a negated operator is the complement of its positive operator when the key is present', () => {
    const pairs = [
      ['StringEquals', 'StringNotEquals'],
      ['StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase'],
      ['StringLike', 'StringNotLike'],
      ['ArnLike', 'ArnNotLike'],
      ['ArnEquals', 'ArnNotEquals'],
      ['NumericEquals', 'NumericNotEquals'],
      ['DateEquals', 'DateNotEquals'],
      ['IpAddress', 'NotIpAddress'],
    ] as const;
    const holds = (operator: string, values: string[], value: string): boolean => {
      const parsed = parsePolicy('p', JSON.stringify({ Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { [operator]: { k: values } } } }));
      if (!parsed.ok || parsed.value.statements[0] === undefined) throw new Error('fixture');
      return statementMatches(parsed.value.statements[0], { action: 'a:b', resource: '*', context: { k: value } });
    };
    fc.assert(
      fc.property(fc.constantFrom(...pairs), fc.array(text, { minLength: 1, maxLength: 3 }), text, ([positive, negated], values, value) => {
        expect(holds(negated, values, value)).toBe(!holds(positive, values, value));
      }),
      { numRuns: 400 },
    );
  });
});
