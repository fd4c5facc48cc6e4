import { describe, expect, it } from 'vitest';
import { buildFixContext } from '../../../../shared/core/fix/fix-context.js';
import { patchStatement } from '../../../../shared/core/fix/patch-scp.js';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import { PROFILE_FINDINGS } from './findings.js';

const context = buildFixContext(PROFILE_FINDINGS['us profile from us-east-1'](), loadBundledCatalog());
const PROFILE = 'arn:aws:bedrock:*:*:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0';
const regionDeny = (fields: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: {
    Sid: 'DenyOutside',
    Effect: 'Deny',
    ...fields,
    Resource: '*',
    Condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } },
  },
});

describe('patchStatement', () => {
  it('turns Action "*" into a NotAction of the inference actions and adds the guards', () => {
    // Act
    const result = patchStatement(regionDeny({ Action: '*' }), 0, context, 'allow-profile-only');

    // Assess
    expect(result.ok).toBe(true);
    const statements = (result.ok ? result.document.Statement : []) as Record<string, unknown>[];
    expect(statements.map((s) => s.Sid)).toEqual(['DenyOutside', 'DenyBedrockInferenceOutsideApprovedRegions', 'DenyBedrockInferenceOutsideProfileRegions']);
    expect(statements[0]).toEqual({
      Sid: 'DenyOutside',
      Effect: 'Deny',
      NotAction: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } },
    });
    expect(statements[2]?.Condition).toEqual({
      StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-east-2', 'us-west-2'] },
    });
  });

  it('lets the profile through in place when Action cannot be split, and still confines the Regions', () => {
    // Act
    const result = patchStatement(regionDeny({ Action: ['bedrock:*', 'sagemaker:*'] }), 0, context, 'allow-profile-only');

    // Assess
    const statements = (result.ok ? result.document.Statement : []) as Record<string, unknown>[];
    expect(statements[0]?.Condition).toEqual({
      StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' },
      ArnNotLike: { 'bedrock:InferenceProfileArn': PROFILE },
    });
    expect(statements.map((s) => s.Sid)).toEqual(['DenyOutside', 'DenyBedrockInferenceOutsideProfileRegions']);
  });

  it('guards with a Null check for any profile when exempting Bedrock', () => {
    // Act
    const result = patchStatement(regionDeny({ NotAction: ['iam:*'] }), 0, context, 'exempt-bedrock');

    // Assess
    const statements = (result.ok ? result.document.Statement : []) as Record<string, unknown>[];
    expect(statements).toHaveLength(2);
    expect(statements[1]?.Condition).toEqual({
      StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' },
      Null: { 'bedrock:InferenceProfileArn': 'true' },
    });
  });

  it('adds the exact profile ARN to a StringNotEquals profile exception', () => {
    // Prepare
    const document = {
      Statement: [
        {
          Effect: 'Deny',
          Action: 'bedrock:InvokeModel',
          Resource: '*',
          Condition: { StringNotEqualsIfExists: { 'bedrock:InferenceProfileArn': ['arn:aws:bedrock:us-east-1:111122223333:inference-profile/eu.x'] } },
        },
      ],
    };

    // Act
    const result = patchStatement(document, 0, context, 'allow-profile-only');

    // Assess
    const statements = (result.ok ? result.document.Statement : []) as { Condition: Record<string, Record<string, string[]>> }[];
    expect(statements[0]?.Condition.StringNotEqualsIfExists?.['bedrock:InferenceProfileArn']).toEqual([
      'arn:aws:bedrock:us-east-1:111122223333:inference-profile/eu.x',
      'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
    ]);
  });

  it.each([
    ['a model allow-list (no Region condition)', { Statement: [{ Effect: 'Deny', Action: 'bedrock:InvokeModel', NotResource: 'arn:aws:bedrock:*::foundation-model/x.*' }] }, 'not-a-region-deny'],
    ['an Allow statement', { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, 'not-a-deny'],
    ['a missing statement', { Statement: [] }, 'not-a-deny'],
  ])('refuses to patch %s', (_name, document, reason) => {
    expect(patchStatement(document, 0, context, 'allow-profile-only')).toEqual({ ok: false, reason });
  });

  it('adds the destination Regions to the approved list when widening', () => {
    // Act
    const result = patchStatement(regionDeny({ NotAction: ['iam:*'] }), 0, context, 'widen-regions');

    // Assess
    const statement = (result.ok ? result.document.Statement : {}) as { Condition: unknown };
    expect(statement.Condition).toEqual({ StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-east-2', 'us-west-2'] } });
  });
});
