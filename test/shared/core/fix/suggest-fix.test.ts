import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VERDICT_ORDER } from '../../../../shared/core/constants.js';
import { suggestFix } from '../../../../shared/core/fix/suggest-fix.js';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import { evaluateRequest } from '../../../../shared/core/scp/evaluate.js';
import type { Finding, Fix, ScpDocument } from '../../../../shared/core/types.js';
import { PROFILE_FINDINGS, finding, scpFixture } from './findings.js';

const catalog = loadBundledCatalog();

const PUBLISHED_SCPS = {
  'Organizations Region-deny example': { file: 'organizations-region-deny.json', recommended: 'allow-profile-only', mode: 'edit' },
  "Control Tower's GRREGIONDENY": { file: 'control-tower-GRREGIONDENY.json', recommended: 'control-tower-parameters', mode: 'new-policy' },
  'aws-samples CRIS variant': { file: 'region-deny-with-bedrock-cris.json', recommended: 'allow-profile-only', mode: 'edit' },
} as const;

const REQUIRED_CHECKS = [
  'original-denies-request',
  'patched-allows-denied-request',
  'patched-denies-direct-invocation',
  'patched-denies-non-bedrock-action',
];

function failed(fix: Fix): string[] {
  return fix.verification.checks.filter((c) => !c.passed).map((c) => c.name);
}

