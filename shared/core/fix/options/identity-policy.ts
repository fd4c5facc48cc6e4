/**
 * `cross-region-identity`: the identity-policy statements cross-Region inference needs. The profile
 * ARN in the source Region; the foundation-model ARN in every destination Region, reachable only
 * through the profile; for a global profile, the Region-less model ARN with `unspecified`.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html
 */
import { principalIdentity } from '../../alert/fingerprint.js';
import { UNSPECIFIED_REGION } from '../../constants.js';
import type { Finding, FixOption, Language } from '../../types.js';
import { foundationModelArn, type FixContext } from '../fix-context.js';
import { buildOption, jsonSnippet } from './common.js';
import { contextParams } from './params.js';

const ACCOUNT_PLACEHOLDER = '<account-id>';
const MODEL_PLACEHOLDER = '<foundation-model-id>';

/** The identity policy document for a finding's profile. */
export function identityPolicyDocument(context: FixContext): Record<string, unknown> {
  const source = context.sourceRegion ?? '<source-region>';
  const model = context.foundationModel ?? MODEL_PLACEHOLDER;
  const profileArn = context.isApplication
    ? (context.profileArn ?? '')
    : `arn:${context.partition}:bedrock:${source}:${context.accountId ?? ACCOUNT_PLACEHOLDER}:inference-profile/${context.profileId ?? '<profile-id>'}`;
  const actions = [...context.actions];
  const throughProfile = { StringLike: { 'bedrock:InferenceProfileArn': profileArn } };
  const statements: Record<string, unknown>[] = [
    { Sid: 'InvokeThroughInferenceProfile', Effect: 'Allow', Action: actions, Resource: profileArn },
  ];
  if (context.isGlobal) {
    statements.push(
      {
        Sid: 'InvokeModelInSourceRegionThroughProfile',
        Effect: 'Allow',
        Action: actions,
        Resource: foundationModelArn(context, source, model),
        Condition: throughProfile,
      },
      {
        Sid: 'InvokeGlobalModelThroughProfile',
        Effect: 'Allow',
        Action: actions,
        Resource: foundationModelArn(context, UNSPECIFIED_REGION, model),
        Condition: { ...throughProfile, StringEquals: { 'aws:RequestedRegion': UNSPECIFIED_REGION } },
      },
    );
  } else {
    statements.push({
      Sid: 'InvokeModelInDestinationRegionsThroughProfile',
      Effect: 'Allow',
      Action: actions,
      Resource: context.scpRegions.map((region) => foundationModelArn(context, region, model)),
      Condition: throughProfile,
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/** Builds the identity-policy option. */
export function identityPolicyOption(input: { lang: Language; rank: number; context: FixContext; finding: Finding }): FixOption {
  return buildOption({
    id: 'identity-policy',
    rank: input.rank,
    lang: input.lang,
    title: 'identityPolicy.title',
    summary: input.context.isGlobal ? 'identityPolicy.summaryGlobal' : 'identityPolicy.summary',
    tradeoffs: 'identityPolicy.tradeoffs',
    params: { ...contextParams(input.context), principal: principalIdentity(input.finding.principalArn) ?? '-' },
    snippet: jsonSnippet(identityPolicyDocument(input.context)),
  });
}
