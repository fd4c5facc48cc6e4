import { describe, expect, it } from 'vitest';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import { classifyRecord } from '../../../../shared/core/classify/classify.js';
import { suggestFix } from '../../../../shared/core/fix/suggest-fix.js';
import type { ScpDocument } from '../../../../shared/core/types.js';
import { PROFILE_FINDINGS, finding } from './findings.js';

const catalog = loadBundledCatalog();

const NOT_ACTION = ['iam:*', 'organizations:*', 'sts:*', 'support:*'];

function scp(id: string, statements: Record<string, unknown>[]): ScpDocument {
  return { id, name: id, content: `${JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2)}\n` };
}

const regionDeny = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  Sid: 'DenyOutsideTokyo',
  Effect: 'Deny',
  NotAction: NOT_ACTION,
  Resource: '*',
  Condition: { StringNotEquals: { 'aws:RequestedRegion': ['ap-northeast-1', 'ap-northeast-3'] }, ...extra },
});

describe('verification outcome: verified / verified assuming / not verified', () => {
  it('is verified when the SCPs read no key the auditor cannot know', () => {
    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), { catalog, lang: 'en', scps: [[scp('plain.json', [regionDeny()])]] });

    // Assess
    expect(fix.recommended?.outcome).toBe('verified');
    expect(fix.verification.outcome).toBe('verified');
    expect(fix.recommended?.assumptions).toBeUndefined();
  });

  it('is verified assuming the caller has no employment=contractor tag when another statement keys on it', () => {
    // Prepare: contractors may not leave Tokyo for Bedrock, whatever the Region deny says.
    const contractors = {
      Sid: 'ContractorsStayInTokyo',
      Effect: 'Deny',
      Action: 'bedrock:*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalTag/employment': 'contractor' }, StringNotEquals: { 'aws:RequestedRegion': 'ap-northeast-1' } },
    };

    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), {
      catalog,
      lang: 'en',
      scps: [[scp('tags.json', [regionDeny(), contractors])]],
    });

    // Assess
    expect(fix.recommended?.id).toBe('allow-profile-only');
    expect(fix.recommended?.outcome).toBe('verified-assuming');
    expect(fix.recommended?.assumptions).toEqual(['the request does not carry aws:PrincipalTag/employment = "contractor"']);
    expect(fix.verification).toMatchObject({ status: 'verified', outcome: 'verified-assuming' });
  });

  it('is verified when a tag exemption sits in the denying statement itself (a tagged caller would not have been denied)', () => {
    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), {
      catalog,
      lang: 'en',
      scps: [[scp('tag-exempt.json', [regionDeny({ StringNotEqualsIfExists: { 'aws:PrincipalTag/region-exempt': 'true' } })])]],
    });

    // Assess
    expect(fix.recommended?.outcome).toBe('verified');
  });

  it('uses the role ARN with its path: an Identity Center role the SCP exempts by path is not denied by it', () => {
    // Prepare
    const sso = regionDeny({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*' } });
    const session = 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/alice@example.com';
    const base = PROFILE_FINDINGS['apac profile from ap-northeast-1']();
    const withPath = { ...base, principalArn: session, principalRoleArn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/ap-northeast-1/AWSReservedSSO_Developer_0123456789abcdef' };
    const withoutPath = { ...base, principalArn: session };

    // Act
    const exempt = suggestFix(withPath, { catalog, lang: 'en', scps: [[scp('sso.json', [sso])]] });
    const unknownPath = suggestFix(withoutPath, { catalog, lang: 'en', scps: [[scp('sso.json', [sso])]] });

    // Assess
    expect(exempt.notes?.join(' ')).toContain('do not deny this request');
    expect(unknownPath.recommended?.id).toBe('allow-profile-only');
  });

  it('reads the role path from userIdentity.sessionContext.sessionIssuer.arn', () => {
    // Prepare
    const record = {
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'Converse',
      awsRegion: 'ap-northeast-1',
      errorCode: 'AccessDenied',
      errorMessage:
        'User: arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/alice is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:ap-southeast-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0 with an explicit deny in a service control policy',
      requestParameters: { modelId: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0' },
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/alice',
        sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123456789abcdef' } },
      },
    };

    // Act
    const result = classifyRecord(record, { catalog });

    // Assess
    expect(result?.principalRoleArn).toBe('arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123456789abcdef');
    expect(result?.principalType).toBe('AssumedRole');
  });

  it('sets aws:PrincipalAccount: an account the SCP exempts is not denied by it, and its exemption survives the patch', () => {
    // Prepare
    const sandbox = regionDeny({ StringNotEquals: { 'aws:RequestedRegion': ['ap-northeast-1', 'ap-northeast-3'], 'aws:PrincipalAccount': ['222233334444'] } });
    const denied = PROFILE_FINDINGS['apac profile from ap-northeast-1']();
    const exemptAccount = finding({ ...denied, accountId: '222233334444', principalArn: 'arn:aws:sts::222233334444:assumed-role/app/i-1' });

    // Act
    const fix = suggestFix(denied, { catalog, lang: 'en', scps: [[scp('account.json', [sandbox])]] });
    const exempt = suggestFix(exemptAccount, { catalog, lang: 'en', scps: [[scp('account.json', [sandbox])]] });

    // Assess
    expect(fix.recommended?.outcome).toBe('verified');
    const patched = fix.recommended?.patches?.[0]?.patchedPolicy ?? '';
    expect(patched.match(/222233334444/g)?.length).toBe(3);
    expect(exempt.notes?.join(' ')).toContain('do not deny this request');
  });
});

describe('what each option guarantees, and the documents it carries', () => {
  it('states the guarantee of every SCP option the same way and carries each option\'s own patch', () => {
    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), { catalog, lang: 'en', scps: [[scp('plain.json', [regionDeny()])]] });

    // Assess
    const byId = new Map(fix.options.map((o) => [o.id, o]));
    expect(byId.get('allow-profile-only')?.guarantee?.code).toBe('this-profile-only');
    expect(byId.get('exempt-bedrock')?.guarantee?.code).toBe('any-profile');
    expect(byId.get('exempt-bedrock')?.guarantee?.text).toContain('Other profiles are NOT kept out');
    expect(byId.get('widen-regions')?.guarantee?.code).toBe('regions-opened');
    expect(byId.get('exempt-bedrock')?.patches?.[0]?.patchedPolicy).toContain('"Null"');
    expect(byId.get('widen-regions')?.patches?.[0]?.patchedPolicy).toContain('ap-southeast-1');
  });

  it('patches a deny-list in place with ArnNotLike bedrock:InferenceProfileArn (AWS blog pattern)', () => {
    // Prepare
    const denyList = { Sid: 'DenyListed', Effect: 'Deny', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': ['ap-southeast-1', 'ap-south-1'] } } };

    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), { catalog, lang: 'en', scps: [[scp('deny-list.json', [denyList])]] });

    // Assess
    expect(fix.recommended?.id).toBe('allow-profile-only');
    expect(fix.recommended?.outcome).toBe('verified');
    const patched = JSON.parse(fix.recommended?.patches?.[0]?.patchedPolicy ?? '{}') as { Statement: { Condition: Record<string, unknown> }[] };
    expect(patched.Statement).toHaveLength(1);
    expect(patched.Statement[0]?.Condition.ArnNotLike).toEqual({
      'bedrock:InferenceProfileArn': 'arn:aws:bedrock:*:*:inference-profile/apac.anthropic.claude-3-5-sonnet-20241022-v2:0',
    });
  });

  it('treats a Sid GRREGIONDENY without Control Tower markers as the customer\'s own SCP and edits it', () => {
    // Prepare
    const copy = { ...regionDeny(), Sid: 'GRREGIONDENY' };

    // Act
    const fix = suggestFix(PROFILE_FINDINGS['apac profile from ap-northeast-1'](), { catalog, lang: 'en', scps: [[scp('org-region-deny.json', [copy])]] });

    // Assess
    expect(fix.recommended?.id).toBe('allow-profile-only');
    expect(fix.scp?.mode).toBe('edit');
  });
});