describe('suggestFix for cross-region-scp with the published Region-deny SCPs', () => {
  // The CRIS variant keeps global profiles out on purpose: that case has its own test below.
  const cases = Object.entries(PUBLISHED_SCPS)
    .flatMap(([scpName, scp]) => Object.entries(PROFILE_FINDINGS).map(([profileName, make]) => ({ scpName, scp, profileName, make })))
    .filter((c) => !(c.scpName === 'aws-samples CRIS variant' && c.profileName.startsWith('global')));

  it('treats the CRIS variant denying a global profile as the guardrail working, and never undoes it', () => {
    // Act
    const fix = suggestFix(PROFILE_FINDINGS['global profile from ap-northeast-1'](), {
      catalog,
      lang: 'en',
      scps: [[scpFixture('region-deny-with-bedrock-cris.json')]],
    });

    // Assess
    expect(['use-allowed-profile', 'in-region-model']).toContain(fix.recommended?.id);
    expect(fix.options.filter((o) => o.verification === 'verified' && o.id !== 'use-allowed-profile')).toEqual([]);
    expect(fix.notes?.join(' ')).toContain('is a deliberate restriction');
  });

  it.each(cases)('recommends a verified patch that fits for $profileName under $scpName', ({ scp, make }) => {
    // Prepare
    const denial = make();
    const scps = [[scpFixture(scp.file)]];

    // Act
    const fix = suggestFix(denial, { catalog, lang: 'en', scps });

    // Assess
    expect(failed(fix)).toEqual([]);
    expect(fix.verification.status).toBe('verified');
    expect(fix.verification.checks.map((c) => c.name)).toEqual(expect.arrayContaining(REQUIRED_CHECKS));
    expect(fix.recommended?.id).toBe(scp.recommended);
    expect(fix.options[0]?.id).toBe(scp.recommended);
    expect(fix.scp?.mode).toBe(scp.mode);
    expect(fix.scp?.fitsLimit).toBe(true);
    expect(fix.scp?.minifiedSize).toBeLessThanOrEqual(5120);
    expect(() => JSON.parse(fix.scp?.patchedPolicy ?? '')).not.toThrow();
    expect(fix.scp?.diff).toMatch(/^--- .+\n\+\+\+ .+\n@@ /);
  });

  it.each(Object.entries(PROFILE_FINDINGS))('the patched Organizations SCP lets %s through only via the profile', (_name, make) => {
    // Prepare
    const denial = make();
    const fix = suggestFix(denial, { catalog, lang: 'en', scps: [[scpFixture('organizations-region-deny.json')]] });
    const patched = JSON.parse(fix.scp?.patchedPolicy ?? '{}') as unknown;
    const profileArn =
      denial.profile?.scope === 'application'
        ? denial.profile.id
        : `arn:aws:bedrock:${denial.sourceRegion}:111122223333:inference-profile/${denial.profile?.id}`;
    const region = denial.deniedRegion ?? '';
    const evaluate = (context: Record<string, string>) =>
      evaluateRequest([{ id: 'patched', document: patched }], {
        action: denial.action ?? '',
        resource: denial.deniedResource ?? '',
        context: { 'aws:RequestedRegion': region, ...context },
      }).decision;

    // Act
    const viaProfile = evaluate({ 'bedrock:InferenceProfileArn': profileArn });
    const viaOtherProfile = evaluate({
      'bedrock:InferenceProfileArn': `arn:aws:bedrock:${denial.sourceRegion}:111122223333:inference-profile/us.meta.llama3-2-90b-instruct-v1:0`,
    });
    const direct = evaluate({});

    // Assess
    expect([viaProfile, viaOtherProfile, direct]).toEqual(['allow', 'deny', 'deny']);
  });

  it('keeps the original statement order, Sids and indentation in the edited policy', () => {
    // Prepare
    const scp = scpFixture('region-deny-with-bedrock-cris.json');
    const original = JSON.parse(scp.content) as { Statement: { Sid: string }[] };

    // Act
    const fix = suggestFix(PROFILE_FINDINGS['us profile from us-east-1'](), { catalog, lang: 'en', scps: [[scp]] });

    // Assess
    const patched = JSON.parse(fix.scp?.patchedPolicy ?? '{}') as { Statement: { Sid: string }[] };
    expect(patched.Statement.map((s) => s.Sid)).toEqual(original.Statement.map((s) => s.Sid));
    expect(fix.scp?.statement).toEqual({ sid: 'DenyBedrockInferenceOutsideApprovedRegions', index: 1 });
    expect(fix.scp?.patchedPolicy.split('\n')[1]).toBe('    "Version": "2012-10-17",');
    expect(fix.scp?.diff).toContain('+                        "arn:aws:bedrock:*:*:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0"\n');
    expect(fix.scp?.diff).toContain('\n@@ -81,7 +81,10 @@\n');
  });

  it('adds the inference actions to NotAction and two guard statements to the Organizations example', () => {
    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), {
      catalog,
      lang: 'en',
      scps: [[scpFixture('organizations-region-deny.json')]],
    });

    // Assess
    const patched = JSON.parse(fix.scp?.patchedPolicy ?? '{}') as { Statement: Record<string, unknown>[] };
    expect(patched.Statement).toHaveLength(3);
    expect(patched.Statement[0]?.NotAction).toEqual(expect.arrayContaining(['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']));
    expect(patched.Statement[1]).toMatchObject({
      Sid: 'DenyBedrockInferenceOutsideApprovedRegions',
      Condition: {
        StringNotEquals: { 'aws:RequestedRegion': ['eu-central-1', 'eu-west-1'] },
        ArnNotLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/apac.anthropic.claude-3-5-sonnet-20241022-v2:0' },
      },
    });
    expect(patched.Statement[2]).toMatchObject({
      Sid: 'DenyBedrockInferenceOutsideProfileRegions',
      Condition: {
        StringNotEquals: {
          'aws:RequestedRegion': ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'eu-central-1', 'eu-west-1'],
        },
      },
    });
  });

  it('allows "unspecified" only for the global profile', () => {
    // Act
    const fix = suggestFix(PROFILE_FINDINGS['global profile from ap-northeast-1'](), {
      catalog,
      lang: 'en',
      scps: [[scpFixture('organizations-region-deny.json')]],
    });

    // Assess
    const patched = JSON.parse(fix.scp?.patchedPolicy ?? '{}') as { Statement: { Condition: Record<string, Record<string, unknown>> }[] };
    expect(patched.Statement[0]?.Condition.StringNotEquals?.['aws:RequestedRegion']).toEqual(['eu-central-1', 'eu-west-1']);
    expect(patched.Statement[2]?.Condition.StringNotEquals?.['aws:RequestedRegion']).toContain('unspecified');
    expect(fix.notes?.join(' ')).toContain('"unspecified"');
  });

  it('lets CreateModelInvocationJob through for a batch job and not otherwise', () => {
    // Prepare
    const batch = finding({
      ...PROFILE_FINDINGS['apac profile from ap-northeast-1'](),
      eventName: 'CreateModelInvocationJob',
      action: 'bedrock:CreateModelInvocationJob',
    });
    const scps = [[scpFixture('organizations-region-deny.json')]];

    // Act
    const batchFix = suggestFix(batch, { catalog, lang: 'en', scps });
    const chatFix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), { catalog, lang: 'en', scps });

    // Assess
    expect(batchFix.verification.status).toBe('verified');
    expect(batchFix.scp?.patchedPolicy).toContain('bedrock:CreateModelInvocationJob');
    expect(chatFix.scp?.patchedPolicy).not.toContain('bedrock:CreateModelInvocationJob');
  });
});

