import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FULL_AWS_ACCESS_POLICY,
  evaluatePolicySet,
  evaluateRequest,
  findMatchingStatements,
  parsePolicy,
  statementMatches,
} from '../../../../shared/core/scp/index.js';
import type { ContextValue, PolicyInput, RequestContext } from '../../../../shared/core/scp/index.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/scp');
const EVENTS = join(import.meta.dirname, '../../../../events/scp');

/** A fresh policy input per call, read from disk (never shared between tests). */
function policyFile(dir: string, name: string): PolicyInput {
  return { id: name, document: JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown };
}

const ORG_REGION_DENY = 'Deny-access-to-AWS-based-on-the-requested-AWS-region.json';
const CRIS_PUBLISHED = 'Deny-access-to-AWS-based-on-the-requested-AWS-region-with-Bedrock-CRIS.json';
const MODEL_ALLOW_LIST = 'Deny-Bedrock-model-invocation-except-approved-models.json';
const GRREGIONDENY = 'control-tower-GRREGIONDENY-example.json';

const SONNET = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const APAC_PROFILE = `arn:aws:bedrock:ap-northeast-1:111122223333:inference-profile/apac.${SONNET}`;
const ROLE = 'arn:aws:iam::111122223333:role/BedrockApp';

function request(action: string, resource: string, context: Record<string, ContextValue>): RequestContext {
  return { action, resource, context: { 'aws:PrincipalArn': ROLE, ...context } };
}

function bedrockIn(region: string, extra: Record<string, ContextValue> = {}): RequestContext {
  const resource = region === 'unspecified'
    ? `arn:aws:bedrock:::foundation-model/${SONNET}`
    : `arn:aws:bedrock:${region}::foundation-model/${SONNET}`;
  return request('bedrock:InvokeModel', resource, { 'aws:RequestedRegion': region, ...extra });
}

function ec2In(region: string, extra: Record<string, ContextValue> = {}): RequestContext {
  return request('ec2:RunInstances', `arn:aws:ec2:${region}:111122223333:instance/*`, { 'aws:RequestedRegion': region, ...extra });
}

interface FixtureCase {
  name: string;
  dir: string;
  file: string;
  request: RequestContext;
  decision: 'allow' | 'deny';
  deniedBy: (string | null)[];
}

