import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseDenialMessage } from '../../../../shared/core/classify/access-denied-message.js';

const ROLE = 'arn:aws:sts::111122223333:assumed-role/app/session';
const POLICY = 'arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/service_control_policy/p-examplescp1';
const FM = 'arn:aws:bedrock:ap-southeast-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0';

describe('parseDenialMessage', () => {
  it.each([
    {
      name: 'legacy SCP form without policy ARN',
      message: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} with an explicit deny in a service control policy`,
      expected: { policyType: 'service control policy', explicit: true, resource: FM, policyArn: null, policyArnTruncated: false },
    },
    {
      name: '2026 form with the denying policy ARN',
      message: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} with an explicit deny in a service control policy: ${POLICY}`,
      expected: { policyType: 'service control policy', resource: FM, policyArn: POLICY, policyArnTruncated: false },
    },
    {
      name: 'truncated policy ARN is dropped but still parsed',
      message: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-a1b2c3d4e5/serv`,
      expected: { policyType: 'service control policy', policyArn: null, policyArnTruncated: true },
    },
    {
      name: 'message without an on-resource clause',
      message: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel with an explicit deny in a service control policy`,
      expected: { resource: null, action: 'bedrock:InvokeModel', policyType: 'service control policy' },
    },
    {
      name: 'SDK prefix is stripped',
      message: `An error occurred (AccessDeniedException) when calling the Converse operation: User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} with an explicit deny in a service control policy`,
      expected: { principal: ROLE, resource: FM },
    },
    {
      name: 'implicit deny of an identity-based policy',
      message: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} because no identity-based policy allows the bedrock:InvokeModel action`,
      expected: { policyType: 'identity-based policy', explicit: false },
    },
    {
      name: 'transitive deny names both policy types',
      message: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} with an explicit deny in a service control policy transitively through a session policy`,
      expected: { policyType: 'service control policy', transitivePolicyType: 'session policy' },
    },
    {
      name: 'an before a vowel and a trailing period',
      message: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} with an explicit deny in an identity-based policy: arn:aws:iam::111122223333:policy/deny-models.`,
      expected: { policyType: 'identity-based policy', policyArn: 'arn:aws:iam::111122223333:policy/deny-models' },
    },
    {
      name: 'GovCloud partition ARNs',
      message: 'User: arn:aws-us-gov:sts::111122223333:assumed-role/r/s is not authorized to perform: bedrock:InvokeModel on resource: arn:aws-us-gov:bedrock:us-gov-east-1::foundation-model/m with an explicit deny in a service control policy',
      expected: { principal: 'arn:aws-us-gov:sts::111122223333:assumed-role/r/s', resource: 'arn:aws-us-gov:bedrock:us-gov-east-1::foundation-model/m' },
    },
    {
      name: 'the documented "sessions policy" wording',
      message: `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel because no sessions policy allows the bedrock:InvokeModel action`,
      expected: { policyType: 'sessions policy', explicit: false, resource: null },
    },
  ])('reads the $name', ({ message, expected }) => {
    // Act
    const parsed = parseDenialMessage(message);

    // Assess
    expect(parsed.kind).toBe('authorization');
    expect(parsed).toMatchObject(expected);
  });

  it.each([
    ["You don't have access to the model with the specified model ID.", 'model-not-enabled'],
    ['You don’t have access to the model with the specified model ID.', 'model-not-enabled'],
    ['Your account is not authorized to invoke this API operation.', 'account-not-authorized'],
    [
      'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions (aws-marketplace:ViewSubscriptions, aws-marketplace:Subscribe) to enable access to this model.',
      'marketplace',
    ],
  ])('recognises the model-access message %j', (message, detail) => {
    expect(parseDenialMessage(message)).toEqual({ kind: 'model-access', detail });
  });

  it.each([[undefined], [null], [''], [42], ['Access denied'], ['User: x is not authorized']])(
    'calls %j unreadable',
    (message) => {
      expect(parseDenialMessage(message)).toEqual({ kind: 'unreadable' });
    },
  );

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string().map((tail) => `User: ${ROLE} is not authorized to perform: ${tail}`)), (message) => {
        const parsed = parseDenialMessage(message);
        expect(['authorization', 'model-access', 'unreadable']).toContain(parsed.kind);
      }),
    );
  });
});