describe('explicit identity-based Deny', () => {
  it('names the Deny statement\'s policy and what to change in it, and never offers Allow statements', () => {
    // Prepare
    const denial = finding({
      verdict: 'cross-region-identity',
      policyType: 'identity-based policy',
      policyArn: 'arn:aws:iam::111122223333:policy/deny-outside-tokyo',
      modelId: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0',
      profile: { id: 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0', scope: 'apac' },
      foundationModel: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
      deniedResource: 'arn:aws:bedrock:ap-southeast-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0',
      deniedRegion: 'ap-southeast-1',
      errorMessage:
        'User: arn:aws:sts::111122223333:assumed-role/app-chatbot-role/i-0abc is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:ap-southeast-1::foundation-model/anthropic.claude-3-5-sonnet-20241022-v2:0 with an explicit deny in an identity-based policy: arn:aws:iam::111122223333:policy/deny-outside-tokyo',
    });

    // Act
    const fix = suggestFix(denial, { catalog, lang: 'en' });

    // Assess
    expect(fix.options).toHaveLength(1);
    expect(fix.recommended?.title).toBe('Change the Deny statement in the identity-based policy');
    expect(fix.recommended?.summary).toContain('arn:aws:iam::111122223333:policy/deny-outside-tokyo');
    expect(fix.recommended?.summary).toContain('An Allow can never override an explicit Deny');
    expect(fix.recommended?.snippet).toBeNull();
  });
});

describe('the outcome in every channel', () => {
  it('shows "verified … assuming" with its assumption in Slack, SNS and the CLI fix text', async () => {
    // Prepare
    const { renderSlackMessage } = await import('../../../../shared/core/render/slack.js');
    const { renderAlertText } = await import('../../../../shared/core/render/sns.js');
    const { renderFixText } = await import('../../../../shared/core/fix/render-text.js');
    const contractors = {
      Sid: 'ContractorsStayInTokyo',
      Effect: 'Deny',
      Action: 'bedrock:*',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalTag/employment': 'contractor' }, StringNotEquals: { 'aws:RequestedRegion': 'ap-northeast-1' } },
    };
    const denial = PROFILE_FINDINGS['apac profile from ap-northeast-1']();
    denial.fix = suggestFix(denial, { catalog, lang: 'en', scps: [[scp('tags.json', [regionDeny(), contractors])]] });
    const content = { finding: denial, fingerprint: '0123456789abcdef0123456789abcdef', repeats: 0, lang: 'en' as const };

    // Act
    const slack = JSON.stringify(renderSlackMessage(content));
    const sns = renderAlertText(content);
    const cli = renderFixText(denial.fix);

    // Assess
    const assumption = 'assuming the request does not carry aws:PrincipalTag/employment = \\"contractor\\"';
    expect(slack).toContain(assumption);
    expect(sns).toContain('assuming the request does not carry aws:PrincipalTag/employment = "contractor"');
    expect(cli).toContain('Verification: verified against the SCPs in force, assuming the request does not carry aws:PrincipalTag/employment = "contractor"');
  });
});