const fixtureCases: FixtureCase[] = [
  // AWS Organizations example, as published (eu-central-1, eu-west-1; placeholders kept).
  { name: 'Organizations example: ec2:RunInstances in a non-approved Region is denied', dir: FIXTURES, file: ORG_REGION_DENY, request: ec2In('us-east-1'), decision: 'deny', deniedBy: [null] },
  { name: 'Organizations example: ec2:RunInstances in an approved Region is allowed', dir: FIXTURES, file: ORG_REGION_DENY, request: ec2In('eu-west-1'), decision: 'allow', deniedBy: [] },
  { name: 'Organizations example: iam:* in any Region is allowed (NotAction)', dir: FIXTURES, file: ORG_REGION_DENY, request: request('iam:CreateRole', 'arn:aws:iam::111122223333:role/x', { 'aws:RequestedRegion': 'ap-southeast-2' }), decision: 'allow', deniedBy: [] },
  { name: 'Organizations example: s3:GetAccountPublic* in NotAction exempts s3:GetAccountPublicAccessBlock', dir: FIXTURES, file: ORG_REGION_DENY, request: request('s3:GetAccountPublicAccessBlock', '*', { 'aws:RequestedRegion': 'us-east-1' }), decision: 'allow', deniedBy: [] },
  { name: 'Organizations example: the ${Account}/[PRIVILEGED_ROLE] placeholder exempts nobody', dir: FIXTURES, file: ORG_REGION_DENY, request: ec2In('us-east-1', { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/PRIVILEGED_ROLE' }), decision: 'deny', deniedBy: [null] },
  { name: 'Organizations example: a request without aws:RequestedRegion is denied (negated operator, absent key)', dir: FIXTURES, file: ORG_REGION_DENY, request: { action: 'ec2:RunInstances', resource: '*', context: {} }, decision: 'deny', deniedBy: [null] },
  // Instantiated Organizations example.
  { name: 'filled EU example: the BreakGlassAdmin role is exempt outside the EU', dir: EVENTS, file: 'region-deny-eu.json', request: ec2In('us-east-1', { 'aws:PrincipalArn': 'arn:aws:iam::444455556666:role/BreakGlassAdmin' }), decision: 'allow', deniedBy: [] },
  { name: 'filled EU example: other roles are denied outside the EU by DenyAllOutsideEU', dir: EVENTS, file: 'region-deny-eu.json', request: ec2In('us-east-1'), decision: 'deny', deniedBy: ['DenyAllOutsideEU'] },
  // Control Tower GRREGIONDENY (Tokyo, Osaka, N. Virginia).
  { name: 'GRREGIONDENY: Bedrock InvokeModel routed to ap-southeast-1 is denied by GRREGIONDENY', dir: FIXTURES, file: GRREGIONDENY, request: bedrockIn('ap-southeast-1'), decision: 'deny', deniedBy: ['GRREGIONDENY'] },
  { name: 'GRREGIONDENY: Bedrock InvokeModel routed to ap-southeast-1 is denied even through an apac. profile', dir: FIXTURES, file: GRREGIONDENY, request: bedrockIn('ap-southeast-1', { 'bedrock:InferenceProfileArn': APAC_PROFILE }), decision: 'deny', deniedBy: ['GRREGIONDENY'] },
  { name: 'GRREGIONDENY: Bedrock InvokeModel in Tokyo is allowed', dir: FIXTURES, file: GRREGIONDENY, request: bedrockIn('ap-northeast-1'), decision: 'allow', deniedBy: [] },
  { name: 'GRREGIONDENY: a global profile (aws:RequestedRegion "unspecified") is denied by a plain region deny', dir: FIXTURES, file: GRREGIONDENY, request: bedrockIn('unspecified'), decision: 'deny', deniedBy: ['GRREGIONDENY'] },
  { name: 'GRREGIONDENY: AWSControlTowerExecution is exempt via aws:PrincipalArn (policy writes aws:PrincipalARN)', dir: FIXTURES, file: GRREGIONDENY, request: bedrockIn('ap-southeast-1', { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/AWSControlTowerExecution' }), decision: 'allow', deniedBy: [] },
  { name: 'GRREGIONDENY: the exemption does not cover a role whose name only contains AWSControlTowerExecution', dir: FIXTURES, file: GRREGIONDENY, request: bedrockIn('ap-southeast-1', { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/AWSControlTowerExecution2' }), decision: 'deny', deniedBy: ['GRREGIONDENY'] },
  { name: 'custom Tokyo/Osaka/Virginia SCP: ap-southeast-1 denied by statement GRREGIONDENY', dir: EVENTS, file: 'region-deny-tokyo-osaka-virginia.json', request: bedrockIn('ap-southeast-1'), decision: 'deny', deniedBy: ['GRREGIONDENY'] },
  // aws-samples CRIS variant, instantiated for ap-northeast-1/ap-northeast-3 and apac.*.
  { name: 'CRIS variant: InvokeModel in ap-southeast-1 through an apac. profile is allowed', dir: EVENTS, file: 'region-deny-with-bedrock-cris-apac.json', request: bedrockIn('ap-southeast-1', { 'bedrock:InferenceProfileArn': APAC_PROFILE }), decision: 'allow', deniedBy: [] },
  { name: 'CRIS variant: the same call without a profile (direct model call) is denied', dir: EVENTS, file: 'region-deny-with-bedrock-cris-apac.json', request: bedrockIn('ap-southeast-1'), decision: 'deny', deniedBy: ['DenyBedrockInferenceOutsideApprovedRegions'] },
  { name: 'CRIS variant: the same call through a us. profile is denied', dir: EVENTS, file: 'region-deny-with-bedrock-cris-apac.json', request: bedrockIn('ap-southeast-1', { 'bedrock:InferenceProfileArn': `arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.${SONNET}` }), decision: 'deny', deniedBy: ['DenyBedrockInferenceOutsideApprovedRegions'] },
  { name: 'CRIS variant: a global profile is still denied (pattern is apac.* only)', dir: EVENTS, file: 'region-deny-with-bedrock-cris-apac.json', request: bedrockIn('unspecified', { 'bedrock:InferenceProfileArn': `arn:aws:bedrock:ap-northeast-1:111122223333:inference-profile/global.${SONNET}` }), decision: 'deny', deniedBy: ['DenyBedrockInferenceOutsideApprovedRegions'] },
  { name: 'CRIS variant: non-Bedrock actions stay denied outside approved Regions', dir: EVENTS, file: 'region-deny-with-bedrock-cris-apac.json', request: ec2In('ap-southeast-1'), decision: 'deny', deniedBy: ['DenyUnapprovedRegionsExceptGlobalAndBedrockCRIS'] },
  { name: 'CRIS variant: InvokeModelWithResponseStream in Osaka is allowed', dir: EVENTS, file: 'region-deny-with-bedrock-cris-apac.json', request: request('bedrock:InvokeModelWithResponseStream', `arn:aws:bedrock:ap-northeast-3::foundation-model/${SONNET}`, { 'aws:RequestedRegion': 'ap-northeast-3' }), decision: 'allow', deniedBy: [] },
  // Published CRIS variant with its placeholders: the placeholders match nothing, so it denies.
  { name: 'CRIS variant as published: placeholder Regions and prefix deny the apac. call without throwing', dir: FIXTURES, file: CRIS_PUBLISHED, request: bedrockIn('ap-southeast-1', { 'bedrock:InferenceProfileArn': APAC_PROFILE }), decision: 'deny', deniedBy: ['DenyBedrockInferenceOutsideApprovedRegions'] },
  // Model allow-list with placeholders.
  { name: 'model allow-list as published: the <unique-identifier> placeholder approves no model', dir: FIXTURES, file: MODEL_ALLOW_LIST, request: bedrockIn('ap-northeast-1'), decision: 'deny', deniedBy: ['DenyUsageOfModelsWithBedrock'] },
];

describe('evaluateRequest with published and sample SCPs', () => {
  it.each(fixtureCases)('$name', ({ dir, file, request: req, decision, deniedBy }) => {
    // Prepare
    const policies = [policyFile(dir, file)];
    // Act
    const result = evaluateRequest(policies, req);
    // Assess
    expect(result.decision).toBe(decision);
    expect(result.basis).toBe(decision === 'allow' ? 'allowed' : 'explicit-deny');
    expect(result.denies.map((d) => d.sid)).toEqual(deniedBy);
    expect(result.assumedFullAwsAccess).toBe(true);
  });

  it('reports the denying statement with policy id, index, Sid and effect', () => {
    const result = evaluateRequest([policyFile(EVENTS, 'region-deny-with-bedrock-cris-apac.json')], bedrockIn('ap-southeast-1'));
    expect(result.denies).toEqual([
      { policyId: 'region-deny-with-bedrock-cris-apac.json', index: 1, sid: 'DenyBedrockInferenceOutsideApprovedRegions', effect: 'Deny' },
    ]);
  });

  it('does not assume FullAWSAccess when the user supplied an Allow', () => {
    // Prepare
    const policies = [policyFile(EVENTS, 'full-aws-access.json'), policyFile(EVENTS, 'region-deny-eu.json')];
    // Act
    const result = evaluateRequest(policies, ec2In('eu-west-1'));
    // Assess
    expect(result).toMatchObject({ decision: 'allow', assumedFullAwsAccess: false });
    expect(result.allows).toEqual([{ policyId: 'full-aws-access.json', index: 0, sid: null, effect: 'Allow' }]);
  });

  it('implicitly denies deny-only SCPs when told not to assume FullAWSAccess', () => {
    const result = evaluateRequest([policyFile(EVENTS, 'region-deny-eu.json')], ec2In('eu-west-1'), { assumeFullAwsAccess: false });
    expect(result).toMatchObject({ decision: 'deny', basis: 'implicit-deny', levelWithoutAllow: 0, assumedFullAwsAccess: false });
  });

  it('assumes FullAWSAccess even beside an Allow when told to (pinning the original decision)', () => {
    // Prepare
    const allowBedrockOnly: PolicyInput = { id: 'AllowBedrock', document: { Statement: { Effect: 'Allow', Action: 'bedrock:*', Resource: '*' } } };
    // Act
    const auto = evaluateRequest([allowBedrockOnly], ec2In('eu-west-1'));
    const pinned = evaluateRequest([allowBedrockOnly], ec2In('eu-west-1'), { assumeFullAwsAccess: true });
    // Assess
    expect(auto).toMatchObject({ decision: 'deny', basis: 'implicit-deny', assumedFullAwsAccess: false });
    expect(pinned).toMatchObject({ decision: 'allow', assumedFullAwsAccess: true });
  });

  it('adds FullAWSAccess to every level of a deny-only policy set', () => {
    // Prepare
    const set = { levels: [[policyFile(EVENTS, 'region-deny-eu.json')], [], [policyFile(FIXTURES, GRREGIONDENY)]] };
    // Act
    const inEu = evaluateRequest(set, ec2In('eu-west-1'));
    const inTokyo = evaluateRequest(set, ec2In('ap-northeast-1'));
    // Assess
    expect(inEu).toMatchObject({ decision: 'deny', basis: 'explicit-deny', assumedFullAwsAccess: true });
    expect(inEu.denies.map((d) => d.sid)).toEqual(['GRREGIONDENY']);
    expect(inTokyo.denies.map((d) => d.sid)).toEqual(['DenyAllOutsideEU']);
  });

  it('accepts documents given as JSON text', () => {
    const text = readFileSync(join(FIXTURES, GRREGIONDENY), 'utf8');
    expect(evaluateRequest([{ id: 'text', document: text }], bedrockIn('ap-southeast-1')).decision).toBe('deny');
  });
});

const allowAll: PolicyInput = { id: 'FullAWSAccess', document: FULL_AWS_ACCESS_POLICY };
const allowEc2: PolicyInput = { id: 'AllowEC2', document: { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'ec2:*', Resource: '*' } } };
const denyS3: PolicyInput = { id: 'DenyS3', document: { Version: '2012-10-17', Statement: { Sid: 'NoS3', Effect: 'Deny', Action: 's3:*', Resource: '*' } } };
const s3Get = request('s3:GetObject', 'arn:aws:s3:::b/k', { 'aws:RequestedRegion': 'us-east-1' });

describe('evaluatePolicySet: SCP evaluation across levels (Organizations "SCP evaluation" page)', () => {
  it('allows when the root, the Production OU and account B each have a matching Allow', () => {
    const result = evaluatePolicySet({ levels: [[allowAll], [allowAll], [allowAll]] }, ec2In('us-east-1'));
    expect(result).toMatchObject({ decision: 'allow', basis: 'allowed', denies: [], levelWithoutAllow: null });
  });

  it('denies everything below an OU whose SCPs allow nothing', () => {
    const result = evaluatePolicySet({ levels: [[allowAll], [], [allowAll]] }, ec2In('us-east-1'));
    expect(result).toMatchObject({ decision: 'deny', basis: 'implicit-deny', levelWithoutAllow: 1 });
  });

  it('allows only what every level allows (allow list: FullAWSAccess, then Allow ec2:* on the OU)', () => {
    const set = { levels: [[allowAll], [allowEc2], [allowAll]] };
    expect(evaluatePolicySet(set, ec2In('us-east-1')).decision).toBe('allow');
    expect(evaluatePolicySet(set, s3Get)).toMatchObject({ decision: 'deny', basis: 'implicit-deny', levelWithoutAllow: 1 });
  });

  it('denies when a Deny at the OU matches even though every level allows', () => {
    const result = evaluatePolicySet({ levels: [[allowAll], [allowAll, denyS3], [allowAll]] }, s3Get);
    expect(result).toMatchObject({ decision: 'deny', basis: 'explicit-deny', levelWithoutAllow: null });
    expect(result.denies).toEqual([{ policyId: 'DenyS3', index: 0, sid: 'NoS3', effect: 'Deny' }]);
  });

  it('lists matching denies from every level, root first', () => {
    const set = { levels: [[allowAll, { ...denyS3, id: 'RootDeny' }], [allowAll, denyS3]] };
    expect(evaluatePolicySet(set, s3Get).denies.map((d) => d.policyId)).toEqual(['RootDeny', 'DenyS3']);
  });

  it('restricts nothing when no level is given', () => {
    expect(evaluatePolicySet({ levels: [] }, s3Get).decision).toBe('allow');
  });

  it('reports an unparsable policy and grants nothing from it', () => {
    // Prepare
    const broken: PolicyInput = { id: 'Broken', document: '{"Statement": [' };
    // Act
    const result = evaluatePolicySet({ levels: [[broken]] }, s3Get);
    // Assess
    expect(result).toMatchObject({ decision: 'deny', basis: 'implicit-deny', levelWithoutAllow: 0 });
    expect(result.invalidPolicies?.[0]?.policyId).toBe('Broken');
    expect(result.invalidPolicies?.[0]?.reason).toMatch(/not valid JSON/);
  });

  it('honours an Allow restricted by Resource and Condition (SCP full IAM language)', () => {
    // Prepare
    const allowTokyoModels: PolicyInput = {
      id: 'AllowTokyoModels',
      document: {
        Statement: {
          Effect: 'Allow',
          Action: 'bedrock:Invoke*',
          Resource: 'arn:aws:bedrock:ap-northeast-1::foundation-model/*',
          Condition: { StringEquals: { 'aws:RequestedRegion': 'ap-northeast-1' } },
        },
      },
    };
    const set = { levels: [[allowAll], [allowTokyoModels]] };
    // Act / Assess
    expect(evaluatePolicySet(set, bedrockIn('ap-northeast-1')).decision).toBe('allow');
    expect(evaluatePolicySet(set, bedrockIn('ap-southeast-1'))).toMatchObject({ decision: 'deny', levelWithoutAllow: 1 });
  });

  it('honours an Allow with NotAction', () => {
    const allowAllButIam: PolicyInput = { id: 'NotIam', document: { Statement: { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' } } };
    const set = { levels: [[allowAllButIam]] };
    expect(evaluatePolicySet(set, ec2In('us-east-1')).decision).toBe('allow');
    expect(evaluatePolicySet(set, request('iam:CreateUser', '*', {})).decision).toBe('deny');
  });
});

describe('documented multi-key condition examples', () => {
  // The Condition block of the IAM guide's "Conditions with multiple context keys or values" example.
  const condition = {
    StringEquals: { 'aws:PrincipalTag/department': ['finance', 'hr', 'legal'], 'aws:PrincipalTag/role': ['audit', 'security'] },
    ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:user/Ana', 'arn:aws:iam::222222222222:user/Mary'] },
  };
  const negated = {
    StringNotEquals: { 'aws:PrincipalTag/department': ['finance', 'hr', 'legal'], 'aws:PrincipalTag/role': ['audit', 'security'] },
    ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:user/Ana', 'arn:aws:iam::222222222222:user/Mary'] },
  };
  const statementOf = (cond: Record<string, unknown>, effect: 'Allow' | 'Deny') => {
    const parsed = parsePolicy('doc', JSON.stringify({ Statement: { Effect: effect, Action: 's3:GetObject', Resource: 'arn:aws:s3:::amzn-s3-demo-bucket/*', Condition: cond } }));
    if (!parsed.ok || parsed.value.statements[0] === undefined) throw new Error('fixture');
    return parsed.value.statements[0];
  };
  const req = (context: Record<string, ContextValue>): RequestContext => ({ action: 's3:GetObject', resource: 'arn:aws:s3:::amzn-s3-demo-bucket/report.csv', context });

  it.each([
    { name: 'matches when every key has one of its values (legal, audit, Mary)', context: { 'aws:PrincipalTag/department': 'legal', 'aws:PrincipalTag/role': 'audit', 'aws:PrincipalArn': 'arn:aws:iam::222222222222:user/Mary' }, expected: true },
    { name: 'does not match when the role tag is missing', context: { 'aws:PrincipalTag/department': 'hr', 'aws:PrincipalArn': 'arn:aws:iam::222222222222:user/Mary' }, expected: false },
    { name: 'does not match another principal ARN', context: { 'aws:PrincipalTag/department': 'hr', 'aws:PrincipalTag/role': 'security', 'aws:PrincipalArn': 'arn:aws:iam::222222222222:user/Bob' }, expected: false },
  ])('positive block $name', ({ context, expected }) => {
    expect(statementMatches(statementOf(condition, 'Allow'), req(context))).toBe(expected);
  });

  it.each([
    { name: 'applies when no key matches any of its values (marketing, dev, Bob)', context: { 'aws:PrincipalTag/department': 'marketing', 'aws:PrincipalTag/role': 'dev', 'aws:PrincipalArn': 'arn:aws:iam::222222222222:user/Bob' }, expected: true },
    { name: 'does not apply when one key matches one of its values (legal)', context: { 'aws:PrincipalTag/department': 'legal', 'aws:PrincipalTag/role': 'dev', 'aws:PrincipalArn': 'arn:aws:iam::222222222222:user/Bob' }, expected: false },
    { name: 'applies when the tags are missing and the ARN matches none (absent keys are true for negated operators)', context: { 'aws:PrincipalArn': 'arn:aws:iam::222222222222:user/Bob' }, expected: true },
  ])('negated Deny block $name', ({ context, expected }) => {
    expect(statementMatches(statementOf(negated, 'Deny'), req(context))).toBe(expected);
  });
});

// Further SCPs from the AWS Organizations "SCP examples" page, evaluated with FullAWSAccess assumed.
const protectRole = { Statement: [{ Sid: 'DenyAccessWithException', Effect: 'Deny', Action: ['iam:AttachRolePolicy', 'iam:DeleteRole', 'iam:DeleteRolePermissionsBoundary', 'iam:PutRolePolicy', 'iam:UpdateRole'], Resource: ['arn:aws:iam::*:role/role-to-deny'], Condition: { ArnNotLike: { 'aws:PrincipalARN': 'arn:aws:iam::*:role/role-to-allow' } } }] };
const requireMfa = { Statement: [{ Sid: 'DenyStopAndTerminateWhenMFAIsNotPresent', Effect: 'Deny', Action: ['ec2:StopInstances', 'ec2:TerminateInstances'], Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': false } } }] };
const denyRoot = { Statement: [{ Sid: 'RestrictEC2ForRoot', Effect: 'Deny', Action: ['ec2:*'], Resource: ['*'], Condition: { StringLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:root'] } } }] };
const instance = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0abcd1234';

describe('Organizations SCP examples', () => {
  it.each([
    { name: 'protect a role: another principal cannot delete role-to-deny', document: protectRole, request: request('iam:DeleteRole', 'arn:aws:iam::111122223333:role/role-to-deny', {}), decision: 'deny' },
    { name: 'protect a role: role-to-allow is exempt (ArnNotLike)', document: protectRole, request: request('iam:DeleteRole', 'arn:aws:iam::111122223333:role/role-to-deny', { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/role-to-allow' }), decision: 'allow' },
    { name: 'protect a role: other roles are not covered by Resource', document: protectRole, request: request('iam:DeleteRole', 'arn:aws:iam::111122223333:role/other', {}), decision: 'allow' },
    { name: 'require MFA: stopping an instance without MFA is denied', document: requireMfa, request: request('ec2:StopInstances', instance, { 'aws:MultiFactorAuthPresent': false }), decision: 'deny' },
    { name: 'require MFA: stopping an instance with MFA is allowed', document: requireMfa, request: request('ec2:StopInstances', instance, { 'aws:MultiFactorAuthPresent': true }), decision: 'allow' },
    { name: 'require MFA: a request without the MFA key is denied (BoolIfExists)', document: requireMfa, request: request('ec2:TerminateInstances', instance, {}), decision: 'deny' },
    { name: 'restrict root: the root user cannot use EC2', document: denyRoot, request: request('ec2:RunInstances', instance, { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:root' }), decision: 'deny' },
    { name: 'restrict root: a role can use EC2', document: denyRoot, request: request('ec2:RunInstances', instance, {}), decision: 'allow' },
  ])('$name', ({ document, request: req, decision }) => {
    expect(evaluateRequest([{ id: 'example', document }], req).decision).toBe(decision);
  });
});

describe('findMatchingStatements', () => {
  it('returns only the Bedrock statement of the CRIS variant for a batch job outside the Regions (the general deny exempts it through NotAction)', () => {
    // Prepare
    const parsed = parsePolicy('cris', readFileSync(join(EVENTS, 'region-deny-with-bedrock-cris-apac.json'), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.reason);
    // Act
    const matches = findMatchingStatements(parsed.value, request('bedrock:CreateModelInvocationJob', '*', { 'aws:RequestedRegion': 'eu-west-1' }));
    // Assess
    expect(matches.map((m) => m.sid)).toEqual(['DenyBedrockInferenceOutsideApprovedRegions']);
  });
});