describe('suggestFix for Control Tower-managed SCPs', () => {
  it('never edits GRREGIONDENY and proposes CT.MULTISERVICE.PV.1 parameters with a separate guard SCP', () => {
    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), {
      catalog,
      lang: 'en',
      scps: [[scpFixture('control-tower-GRREGIONDENY.json')]],
    });

    // Assess
    expect(fix.scp?.controlTowerManaged).toBe(true);
    expect(fix.scp?.mode).toBe('new-policy');
    expect(fix.scp?.patchedPolicy).not.toContain('GRREGIONDENY');
    expect(fix.scp?.diff.startsWith('--- /dev/null\n+++ b/bedrock-cris-guard.json\n')).toBe(true);
    expect(fix.options.map((o) => o.id)).toEqual([
      'control-tower-parameters',
      'control-tower-custom-scp',
      'widen-regions',
      'in-region-model',
      'leave-governance',
    ]);
    const command = fix.options[0]?.snippet?.content ?? '';
    expect(command).toContain('"key":"AllowedRegions","value":["ap-northeast-1","ap-northeast-3","us-east-1"]');
    expect(command).toContain('"key":"ExemptedActions","value":["bedrock:InvokeModel","bedrock:InvokeModelWithResponseStream"]');
    // Control Tower exempts its own roles itself: only the organization's own exemptions are parameters.
    expect(command).not.toContain('ExemptedPrincipalArns');
  });

  it.each([
    ['a policy named aws-guardrails-…', { name: 'aws-guardrails-AbCdEf' }],
    ['a description naming Control Tower', { description: 'Managed by AWS Control Tower' }],
  ])('recognizes %s as Control Tower-managed', (_title, overrides) => {
    // Prepare
    const scp = scpFixture('organizations-region-deny.json', overrides);

    // Act
    const fix = suggestFix(PROFILE_FINDINGS['us profile from us-east-1'](), { catalog, lang: 'en', scps: [[scp]] });

    // Assess
    expect(fix.recommended?.id).toBe('control-tower-parameters');
    expect(fix.scp?.controlTowerManaged).toBe(true);
  });

  it('says Control Tower cannot allow "unspecified" for a global profile', () => {
    // Act
    const fix = suggestFix(PROFILE_FINDINGS['global profile from ap-northeast-1'](), {
      catalog,
      lang: 'en',
      scps: [[scpFixture('control-tower-GRREGIONDENY.json')]],
    });

    // Assess
    expect(fix.verification.status).toBe('verified');
    expect(fix.notes?.some((n) => n.includes('Control Tower cannot allow the Region value "unspecified"'))).toBe(true);
    expect(fix.scp?.patchedPolicy).toContain('"unspecified"');
  });
});

