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
    ['cut inside the action name', `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} because no session policy allows the bedrock:I`, 'session policy'],
    ['cut inside the policy type', `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} because no permissions bou`, 'permissions boundary'],
    ['cut inside an explicit clause', `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} with an explicit deny in a service contr`, 'service control policy'],
  ])('still yields the policy type of a copy %s', (_name, message, policyType) => {
    expect(parseDenialMessage(message)).toMatchObject({ kind: 'authorization', resource: FM, policyType });
  });

  it('reads the IAM sentence after a Go SDK prefix and before a Java SDK suffix', () => {
    const message = `operation error Bedrock Runtime: Converse, https response error StatusCode: 403, RequestID: 4c3f2a1e, AccessDeniedException: User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} because no identity-based policy allows the bedrock:InvokeModel action (Service: BedrockRuntime; Status Code: 403; Error Code: AccessDeniedException)`;

    expect(parseDenialMessage(message)).toMatchObject({ principal: ROLE, resource: FM, policyType: 'identity-based policy', explicit: false });
  });

  describe('Access Troubleshooter suffix (authorization ID)', () => {
    // The IAM User Guide's own example ("Troubleshoot access denied error messages with authorization ID").
    const DOC_EXAMPLE =
      'User: arn:aws:iam::123456789012:user/janedoe is not authorized to perform: iam:CreateInstanceProfile on resource: arn:aws:iam::123456789012:instance-profile/my-instance-profile with an explicit deny in an identity-based policy: arn:aws:iam::123456789012:policy/ExampleDenyPolicy. Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/EXAMPLE1a2b3c4d5e for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: EXAMPLE1a2b3c4d5e';
    const SUFFIX = (id: string) =>
      `. Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/${id} for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: ${id}`;
    const SCP_DENIAL = `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} with an explicit deny in a service control policy: ${POLICY}`;

    it('reads the documented example with the exact policy ARN, the ID and the link', () => {
      expect(parseDenialMessage(DOC_EXAMPLE)).toEqual({
        kind: 'authorization',
        principal: 'arn:aws:iam::123456789012:user/janedoe',
        action: 'iam:CreateInstanceProfile',
        resource: 'arn:aws:iam::123456789012:instance-profile/my-instance-profile',
        policyType: 'identity-based policy',
        explicit: true,
        transitivePolicyType: null,
        policyArn: 'arn:aws:iam::123456789012:policy/ExampleDenyPolicy',
        policyArnTruncated: false,
        authorizationId: 'EXAMPLE1a2b3c4d5e',
        authorizationDetailsUrl: 'https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/EXAMPLE1a2b3c4d5e',
      });
    });

    it('reads a Bedrock SCP denial carrying the suffix, keeping the SCP ARN exact', () => {
      const parsed = parseDenialMessage(`${SCP_DENIAL}${SUFFIX('0a1b2c3d4e5f6g7h8i9j')}`);

      expect(parsed).toMatchObject({
        kind: 'authorization',
        resource: FM,
        policyType: 'service control policy',
        policyArn: POLICY,
        policyArnTruncated: false,
        authorizationId: '0a1b2c3d4e5f6g7h8i9j',
      });
    });

    it('reads the suffix after a message that names no policy ARN', () => {
      const parsed = parseDenialMessage(
        `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} with an explicit deny in a service control policy${SUFFIX('abc123')}`,
      );

      expect(parsed).toMatchObject({ policyType: 'service control policy', policyArn: null, policyArnTruncated: false, authorizationId: 'abc123' });
    });

    it('reads the suffix after an implicit deny', () => {
      const parsed = parseDenialMessage(
        `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel on resource: ${FM} because no identity-based policy allows the bedrock:InvokeModel action${SUFFIX('abc123')}`,
      );

      expect(parsed).toMatchObject({ policyType: 'identity-based policy', explicit: false, authorizationId: 'abc123' });
    });

    it('tolerates sentences AWS may add after the suffix', () => {
      const parsed = parseDenialMessage(`${SCP_DENIAL}${SUFFIX('abc123')}. Learn more at https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html.`);

      expect(parsed).toMatchObject({ policyArn: POLICY, authorizationId: 'abc123' });
      if (parsed.kind === 'authorization') expect(parsed.authorizationDetailsUrl).toContain('#/authorization-details/abc123');
    });

    it('tolerates an unknown sentence after the policy ARN', () => {
      const parsed = parseDenialMessage(`${SCP_DENIAL}. Some future sentence.`);

      expect(parsed).toMatchObject({ policyArn: POLICY, authorizationId: null, authorizationDetailsUrl: null });
    });

    it('keeps a policy ARN whose name holds a period', () => {
      const parsed = parseDenialMessage(
        `User: ${ROLE} is not authorized to perform: bedrock:InvokeModel with an explicit deny in an identity-based policy: arn:aws:iam::111122223333:policy/deny.models${SUFFIX('abc123')}`,
      );

      expect(parsed).toMatchObject({ policyArn: 'arn:aws:iam::111122223333:policy/deny.models', authorizationId: 'abc123' });
    });

    it('reads the ID from the link when the copy stops before the API sentence', () => {
      const parsed = parseDenialMessage(
        `${SCP_DENIAL}. Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/abc123 for complete details, or call the GetRequestAu`,
      );

      expect(parsed).toMatchObject({ authorizationId: 'abc123', authorizationDetailsUrl: expect.stringContaining('/abc123') });
    });

    it('takes the link\'s full ID when the copy cut the final ID short', () => {
      const parsed = parseDenialMessage(`${SCP_DENIAL}${SUFFIX('abc123def456').slice(0, -4)}`);

      expect(parsed).toMatchObject({ authorizationId: 'abc123def456' });
    });

    it('shows no link cut off inside the URL, and takes no ID from it', () => {
      const parsed = parseDenialMessage(`${SCP_DENIAL}. Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-det`);

      expect(parsed).toMatchObject({ policyArn: POLICY, authorizationId: null, authorizationDetailsUrl: null });
    });

    it.each([
      ['another host', 'https://us-east-1.console.aws.amazon.com.evil.example/iam/home#/authorization-details/abc123'],
      ['plain http', 'http://us-east-1.console.aws.amazon.com/iam/home#/authorization-details/abc123'],
      ['a look-alike host', 'https://console-aws-amazon.com/iam/home#/authorization-details/abc123'],
    ])('never keeps a link to %s', (_name, url) => {
      const parsed = parseDenialMessage(`${SCP_DENIAL}. Go to ${url} for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: abc123`);

      expect(parsed).toMatchObject({ authorizationId: 'abc123', authorizationDetailsUrl: null });
    });

    it.each([
      ['GovCloud', 'https://us-gov-west-1.console.amazonaws-us-gov.com/iam/home?region=us-gov-west-1#/authorization-details/abc123'],
      ['China', 'https://console.amazonaws.cn/iam/home?region=cn-north-1#/authorization-details/abc123'],
    ])('keeps the %s console link', (_name, url) => {
      const parsed = parseDenialMessage(`${SCP_DENIAL}. Go to ${url} for complete details, or call the GetRequestAuthorizationDetails API with the following authorization id: abc123`);

      expect(parsed).toMatchObject({ authorizationDetailsUrl: url });
    });

    it('shows no link whose ID disagrees with the stated one', () => {
      const parsed = parseDenialMessage(`${SCP_DENIAL}${SUFFIX('abc123').replace('details/abc123', 'details/zzz999')}`);

      expect(parsed).toMatchObject({ authorizationId: 'abc123', authorizationDetailsUrl: null });
    });

    it('has null references when the message carries none', () => {
      expect(parseDenialMessage(SCP_DENIAL)).toMatchObject({ authorizationId: null, authorizationDetailsUrl: null });
    });
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
