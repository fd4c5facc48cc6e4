import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../shared/core/types.js';
import type { RecordedAuthorization } from './iam-toolbox-server.js';

const FIXTURES = join(__dirname, '../fixtures/iam-toolbox');

export const MANAGEMENT = '999988887777';
export const MEMBER = '111122223333';
export const ORG = 'o-a1b2c3d4e5';
export const ROOT_ARN = `arn:aws:organizations::${MANAGEMENT}:root/${ORG}/r-ab12`;
export const OU_ARN = `arn:aws:organizations::${MANAGEMENT}:ou/${ORG}/ou-ab12-cdef3456`;
export const ACCOUNT_ARN = `arn:aws:organizations::${MANAGEMENT}:account/${ORG}/${MEMBER}`;
export const REGION_DENY_URI = `arn:aws:organizations::${MANAGEMENT}:policy/${ORG}/service_control_policy/p-tokyoosaka1`;
export const FULL_AWS_ACCESS_URI = 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess';
export const IDENTITY_URI = `arn:aws:iam::${MEMBER}:policy/app-chatbot-bedrock`;
export const ROLE_ARN = `arn:aws:iam::${MEMBER}:role/app-chatbot-role`;
export const PROFILE = 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0';
export const MODEL = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
export const DENIED_RESOURCE = `arn:aws:bedrock:ap-southeast-1::foundation-model/${MODEL}`;
export const AUTHORIZATION_ID = 'k3x9q2m7v5b1n8c4d6f0';

/** The Region-deny SCP as it was at request time (fresh parse each call). */
export function regionDenyDocument(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, 'region-deny-tokyo-osaka.json'), 'utf8')) as Record<string, unknown>;
}

/**
 * What IAM records for an apac profile call from Tokyo routed to Singapore and denied there by a
 * Region-deny SCP attached to an OU: the profile call in the source Region was allowed, the model
 * call in the destination explicitly denied.
 */
export function apacConverseDenial(overrides: Partial<RecordedAuthorization> = {}): RecordedAuthorization {
  const profileArn = `arn:aws:bedrock:ap-northeast-1:${MEMBER}:inference-profile/${PROFILE}`;
  return {
    region: 'ap-northeast-1',
    accounts: [MEMBER, MANAGEMENT, '444455556666'],
    expiresAt: Date.parse('2026-11-29T01:01:07Z'),
    requestContext: {
      'aws:PrincipalArn': ROLE_ARN,
      'aws:PrincipalAccount': MEMBER,
      'aws:PrincipalOrgID': ORG,
      'aws:CurrentTime': '2026-11-28T01:01:07Z',
    },
    evaluations: [
      {
        action: 'bedrock:InvokeModel',
        resource: profileArn,
        context: { 'aws:RequestedRegion': 'ap-northeast-1' },
        evaluatedEffect: 'ALLOW',
        matchedPolicies: [
          { uri: IDENTITY_URI, matchedStatements: [{ sid: 'InvokeThroughApacProfiles', evaluatedEffect: 'ALLOW' }] },
          { uri: FULL_AWS_ACCESS_URI, matchedStatements: [{ sid: 'Statement0', evaluatedEffect: 'ALLOW' }] },
        ],
      },
      {
        action: 'bedrock:InvokeModel',
        resource: DENIED_RESOURCE,
        context: { 'aws:RequestedRegion': 'ap-southeast-1', 'bedrock:InferenceProfileArn': profileArn },
        evaluatedEffect: 'EXPLICIT_DENY',
        matchedPolicies: [
          { uri: IDENTITY_URI, matchedStatements: [{ sid: 'InvokeThroughApacProfiles', evaluatedEffect: 'ALLOW' }] },
          { uri: FULL_AWS_ACCESS_URI, matchedStatements: [{ sid: 'Statement0', evaluatedEffect: 'ALLOW' }] },
          { uri: REGION_DENY_URI, matchedStatements: [{ sid: 'DenyOutsideTokyoOsaka', evaluatedEffect: 'DENY' }] },
        ],
      },
      {
        action: 'bedrock:InvokeModel',
        resource: `arn:aws:bedrock:ap-northeast-1::foundation-model/${MODEL}`,
        context: { 'aws:RequestedRegion': 'ap-northeast-1', 'bedrock:InferenceProfileArn': profileArn },
        evaluatedEffect: 'ALLOW',
        matchedPolicies: [{ uri: FULL_AWS_ACCESS_URI, matchedStatements: [{ sid: 'Statement0', evaluatedEffect: 'ALLOW' }] }],
      },
    ],
    policies: [
      { type: 'IDENTITY_BASED_POLICY', inline: false, uri: IDENTITY_URI, attachedTo: [{ arn: ROLE_ARN }] },
      { type: 'SERVICE_CONTROL_POLICY', inline: false, uri: FULL_AWS_ACCESS_URI, attachedTo: [{ arn: ROOT_ARN }, { arn: OU_ARN }, { arn: ACCOUNT_ARN }] },
      { type: 'SERVICE_CONTROL_POLICY', inline: false, uri: REGION_DENY_URI, attachedTo: [{ arn: OU_ARN }] },
    ],
    documents: {
      [FULL_AWS_ACCESS_URI]: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      [REGION_DENY_URI]: regionDenyDocument(),
      [IDENTITY_URI]: { Version: '2012-10-17', Statement: [{ Sid: 'InvokeThroughApacProfiles', Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' }] },
    },
    ...overrides,
  };
}

/** The finding the classifier makes of that denial, with the authorization ID of its message. */
export function apacConverseFinding(overrides: Partial<Finding & { authorizationId: string | null; authorizationDetailsUrl: string | null }> = {}): Finding {
  return structuredClone({
    eventId: 'c1d2e3f4-0000-4000-8000-0000000000aa',
    eventTime: '2026-11-28T01:01:07Z',
    eventName: 'Converse',
    accountId: MEMBER,
    principalArn: `arn:aws:sts::${MEMBER}:assumed-role/app-chatbot-role/i-0abc12345def67890`,
    sourceRegion: 'ap-northeast-1',
    action: 'bedrock:InvokeModel',
    modelId: PROFILE,
    profile: { id: PROFILE, scope: 'apac' },
    foundationModel: MODEL,
    deniedResource: DENIED_RESOURCE,
    deniedRegion: 'ap-southeast-1',
    policyType: 'service control policy',
    policyArn: REGION_DENY_URI,
    destinations: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2'],
    destinationsSource: 'catalog',
    verdict: 'cross-region-scp',
    reason: 'denied',
    userAgent: null,
    sourceIpAddress: null,
    errorCode: 'AccessDenied',
    errorMessage: null,
    authorizationId: AUTHORIZATION_ID,
    authorizationDetailsUrl: `https://ap-northeast-1.console.aws.amazon.com/iam/home?region=ap-northeast-1#/authorization-details/${AUTHORIZATION_ID}`,
    ...overrides,
  }) as Finding;
}