describe('suggestFix verification outcomes', () => {
  it('offers no recommendation when the SCPs supplied do not deny the request', () => {
    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), {
      catalog,
      lang: 'en',
      scps: [[scpFixture('region-deny-with-bedrock-cris-apac.json')]],
    });

    // Assess
    expect(fix.recommended).toBeNull();
    expect(fix.verification).toEqual({
      status: 'failed',
      checks: [{ name: 'original-denies-request', expected: 'deny', actual: 'allow', passed: false }],
      outcome: 'not-verified',
    });
    expect(fix.notes?.join(' ')).toContain('do not deny this request');
  });

  it('marks the fix unverified and still produces ready statements when the SCPs are unknown', () => {
    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), { catalog, lang: 'en' });

    // Assess
    expect(fix.verification).toEqual({ status: 'unverified', checks: [], outcome: 'not-verified' });
    expect(fix.scp).toBeNull();
    expect(fix.recommended?.id).toBe('allow-profile-only');
    expect(fix.options.map((o) => o.id)).toEqual(['allow-profile-only', 'exempt-bedrock', 'widen-regions', 'in-region-model', 'leave-governance']);
    expect(fix.recommended?.snippet?.content).toContain('arn:aws:bedrock:*:*:inference-profile/apac.anthropic.claude-3-5-sonnet-20241022-v2:0');
  });

  it('splits a patch that would not fit: a new SCP for the added statements, the minimal edit for the old one', () => {
    // Prepare: a Region deny padded so that the two added statements no longer fit in it.
    const padded = paddedRegionDeny(PROFILE_FINDINGS['apac profile from ap-northeast-1']());

    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), { catalog, lang: 'en', scps: [[padded]] });

    // Assess
    expect(fix.recommended?.id).toBe('allow-profile-only');
    expect(fix.recommended?.patches?.map((p) => p.mode)).toEqual(['edit', 'new-policy']);
    expect(fix.recommended?.patches?.every((p) => (p.minifiedSize ?? p.size) <= 5120)).toBe(true);
    const [edit, added] = fix.recommended?.patches ?? [];
    expect((JSON.parse(edit?.patchedPolicy ?? '{}') as { Statement: unknown[] }).Statement).toHaveLength(1);
    expect(added?.patchedPolicy).toContain('DenyBedrockInferenceOutsideApprovedRegions');
    expect(fix.notes?.some((n) => n.includes('go into a separate SCP attached to the same target'))).toBe(true);
    expect(fix.verification.status).toBe('verified');
  });

  it('cannot split when the target already holds 5 SCPs, and says so', () => {
    // Prepare
    const padded = paddedRegionDeny(PROFILE_FINDINGS['apac profile from ap-northeast-1']());
    const others = Array.from({ length: 4 }, (_, i) => ({ id: `other-${i}.json`, name: `other-${i}.json`, content: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}' }));

    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), { catalog, lang: 'en', scps: [[padded, ...others]] });

    // Assess
    expect(fix.options.find((o) => o.id === 'allow-profile-only')?.outcome).toBe('not-verified');
    expect(fix.notes?.some((n) => n.includes('AWS Organizations allows 5 per target'))).toBe(true);
  });

  it('asks to save the policy minified when only the minified form fits', () => {
    // Prepare: the same document pretty-printed with a wide indent.
    const base = JSON.parse(scpFixture('organizations-region-deny.json').content) as unknown;
    const wide: ScpDocument = { id: 'wide.json', name: 'wide.json', content: `${JSON.stringify(base, null, '\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t')}\n` };

    // Act
    const fix = suggestFix(PROFILE_FINDINGS['us profile from us-east-1'](), { catalog, lang: 'en', scps: [[wide]] });

    // Assess
    expect(fix.scp?.size).toBeGreaterThan(5120);
    expect(fix.scp?.fitsLimit).toBe(true);
    expect(fix.notes?.some((n) => n.includes('save it minified'))).toBe(true);
  });
});

/** The Organizations example padded to 4,700 characters: the minimal edit fits, the added statements do not. */
function paddedRegionDeny(_denial: Finding): ScpDocument {
  const base = JSON.parse(scpFixture('organizations-region-deny.json').content) as { Statement: { NotAction: string[] }[] };
  const candidate = structuredClone(base);
  let n = 0;
  while (JSON.stringify(candidate).length < 4700) candidate.Statement[0]?.NotAction.push(`svc${String(n++).padStart(3, '0')}:*`);
  return { id: 'padded.json', name: 'padded.json', content: JSON.stringify(candidate) };
}

describe('suggestFix per verdict', () => {
  const apac = PROFILE_FINDINGS['apac profile from ap-northeast-1']();
  const cases: { verdict: Finding['verdict']; overrides: Partial<Finding>; option: string; text: RegExp }[] = [
    { verdict: 'cross-region-identity', overrides: { policyType: 'identity-based policy' }, option: 'identity-policy', text: /foundation-model ARN in every destination Region/ },
    { verdict: 'scp', overrides: { profile: null }, option: 'next-step', text: /SCP denies the call itself/ },
    { verdict: 'identity', overrides: { profile: null }, option: 'next-step', text: /identity-based policy of/ },
    { verdict: 'permissions-boundary', overrides: {}, option: 'next-step', text: /permissions boundary/ },
    { verdict: 'session-policy', overrides: {}, option: 'next-step', text: /session policy/ },
    { verdict: 'vpc-endpoint-policy', overrides: {}, option: 'next-step', text: /VPC endpoint/ },
    { verdict: 'resource-control-policy', overrides: {}, option: 'next-step', text: /resource control policy/ },
    { verdict: 'resource-based-policy', overrides: {}, option: 'next-step', text: /resource-based policy/ },
    { verdict: 'model-access', overrides: {}, option: 'next-step', text: /Enable it in the Bedrock console/ },
    { verdict: 'model-access', overrides: { errorMessage: 'Model access is denied due to IAM user or service role is not authorized to perform the required AWS Marketplace actions' }, option: 'next-step', text: /aws-marketplace:Subscribe/ },
    { verdict: 'unknown', overrides: {}, option: 'next-step', text: /could not be classified/ },
  ];

  it.each(cases)('gives $verdict the $option option ($text)', ({ verdict, overrides, option, text }) => {
    // Act
    const fix = suggestFix(finding({ ...apac, verdict, ...overrides }), { catalog, lang: 'en' });

    // Assess
    expect(fix.recommended?.id).toBe(option);
    expect(fix.recommended?.summary).toMatch(text);
    expect(fix.verification.status).toBe('unverified');
  });

  it('names the SCP statement that denies a same-Region scp denial when the SCPs are known', () => {
    // Prepare
    const denial = finding({
      verdict: 'scp',
      profile: null,
      deniedResource: 'arn:aws:bedrock:ap-northeast-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
      deniedRegion: 'ap-northeast-1',
    });

    // Act
    const fix = suggestFix(denial, { catalog, lang: 'en', scps: [[scpFixture('organizations-region-deny.json')]] });

    // Assess
    expect(fix.notes).toEqual(['Denied by statement #0 of organizations-region-deny.json.']);
  });

  it('writes the identity statements for every destination Region, conditioned on the profile', () => {
    // Act
    const fix = suggestFix(finding({ ...apac, verdict: 'cross-region-identity' }), { catalog, lang: 'en' });

    // Assess
    const policy = JSON.parse(fix.recommended?.snippet?.content ?? '{}') as { Statement: Record<string, unknown>[] };
    expect(policy.Statement[0]).toMatchObject({
      Resource: 'arn:aws:bedrock:ap-northeast-1:111122223333:inference-profile/apac.anthropic.claude-3-5-sonnet-20241022-v2:0',
    });
    expect(policy.Statement[1]).toMatchObject({
      Resource: [
        'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2',
      ].map((r) => `arn:aws:bedrock:${r}::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0`),
      Condition: {
        StringLike: { 'bedrock:InferenceProfileArn': 'arn:aws:bedrock:ap-northeast-1:111122223333:inference-profile/apac.anthropic.claude-3-5-sonnet-20241022-v2:0' },
      },
    });
  });

  it('names the role to change, not the short-lived session, in the identity fix', () => {
    // Act
    const fix = suggestFix(finding({ ...apac, verdict: 'cross-region-identity' }), { catalog, lang: 'en' });

    // Assess
    expect(fix.recommended?.summary).toContain('The role arn:aws:iam::111122223333:role/app-chatbot-role needs');
    expect(fix.recommended?.summary).not.toContain('assumed-role');
  });

  it('writes the global identity variant with the Region-less model ARN and "unspecified"', () => {
    // Act
    const fix = suggestFix(
      finding({ ...PROFILE_FINDINGS['global profile from ap-northeast-1'](), verdict: 'cross-region-identity' }),
      { catalog, lang: 'en' },
    );

    // Assess
    const policy = JSON.parse(fix.recommended?.snippet?.content ?? '{}') as { Statement: Record<string, unknown>[] };
    expect(policy.Statement[2]).toMatchObject({
      Resource: 'arn:aws:bedrock:::foundation-model/anthropic.claude-opus-4-5-20251101-v1:0',
      Condition: { StringEquals: { 'aws:RequestedRegion': 'unspecified' } },
    });
  });
});

describe('suggestFix languages', () => {
  it('writes the texts in Japanese and leaves policy JSON untranslated', () => {
    // Prepare
    const scps = [[scpFixture('organizations-region-deny.json')]];
    const denial = PROFILE_FINDINGS['us profile from us-east-1']();

    // Act
    const en = suggestFix(denial, { catalog, lang: 'en', scps });
    const ja = suggestFix(denial, { catalog, lang: 'ja', scps });

    // Assess
    expect(ja.lang).toBe('ja');
    expect(ja.recommended?.title).toBe('この推論プロファイルだけを許可する');
    expect(ja.options.map((o) => o.snippet)).toEqual(en.options.map((o) => o.snippet));
    expect(ja.scp).toEqual(en.scp);
  });
});

describe('suggestFix robustness', () => {
  const region = fc.constantFrom('ap-northeast-1', 'us-east-1', 'us-west-2', 'eu-west-1', 'unspecified', '');
  const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
  const findingArb: fc.Arbitrary<Finding> = fc.record({
    eventId: nullable(fc.string()),
    eventTime: nullable(fc.string()),
    eventName: nullable(fc.constantFrom('InvokeModel', 'Converse', 'CreateModelInvocationJob', 'x')),
    accountId: nullable(fc.string()),
    principalArn: nullable(fc.oneof(fc.string(), fc.constant('arn:aws:sts::111122223333:assumed-role/r/s'))),
    sourceRegion: nullable(region),
    action: nullable(fc.oneof(fc.string(), fc.constantFrom('bedrock:InvokeModel', 'bedrock:CreateModelInvocationJob'))),
    modelId: nullable(fc.string()),
    profile: nullable(fc.record({ id: fc.string(), scope: fc.constantFrom('apac', 'us', 'global', 'application', 'eu', 'zz') })),
    foundationModel: nullable(fc.string()),
    deniedResource: nullable(fc.string()),
    deniedRegion: nullable(region),
    policyType: nullable(fc.string()),
    policyArn: nullable(fc.string()),
    authorizationId: nullable(fc.string()),
    authorizationDetailsUrl: nullable(fc.string()),
    destinations: nullable(fc.array(region, { maxLength: 5 })),
    destinationsSource: fc.constantFrom('catalog', 'geography', 'runtime', null),
    verdict: fc.constantFrom(...VERDICT_ORDER),
    reason: fc.string(),
    userAgent: nullable(fc.string()),
    sourceIpAddress: nullable(fc.string()),
    errorCode: nullable(fc.string()),
    errorMessage: nullable(fc.string()),
  });
  const scpArb = fc.option(
    fc.array(
      fc.array(
        fc.oneof(
          fc.constant(scpFixture('organizations-region-deny.json')),
          fc.constant(scpFixture('control-tower-GRREGIONDENY.json')),
          fc.constant(scpFixture('region-deny-with-bedrock-cris.json')),
          fc.record({ id: fc.string(), name: nullable(fc.string()), content: fc.oneof(fc.string(), fc.json()) }),
        ),
        { maxLength: 2 },
      ),
      { maxLength: 2 },
    ),
    { nil: undefined },
  );

  it('never throws and always ranks its options for arbitrary findings and SCPs', () => {
    fc.assert(
      fc.property(findingArb, scpArb, fc.constantFrom('en', 'ja') as fc.Arbitrary<'en' | 'ja'>, (denial, scps, lang) => {
        const fix = suggestFix(denial, { catalog, lang, ...(scps === undefined ? {} : { scps }) });
        expect(fix.options.length).toBeGreaterThan(0);
        expect(fix.options.map((o) => o.rank)).toEqual(fix.options.map((_, i) => i + 1));
        if (fix.recommended !== null) expect(fix.options[0]?.id).toBe(fix.recommended.id);
      }),
      { numRuns: 300 },
    );
  });
});

describe('suggestFix across several levels and real samples', () => {
  it('patches every level whose Region deny blocks a leg, and verifies the whole set', () => {
    // Prepare: the root approves EU only; the OU runs its own copy of a Tokyo/Osaka/Virginia deny.
    const root = scpFixture('organizations-region-deny.json');
    const ouDocument = JSON.parse(scpFixture('control-tower-GRREGIONDENY.json').content) as { Statement: { Sid?: string }[] };
    delete ouDocument.Statement[0]?.Sid;
    const ou: ScpDocument = { id: 'p-ouregion1', name: 'ou-region-deny', content: `${JSON.stringify(ouDocument, null, 2)}\n` };

    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), { catalog, lang: 'en', scps: [[root], [ou]] });

    // Assess
    expect(failed(fix)).toEqual([]);
    expect(fix.verification.status).toBe('verified');
    expect(fix.scpPatches?.map((p) => p.policyName)).toEqual(['organizations-region-deny.json', 'ou-region-deny']);
    expect(fix.scp).toEqual(fix.scpPatches?.[0]);
  });

  it.each([
    'cross-region-scp-apac-converse.json',
    'cross-region-scp-us-profile-arn-truncated-policy.json',
    'cross-region-scp-global-legacy-message.json',
    'cross-region-scp-application-profile.json',
    'cross-region-scp-batch-job.json',
  ])('verifies the fix for the classified sample %s under the Organizations example', async (file) => {
    // Prepare
    const { classifyRecord } = await import('../../../../shared/core/classify/classify.js');
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const record = JSON.parse(readFileSync(join(__dirname, '../../../../events/cloudtrail', file), 'utf8')) as unknown;
    const denial = classifyRecord(record, { catalog });

    // Act
    const fix = denial === null ? null : suggestFix(denial, { catalog, lang: 'en', scps: [[scpFixture('organizations-region-deny.json')]] });

    // Assess
    expect(denial?.verdict).toBe('cross-region-scp');
    expect(fix === null ? ['no finding'] : failed(fix)).toEqual([]);
    expect(fix?.recommended?.id).toBe('allow-profile-only');
  });
});
